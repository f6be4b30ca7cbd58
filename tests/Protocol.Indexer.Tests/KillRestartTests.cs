using Dapper;
using Npgsql;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.Indexer.Storage;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary>The real indexer process (<c>fmp indexer run</c>) killed with SIGKILL mid-backfill, then restarted.</summary>
[Trait("tier", "slow")]
public sealed class KillRestartTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Sigkill_at_several_points_loses_nothing_and_duplicates_nothing()
    {
        var d = await DeployWithCommitsAsync(markets: 4);

        var head = (long)(await anvil.LatestBlockAsync()).Number.Value;
        var span = head - d.StartBlock;
        foreach (var fraction in new[] { 0.2, 0.45, 0.7 })
        {
            using var indexer = StartIndexer(d);
            var target = d.StartBlock + (long)(span * fraction);
            await WaitAsync(indexer, async () => await CheckpointAsync() >= target);
            await indexer.KillAsync(); // SIGKILL: no shutdown, no flush
        }

        using (var last = StartIndexer(d))
        {
            await WaitAsync(last, async () => await CheckpointAsync() >= head);
            await last.KillAsync();
        }

        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, db.DataSource);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(12, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM committed"));
    }

    [Fact]
    public async Task Recurring_jobs_start_once_the_indexer_has_caught_up_and_stop_with_it()
    {
        var d = await DeployWithCommitsAsync(markets: 3);

        var head = (long)(await anvil.LatestBlockAsync()).Number.Value;
        var connectionString = await db.Cluster.CreateDatabaseAsync("recurring_jobs");
        await using var database = NpgsqlDataSource.Create(connectionString);
        using var indexer = StartIndexer(d, connectionString);

        // One block per batch: while it backfills, Hangfire has no schema yet; once at the head, both jobs are there.
        var backfillsWithoutHangfire = 0;
        await WaitAsync(indexer, async () =>
        {
            var checkpoint = await CheckpointAsync(database);
            await using var connection = await database.OpenConnectionAsync();
            if (checkpoint >= 0 && checkpoint < head && await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('hangfire.set') IS NULL"))
            {
                backfillsWithoutHangfire++;
            }

            return checkpoint >= head;
        });
        Assert.True(backfillsWithoutHangfire > 0, "no checkpoint of the backfill was seen");
        await WaitAsync(indexer, async () =>
        {
            await using var connection = await database.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('hangfire.set') IS NOT NULL")
                && await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value IN ('consistency-check', 'refresh-views')") == 2;
        });

        // SIGTERM: the indexer and the Hangfire server stop cleanly.
        await indexer.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.True(indexer.Process.ExitCode == 0, $"exit code {indexer.Process.ExitCode}:\n{indexer.Log}");
    }

    // A deployment with `markets` markets of three commits each: a block per transaction.
    private async Task<ProtocolDeployment> DeployWithCommitsAsync(int markets)
    {
        var d = await DeployAsync(anvil);
        for (var i = 0; i < markets; i++)
        {
            var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 100, 1_000, 100 * Token));
            foreach (var curator in new[] { 4, 5, 6 })
            {
                await market.CommitAsync(curator, 10 * Token);
            }
        }

        return d;
    }

    // One block per batch, so that kills land between and inside many small transactions.
    private CliProcess StartIndexer(ProtocolDeployment d, string? connectionString = null) => CliProcess.Start(CliProcess.Fmp,
        [
            "indexer", "run", "--rpc", anvil.RpcUrl, "--db", connectionString ?? db.ConnectionString, "--market", d.MarketAddress,
            "--registry", d.RegistryAddress, "--start-block", d.StartBlock.ToString(System.Globalization.CultureInfo.InvariantCulture), "--reorg-depth", "2",
        ],
        new Dictionary<string, string> { ["FMP_Indexer__InitialBlockRange"] = "1", ["FMP_Indexer__MaxBlockRange"] = "1" });

    private Task<long> CheckpointAsync() => CheckpointAsync(db.DataSource);

    private static async Task<long> CheckpointAsync(NpgsqlDataSource database) =>
        (await new EventStore(database).CheckpointIfAnyAsync(CancellationToken.None))?.Number ?? -1;

    private static async Task WaitAsync(CliProcess indexer, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.False(indexer.Process.HasExited, $"the indexer exited: {indexer.Log}");
            Assert.True(DateTime.UtcNow < deadline, $"the indexer made no progress in 60 s: {indexer.Log}");
            await Task.Delay(20);
        }
    }
}
