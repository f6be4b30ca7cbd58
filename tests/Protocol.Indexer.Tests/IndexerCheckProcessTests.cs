using Npgsql;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary><c>fmp indexer check</c> as an analyst runs it: from the indexer's options file, and with the two addresses mixed up.</summary>
[Trait("tier", "slow")]
public sealed class IndexerCheckProcessTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task It_reads_the_indexers_options_file_and_names_swapped_addresses()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 100, 1_000, 100 * Token));
        await market.CommitAsync(4, 10 * Token);
        var connectionString = await db.Cluster.CreateDatabaseAsync("check_cli");
        await using (var database = NpgsqlDataSource.Create(connectionString))
        {
            await IndexerHarness.Create(d, database, anvil.RpcUrl, reorgDepth: 0).SyncToHeadAsync(CancellationToken.None);
        }

        var config = Path.Combine(Path.GetTempPath(), $"fmp-indexer-check-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Indexer": { "RpcUrl": "{{anvil.RpcUrl}}", "ConnectionString": "{{connectionString}}",
                           "MarketAddress": "{{d.MarketAddress}}", "RegistryAddress": "{{d.RegistryAddress}}", "StartBlock": {{d.StartBlock}} } }
            """);
        try
        {
            var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["indexer", "check", "--config", config], TimeSpan.FromMinutes(1));
            Assert.True(exit == 0, output);
            Assert.Contains("the database equals the chain at its checkpoint", output, StringComparison.Ordinal);

            // Flags win over the file: the two addresses given the wrong way round.
            (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["indexer", "check", "--config", config, "--market", d.RegistryAddress, "--registry", d.MarketAddress], TimeSpan.FromMinutes(1));
            Assert.Equal(2, exit);
            Assert.Contains($"the market and registry addresses are swapped: {d.RegistryAddress} (Indexer:MarketAddress, --market) answers as the OracleRegistry and {d.MarketAddress} (Indexer:RegistryAddress, --registry) answers as the FeedbackMarket; exchange them", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Smart contract error", output, StringComparison.Ordinal);

            const string nothing = "0x00000000000000000000000000000000000000ab";
            (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["indexer", "check", "--config", config, "--registry", nothing], TimeSpan.FromMinutes(1));
            Assert.Equal(2, exit);
            Assert.Contains($"{nothing} (Indexer:RegistryAddress, --registry) has no code", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
