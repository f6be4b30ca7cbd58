using Dapper;
using Npgsql;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary>The indexer behind an RPC provider that fails, truncates and stalls now and then.</summary>
public sealed class FaultyRpcTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Faults_are_retried_and_the_database_still_equals_the_chain()
    {
        var d = await DeployAsync(anvil);
        for (var i = 0; i < 3; i++)
        {
            var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 100, 1_000, 100 * Token));
            await market.CommitAsync(4, 10 * Token);
            await market.CommitAsync(5, 10 * Token);
        }

        await using var proxy = new FaultyRpcProxy(anvil.RpcUrl, faultRate: 0.25, stall: TimeSpan.FromSeconds(2));
        var indexer = IndexerHarness.Create(d, db.DataSource, proxy.Url, reorgDepth: 4, rpcTimeout: TimeSpan.FromMilliseconds(700), initialRange: 3);
        await indexer.SyncToHeadAsync(CancellationToken.None);

        Assert.True(proxy.Faults >= 5, $"only {proxy.Faults} faults in {proxy.Requests} requests");
        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, db.DataSource);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(6, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM committed"));
    }

    [Fact]
    public async Task Oversized_answers_are_split_into_batches_that_fit_without_fetching_a_block_twice()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 100, 1_000, 100 * Token));
        foreach (var curator in new[] { 4, 5, 6, 7 })
        {
            await market.CommitAsync(curator, 10 * Token);
        }

        await using var database = NpgsqlDataSource.Create(await db.Cluster.CreateDatabaseAsync("oversized"));
        await using var proxy = new FaultyRpcProxy(anvil.RpcUrl, faultRate: 0, stall: TimeSpan.Zero);
        var indexer = IndexerHarness.Create(d, database, proxy.Url, reorgDepth: 2, initialRange: 10_000, maxLogs: 2);
        await indexer.SyncToHeadAsync(CancellationToken.None);

        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, database);
        Assert.True(indexer.RangeSplits > 0);

        // The first answer held every block up to the reorg depth: it was written in parts, and no block was
        // asked for again.
        var ranges = proxy.LogRanges.OrderBy(r => r.From).ToList();
        Assert.Equal(d.StartBlock, ranges[0].From);
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i].From > ranges[i - 1].To, $"blocks {ranges[i].From}–{ranges[i - 1].To} fetched twice");
        }

        await using var connection = await database.OpenConnectionAsync();
        Assert.Equal(4, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM committed"));
    }

    [Fact]
    public async Task A_block_with_more_logs_than_a_batch_holds_is_written_whole()
    {
        // One transaction of the benchmark's event firehose (put at the market's address) emits five
        // Committed events in one block; batches hold two.
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 100, 1_000, 100 * Token));
        await market.CommitAsync(4, 10 * Token);
        await EventFirehose.InstallAsync(anvil, d.MarketAddress);
        await d.Send(0, d.MarketAddress, new FireFunction { MarketId = market.Id, First = 100, N = 5 });
        await d.Send(0, d.MarketAddress, new FireFunction { MarketId = market.Id, First = 200, N = 1 });
        await anvil.MineAsync(3);

        await using var database = NpgsqlDataSource.Create(await db.Cluster.CreateDatabaseAsync("big_block"));
        await using var proxy = new FaultyRpcProxy(anvil.RpcUrl, faultRate: 0, stall: TimeSpan.Zero);
        var log = new RecordingLogger<Sync.ChainIndexer>();
        var indexer = IndexerHarness.Create(d, database, proxy.Url, reorgDepth: 2, initialRange: 10_000, maxLogs: 2, logger: log);
        await indexer.SyncToHeadAsync(CancellationToken.None);

        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, database);
        var ranges = proxy.LogRanges;
        Assert.True(ranges.Count == 1, $"asked for {string.Join(", ", ranges)}: the one answer held every block below the reorg depth");
        await using var connection = await database.OpenConnectionAsync();
        var bigBlock = await connection.QuerySingleAsync<long>("SELECT block_number FROM committed GROUP BY block_number HAVING count(*) = 5");

        // Batches in block order, of at most two events unless they are one block (the big one is a batch of
        // its own; so is the deployment's block, of three).
        var batches = log.Entries.Where(e => e.Event == "Batch").Select(e => (From: (long)e.Values["From"]!, To: (long)e.Values["To"]!, Events: (int)e.Values["Events"]!)).ToList();
        Assert.Contains((bigBlock, bigBlock, 5), batches);
        Assert.All(batches, b => Assert.True(b.Events <= 2 || b.From == b.To, $"batch {b}"));
        Assert.Equal(batches.OrderBy(b => b.From).ToList(), batches);
        Assert.True(indexer.RangeSplits >= 2, $"{indexer.RangeSplits} splits");
    }
}
