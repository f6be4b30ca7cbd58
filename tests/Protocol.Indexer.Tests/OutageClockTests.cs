using Npgsql;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.Indexer.Sync;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary>
/// The indexer's outage policy over a minute-long RPC outage, on a manual clock (the chain, the database and the
/// dropped connections are real; only the waits between tries take no time): one warning per wait, the waits double
/// from a second up to the cap and stay there, the indexer never gives up, and once the RPC answers again it says how
/// long the outage lasted on that clock and indexes what happened meanwhile. <c>OutageTests</c> rides out a real outage
/// with the process.
/// </summary>
public sealed class OutageClockTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task A_sixty_second_rpc_outage_is_ridden_out_with_one_warning_per_capped_wait_and_indexing_resumes()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 100, 1_000, 100 * Token));
        await market.CommitAsync(4, 10 * Token);
        await using var database = NpgsqlDataSource.Create(await db.Cluster.CreateDatabaseAsync("outage_clock"));
        await using var proxy = new FaultyRpcProxy(anvil.RpcUrl, faultRate: 0, stall: TimeSpan.Zero);
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var log = new RecordingLogger<ChainIndexer>();
        var indexer = IndexerHarness.Create(d, database, proxy.Url, reorgDepth: 2, logger: log, clock: clock, configure: o =>
        {
            o.RpcAttempts = 2; // one quick retry inside a request; the outage policy does the rest
            o.OutageBackoffCap = TimeSpan.FromSeconds(8);
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        using var stop = new CancellationTokenSource();
        var run = indexer.RunAsync(stop.Token);
        Task AtHeadAsync() => IndexerHarness.WaitForHeadAsync(anvil, database, () => run.IsCompleted, () => $"{run.Status} {run.Exception}");
        await AtHeadAsync();

        proxy.Down = true;
        await market.CommitAsync(5, 10 * Token); // the chain moves on while the indexer cannot see it
        await anvil.MineAsync(3);
        var waits = new List<TimeSpan>();
        while (waits.Sum(w => w.TotalSeconds) < 60)
        {
            var next = await clock.NextDueAsync(TimeSpan.FromSeconds(30));
            waits.Add(next);
            clock.Advance(next);
        }

        // The try after the last wait fails too (the outage goes on until the RPC answers): its wait is the last one.
        waits.Add(await clock.NextDueAsync(TimeSpan.FromSeconds(30)));
        Assert.False(run.IsCompleted, "the indexer stopped during the outage");
        Assert.Equal([1, 2, 4, 8, 8, 8, 8, 8, 8, 8, 8], waits.Select(w => w.TotalSeconds)); // doubling, then capped
        var warnings = log.Entries.Where(e => e.Event == "Outage").ToList();
        Assert.Equal(waits, warnings.Select(w => (TimeSpan)w.Values["Delay"]!)); // once per wait, not once per request

        proxy.Down = false;
        clock.Advance(waits[^1]);
        await AtHeadAsync();
        var recovered = Assert.Single(log.Entries, e => e.Event == "Recovered");
        Assert.Equal(TimeSpan.FromSeconds(71), (TimeSpan)recovered.Values["Duration"]!); // 1 + 2 + 4 + 8 × 8 on the clock
        Assert.Equal(11, recovered.Values["Failures"]);
        Assert.Equal(11, indexer.OutageRetries);
        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, database);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
