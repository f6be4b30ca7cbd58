using System.Numerics;
using Dapper;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary>Markets through every life-cycle path on anvil, indexed into PostgreSQL, compared with the chain.</summary>
public sealed class IndexerChainTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Database_equals_the_chain_after_markets_through_every_path()
    {
        var d = await DeployAsync(anvil);
        var indexer = IndexerHarness.Create(d, db.DataSource, anvil.RpcUrl, reorgDepth: 8, initialRange: 4);

        await Scenarios.SettledMarketAsync(anvil, d, disputed: false);
        await indexer.SyncToHeadAsync(CancellationToken.None); // part of the history arrives while markets are running
        await Scenarios.SettledMarketAsync(anvil, d, disputed: true);
        await Scenarios.CancelledMarketAsync(anvil, d);
        await Scenarios.ForfeitedMarketAsync(anvil, d);
        await Scenarios.VerdictMarketAsync(anvil, d);
        await Scenarios.ExpiredDisputeMarketAsync(anvil, d);
        await d.Send(3, d.RegistryAddress, new RequestExitFunction());
        await indexer.SyncToHeadAsync(CancellationToken.None);

        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, db.DataSource);
        await IndexerHarness.AssertViewsMatchContractStateAsync(anvil, d, db.DataSource);

        // The fast decoder and the Nethereum bindings agree on every log of every kind the paths emitted.
        var rpc = new Protocol.Indexer.Rpc.ChainRpc(new HttpClient(), new Uri(anvil.RpcUrl), TimeSpan.FromSeconds(10), 1, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var head = (long)(await anvil.LatestBlockAsync()).Number.Value;
        var fastKinds = new HashSet<string>();
        foreach (var log in await rpc.LogsAsync(d.StartBlock, head, [d.MarketAddress, d.RegistryAddress], CancellationToken.None))
        {
            var table = Protocol.Indexer.Schema.EventTables.All.SingleOrDefault(t => t.Topic0 == log.Topics[0] && string.Equals(t.Contract == "FeedbackMarket" ? d.MarketAddress : d.RegistryAddress, log.Address, StringComparison.OrdinalIgnoreCase));
            if (table?.FastDecode is { } fast)
            {
                Assert.Equal(Protocol.Indexer.Sync.LogDecoder.DecodeWithNethereum(table, log), fast(log.Topics, log.Data));
                fastKinds.Add(table.Name);
            }
        }

        Assert.True(fastKinds.Count >= 15, string.Join(", ", fastKinds));

        await using var connection = await db.DataSource.OpenConnectionAsync();
        var statuses = (await connection.QueryAsync<string>("SELECT status FROM markets ORDER BY market_id")).ToList();
        Assert.Equal(["finalized", "finalized", "cancelled", "forfeited", "forfeited", "cancelled"], statuses);
        // A failed market whose curators revealed burns its pool: never back to the sponsor, nor to the treasury.
        Assert.Equal(4, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM credited WHERE reason = 4 AND account = @t", new { t = ProtocolConstants.BurnAddress.ToLowerInvariant() }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM credited WHERE account = @t", new { t = AnvilFixture.DevAddress(Treasury).ToLowerInvariant() }));
        Assert.Equal("exiting", await connection.ExecuteScalarAsync<string>("SELECT status FROM oracles WHERE oracle = @o", new { o = AnvilFixture.DevAddress(3).ToLowerInvariant() }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM disputes WHERE overturned = false"));

        // Every market paid out exactly what it took in (the analyst guide's money query).
        var sql = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "docs", "analysts.md"));
        var moneyQuery = sql[sql.IndexOf("SELECT m.market_id,", StringComparison.Ordinal)..];
        moneyQuery = moneyQuery[..(moneyQuery.IndexOf(';', StringComparison.Ordinal) + 1)];
        foreach (var row in await connection.QueryAsync(moneyQuery))
        {
            Assert.Equal((decimal)row.money_in, (decimal)row.money_out);
        }

        // The consistency check notices a tampered row, naming the market and field.
        var tampered = await connection.QueryFirstAsync<(long Block, int Log)>("SELECT block_number, log_index FROM claimed WHERE market_id = 2 ORDER BY 1, 2");
        await connection.ExecuteAsync("UPDATE claimed SET amount = amount + 1 WHERE block_number = @Block AND log_index = @Log", new { tampered.Block, tampered.Log });
        var differences = await new Protocol.Indexer.Consistency.ConsistencyCheck(db.DataSource, anvil.Web3, d.MarketAddress, d.RegistryAddress).RunAsync(CancellationToken.None);
        var difference = Assert.Single(differences);
        Assert.Equal(("market 2", "claimed"), (difference.Subject, difference.Field));
        await connection.ExecuteAsync("UPDATE claimed SET amount = amount - 1 WHERE block_number = @Block AND log_index = @Log", new { tampered.Block, tampered.Log });
        Assert.Empty(await new Protocol.Indexer.Consistency.ConsistencyCheck(db.DataSource, anvil.Web3, d.MarketAddress, d.RegistryAddress).RunAsync(CancellationToken.None));

        // The remainder leaf (burn address, sentinel score) is a claim of its own kind with no score, so a mean over
        // claims is a curators' mean (it was about -715 million with the sentinel in it).
        var kinds = (await connection.QueryAsync<(string Account, string Kind, long? Score)>("SELECT account, kind, score_bps FROM claims")).ToList();
        Assert.Contains(kinds, k => k.Kind == "remainder");
        Assert.All(kinds, k => Assert.Equal(string.Equals(k.Account, ProtocolConstants.BurnAddress, StringComparison.OrdinalIgnoreCase), k.Kind == "remainder"));
        Assert.All(kinds, k => Assert.Equal(k.Kind == "remainder", k.Score is null));
        Assert.InRange(await connection.ExecuteScalarAsync<decimal>("SELECT avg(score_bps) FROM claims"), -10_000m, 10_000m);

        // Curator 7 never revealed in the settled markets: its leaderboard row shows the slash.
        var loser = await connection.QuerySingleAsync("SELECT * FROM curator_leaderboard WHERE curator = @c", new { c = AnvilFixture.DevAddress(7).ToLowerInvariant() });
        Assert.True((decimal)loser.profit < 0);
        Assert.Equal(-10_000m, (decimal)loser.mean_score_bps);
    }
}
