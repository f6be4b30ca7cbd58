using Npgsql;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary>
/// <c>fmp indexer run</c> as a service: a fatal error at start exits non-zero; an RPC outage once running is ridden
/// out (retried with a capped, doubling wait, logged once per wait) and the work resumes where it stopped. The
/// outage is the proxy dropping every connection: a provider going down cannot be produced on demand otherwise.
/// </summary>
[Trait("tier", "slow")]
public sealed class OutageTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    private static readonly Dictionary<string, string> Fast = new() { ["FMP_Indexer__RpcAttempts"] = "2", ["FMP_Indexer__OutageBackoffCap"] = "00:00:08" };

    private static string[] Arguments(string rpc, string connectionString, ProtocolDeployment d) =>
    [
        "indexer", "run", "--rpc", rpc, "--db", connectionString, "--market", d.MarketAddress, "--registry", d.RegistryAddress,
        "--start-block", d.StartBlock.ToString(System.Globalization.CultureInfo.InvariantCulture), "--reorg-depth", "2",
    ];

    [Fact]
    public async Task A_fatal_error_at_start_exits_non_zero()
    {
        var d = await DeployAsync(anvil);
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, Arguments($"http://127.0.0.1:{FreePort.Next()}/", db.ConnectionString, d), TimeSpan.FromMinutes(1), Fast);
        Assert.True(exit != 0, $"exit {exit} with no RPC: {output}");

        var missing = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Database = "no_such_database" }.ConnectionString;
        (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, Arguments(anvil.RpcUrl, missing, d), TimeSpan.FromMinutes(1), Fast);
        Assert.True(exit != 0, $"exit {exit} with no database: {output}");
        Assert.Contains("no_such_database", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_option_is_named_with_the_nearest_valid_one()
    {
        var config = Path.Combine(Path.GetTempPath(), $"fmp-indexer-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, "{ \"Indexer\": { \"RpcUrll\": \"http://127.0.0.1:1\", \"PollIntervall\": \"00:00:01\" } }");
        try
        {
            var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["indexer", "run", "--config", config], TimeSpan.FromMinutes(1));
            Assert.Equal(2, exit);
            Assert.Contains("unknown option Indexer:RpcUrll (did you mean Indexer:RpcUrl?)", output, StringComparison.Ordinal);
            Assert.Contains("unknown option Indexer:PollIntervall (did you mean Indexer:PollInterval?)", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    // The process rides out a real outage (the waits' lengths, the warnings and the cap over a minute are
    // OutageClockTests', on a manual clock): it keeps running, logs it, and indexes what happened meanwhile.
    [Fact]
    public async Task An_rpc_outage_is_ridden_out_by_the_process_and_indexing_resumes()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 100, 1_000, 100 * Token));
        await market.CommitAsync(4, 10 * Token);
        var connectionString = await db.Cluster.CreateDatabaseAsync("outage");
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var proxy = new FaultyRpcProxy(anvil.RpcUrl, faultRate: 0, stall: TimeSpan.Zero);
        using var indexer = CliProcess.Start(CliProcess.Fmp, Arguments(proxy.Url, connectionString, d), Fast);
        Task AtHeadAsync() => IndexerHarness.WaitForHeadAsync(anvil, database, () => indexer.Process.HasExited, () => indexer.Log);
        await AtHeadAsync();

        proxy.Down = true;
        await market.CommitAsync(5, 10 * Token); // the chain moves on while the indexer cannot see it
        await anvil.MineAsync(3);
        await Task.Delay(TimeSpan.FromSeconds(8)); // waits of 1, 2 and 4 s
        Assert.False(indexer.Process.HasExited, $"the indexer gave up during the outage: {indexer.Log}");
        Assert.Contains("Chain or database unreachable", indexer.Log, StringComparison.Ordinal);

        proxy.Down = false;
        await AtHeadAsync();
        Assert.Contains("Reachable again after", indexer.Log, StringComparison.Ordinal);
        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, database);
        await indexer.TerminateAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, indexer.Process.ExitCode);
    }
}
