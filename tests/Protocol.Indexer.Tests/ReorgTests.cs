using Dapper;
using Npgsql;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary>Chain reorganisations made with anvil_reorg, found by the running indexer or by one restarted after them.</summary>
public sealed class ReorgTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    public static TheoryData<int, bool> Cases => new() { { 1, false }, { 5, false }, { 5, true }, { 64, false } };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reorganised_blocks_are_rolled_back_and_the_new_chain_indexed(int depth, bool restartAfterReorg)
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 0, 1_000, 100 * Token));
        await market.CommitAsync(4, 10 * Token);
        await anvil.MineAsync(depth + 5); // the deployment and the first commit stay below the reorg

        await using var database = NpgsqlDataSource.Create(await db.Cluster.CreateDatabaseAsync($"reorg_{depth}_{restartAfterReorg}".ToLowerInvariant()));
        var indexer = IndexerHarness.Create(d, database, anvil.RpcUrl, reorgDepth: 100);
        await indexer.SyncToHeadAsync(CancellationToken.None);

        // Events inside the blocks that will be replaced (committing takes three blocks: mint, approve, commit).
        await market.CommitAsync(5, 20 * Token);
        if (depth > 3)
        {
            await anvil.MineAsync(depth - 3);
        }

        await indexer.SyncToHeadAsync(CancellationToken.None);
        await using (var connection = await database.OpenConnectionAsync())
        {
            Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM committed"));
        }

        await anvil.ReorgAsync(depth);
        if (restartAfterReorg)
        {
            indexer = IndexerHarness.Create(d, database, anvil.RpcUrl, reorgDepth: 100);
        }

        await indexer.SyncToHeadAsync(CancellationToken.None);
        Assert.Equal(1, indexer.Reorgs);
        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, database);

        // The indexer goes on along the new chain.
        await market.CommitAsync(6, 30 * Token);
        await indexer.SyncToHeadAsync(CancellationToken.None);
        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, database);
        await using var after = await database.OpenConnectionAsync();
        var curators = (await after.QueryAsync<string>("SELECT curator FROM committed ORDER BY block_number")).ToList();
        Assert.Equal([AnvilFixture.DevAddress(4).ToLowerInvariant(), AnvilFixture.DevAddress(6).ToLowerInvariant()], curators);
    }
}
