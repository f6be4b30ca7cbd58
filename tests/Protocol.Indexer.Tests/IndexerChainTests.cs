using System.Numerics;
using Dapper;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Core.Payouts;
using Protocol.TestSupport;
using static Protocol.TestSupport.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary>Markets through every life-cycle path on anvil, indexed into PostgreSQL, compared with the chain.</summary>
public sealed class IndexerChainTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    private static readonly MarketTerms Terms = new(RewardPool: 1_000 * Token, OracleFeeBps: 500, SlashBps: 5_000, StakeCap: 150 * Token);

    [Fact]
    public async Task Database_equals_the_chain_after_markets_through_every_path()
    {
        var d = await DeployAsync(anvil);
        var indexer = IndexerHarness.Create(d, db.DataSource, anvil.RpcUrl, reorgDepth: 8, initialRange: 4);

        await SettledMarketAsync(d, disputed: false);
        await indexer.SyncToHeadAsync(CancellationToken.None); // part of the history arrives while markets are running
        await SettledMarketAsync(d, disputed: true);
        await CancelledMarketAsync(d);
        await ForfeitedMarketAsync(d);
        await d.Send(3, d.RegistryAddress, new RequestExitFunction());
        await indexer.SyncToHeadAsync(CancellationToken.None);

        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, db.DataSource);
        await IndexerHarness.AssertViewsMatchContractStateAsync(anvil, d, db.DataSource);

        await using var connection = await db.DataSource.OpenConnectionAsync();
        var statuses = (await connection.QueryAsync<string>("SELECT status FROM markets ORDER BY market_id")).ToList();
        Assert.Equal(["finalized", "finalized", "cancelled", "forfeited"], statuses);
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

        // Curator 7 never revealed in the settled markets: its leaderboard row shows the slash.
        var loser = await connection.QuerySingleAsync("SELECT * FROM curator_leaderboard WHERE curator = @c", new { c = AnvilFixture.DevAddress(7).ToLowerInvariant() });
        Assert.True((decimal)loser.profit < 0);
        Assert.Equal(-10_000m, (decimal)loser.mean_score_bps);
    }

    // A market settled by a report (after a dispute that the arbiter rejects, when asked) and fully claimed.
    private async Task SettledMarketAsync(ProtocolDeployment d, bool disputed)
    {
        var market = await d.CreateMarketAsync(Terms);
        BigInteger[] stakes = [100 * Token, 120 * Token, 80 * Token];
        int[] curators = [4, 5, 7];
        for (var i = 0; i < curators.Length; i++)
        {
            await market.CommitAsync(curators[i], stakes[i]);
        }

        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await market.RevealAsync(5);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        var report = market.BuildReport(
        [
            new CuratorOutcome(AnvilFixture.DevAddress(4), stakes[0], 4_000, 200_000),
            new CuratorOutcome(AnvilFixture.DevAddress(5), stakes[1], -2_000, -10_000),
            new CuratorOutcome(AnvilFixture.DevAddress(7), stakes[2], -10_000, 0),
        ]);
        await market.AttestAsync(report, 1, 2);
        if (disputed)
        {
            await d.MintAndApproveAsync(6, d.MarketAddress, 50 * Token);
            await market.DisputeAsync(6);
            await market.ResolveDisputeAsync(overturned: false);
        }
        else
        {
            await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
            await market.FinalizeAsync();
        }

        await market.ClaimAllAsync(report);
        await d.Send(1, d.MarketAddress, new Protocol.Core.Contracts.FeedbackMarketBindings.WithdrawCreditFunction { Token = d.TokenAddress, Account = AnvilFixture.DevAddress(1) });
    }

    // Revealed, gold revealed, but no report before the evaluation deadline: everyone is refunded.
    private async Task CancelledMarketAsync(ProtocolDeployment d)
    {
        var market = await d.CreateMarketAsync(Terms);
        await market.CommitAsync(4, 50 * Token);
        await market.CommitAsync(5, 60 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        await anvil.IncreaseTimeAsync(90_000);
        await market.CancelAsync();
        await market.RefundAsync(4);
        await market.RefundAsync(5);
    }

    // The sponsor never reveals the gold set: stakes back, the pool to the revealed curators.
    private async Task ForfeitedMarketAsync(ProtocolDeployment d)
    {
        var market = await d.CreateMarketAsync(Terms);
        await market.CommitAsync(5, 40 * Token);
        await market.CommitAsync(6, 40 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(5);
        await market.RevealAsync(6);
        await anvil.IncreaseTimeAsync(11_000);
        await market.ForfeitAsync();
        await market.RefundAsync(5);
        await market.RefundAsync(6);
    }
}
