using System.Numerics;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.TestSupport;

/// <summary>Markets driven through the life-cycle paths on the test chain.</summary>
public static class Scenarios
{
    private static readonly MarketTerms Terms = new(RewardPool: 1_000 * Token, OracleFeeBps: 500, SlashBps: 5_000, StakeCap: 150 * Token);

    // A market settled by a report (after a dispute that the arbiter rejects, when asked) and fully claimed.
    public static async Task SettledMarketAsync(AnvilFixture anvil, ProtocolDeployment d, bool disputed)
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
    public static async Task CancelledMarketAsync(AnvilFixture anvil, ProtocolDeployment d)
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
    public static async Task ForfeitedMarketAsync(AnvilFixture anvil, ProtocolDeployment d)
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

    // Curators revealed, the gold set's file is not there: a quorum verdict forfeits the market; stakes back, the pool
    // burned.
    public static async Task VerdictMarketAsync(AnvilFixture anvil, ProtocolDeployment d)
    {
        var market = await d.CreateMarketAsync(Terms);
        await market.CommitAsync(4, 30 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        await market.AttestVerdictAsync(Protocol.Core.Hashing.Keccak.Hash("fmp-verdict/1 gold set: missing"u8), 1, 2);
        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await market.ForfeitAsync();
        await market.RefundAsync(4);
    }

    // A report disputed and never resolved: after 30 days anyone cancels; the challenger's bond comes back.
    public static async Task ExpiredDisputeMarketAsync(AnvilFixture anvil, ProtocolDeployment d)
    {
        var market = await d.CreateMarketAsync(Terms);
        await market.CommitAsync(5, 30 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(5);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        var report = market.BuildReport([new CuratorOutcome(AnvilFixture.DevAddress(5), 30 * Token, 1_000, 10_000)]);
        await market.AttestAsync(report, 1, 2);
        await d.MintAndApproveAsync(6, d.MarketAddress, DisputeBondFor(Terms.RewardPool));
        await market.DisputeAsync(6);
        await anvil.IncreaseTimeAsync((30 * 24 * 3600) + 1);
        await market.CancelAsync();
        await market.RefundAsync(5);
    }
}
