using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Signer;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Core.Tests;

/// <summary>
/// A whole market on anvil driven from C#: create, commit, reveal, gold, a report signed with C# keys,
/// finalize, every claim. Every balance must end exactly as <see cref="PayoutCalculator"/> predicted and
/// the market contract must hold nothing.
/// </summary>
public sealed class ScriptedMarketTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static readonly int[] Curators = [4, 5, 6, 7]; // 7 commits but never reveals

    [Fact]
    public async Task Market_settles_exactly_as_the_payout_calculator_predicts()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(RewardPool: 1_000 * Token, OracleFeeBps: 500, SlashBps: 5_000, StakeCap: 150 * Token));
        BigInteger[] stakes = [100 * Token, 150 * Token, 150 * Token, 120 * Token];
        for (var i = 0; i < Curators.Length; i++)
        {
            await market.CommitAsync(Curators[i], stakes[i]);
        }

        await anvil.IncreaseTimeAsync(3_600);
        foreach (var c in Curators.Where(c => c != 7))
        {
            await market.RevealAsync(c);
        }

        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();

        // The oracles' verdict (what the evaluation engine would produce), settled by the C# calculator.
        var settled = market.BuildReport(
        [
            new CuratorOutcome(AnvilFixture.DevAddress(4), stakes[0], 5_000, 300_000),
            new CuratorOutcome(AnvilFixture.DevAddress(5), stakes[1], 1_000, 100_000),
            new CuratorOutcome(AnvilFixture.DevAddress(6), stakes[2], -4_000, -50_000),
            new CuratorOutcome(AnvilFixture.DevAddress(7), stakes[3], -10_000, 0),
        ]);
        var report = settled.Report;
        var onChainDigest = await anvil.Web3.CallAsync<ReportDigestFunction, byte[]>(d.MarketAddress, new ReportDigestFunction { Report = report });
        Assert.Equal(d.Signing.Digest(report), new Bytes32(onChainDigest));

        // A signature over a tampered report recovers a stranger: refused.
        var tampered = new Report
        {
            MarketId = report.MarketId, Round = report.Round, ResultsRoot = Keccak.Hash("another root"u8).ToArray(),
            TotalPayout = report.TotalPayout, ScoresHash = report.ScoresHash, MetricsHash = report.MetricsHash,
        };
        var forged = d.Signing.Sign(tampered, new EthECKey(AnvilFixture.DevPrivateKeys[1]));
        var refused = await Assert.ThrowsAsync<SmartContractCustomErrorRevertException>(() =>
            d.Send(Sponsor, d.MarketAddress, new AttestFunction { Report = report, Signatures = [forged] }));
        Assert.True(refused.IsCustomErrorFor<OracleNotActiveError>());

        // Two of three oracles sign in C#; anyone relays. The quorum (2) accepts the report.
        await market.AttestAsync(settled, 1);
        var accepted = await d.Send(Sponsor, d.MarketAddress, new AttestFunction { Report = report, Signatures = [d.Signing.Sign(report, new EthECKey(AnvilFixture.DevPrivateKeys[2]))] });
        var acceptedEvent = Assert.Single(accepted.DecodeAllEvents<ReportAcceptedEvent>()).Event;
        Assert.Equal(settled.Tree.Root, new Bytes32(acceptedEvent.ResultsRoot));
        Assert.Equal(settled.Table.TotalPayout, acceptedEvent.TotalPayout);

        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await market.FinalizeAsync();

        // Everyone claims their leaf (the remainder too, relayed to the burn address), then the oracles withdraw the fee.
        var sponsorBefore = await d.BalanceAsync(AnvilFixture.DevAddress(Sponsor));
        var burnBefore = await d.BalanceAsync(ProtocolConstants.BurnAddress);
        await market.ClaimAllAsync(settled);
        var first = settled.Leaves[0];
        var again = await Assert.ThrowsAsync<SmartContractCustomErrorRevertException>(() => d.Send(4, d.MarketAddress, new ClaimFunction
        {
            MarketId = market.Id, Account = first.Account, Amount = first.Amount, ScoreBps = first.ScoreBps,
            Proof = [.. settled.Tree.Proof(first.Hash).Select(p => p.ToArray())],
        }));
        Assert.True(again.IsCustomErrorFor<AlreadyClaimedError>());

        var feeWithdrawn = BigInteger.Zero;
        foreach (var o in Oracles.Take(2))
        {
            var before = await d.BalanceAsync(AnvilFixture.DevAddress(o));
            await d.Send(o, d.MarketAddress, new WithdrawCreditFunction { Token = d.TokenAddress, Account = AnvilFixture.DevAddress(o) });
            feeWithdrawn += await d.BalanceAsync(AnvilFixture.DevAddress(o)) - before;
        }

        foreach (var row in settled.Table.Curators)
        {
            Assert.Equal(row.Payout, await d.BalanceAsync(row.Account));
        }

        // The sponsor relayed the burn leaf's claim and gets nothing from the leaves; the remainder is burned.
        Assert.Equal(sponsorBefore, await d.BalanceAsync(AnvilFixture.DevAddress(Sponsor)));
        Assert.Equal(settled.Table.Remainder, await d.BalanceAsync(ProtocolConstants.BurnAddress) - burnBefore);
        Assert.Equal(settled.Table.Fee, feeWithdrawn);
        Assert.Equal(BigInteger.Zero, await d.BalanceAsync(d.MarketAddress));
        var state = await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = market.Id });
        Assert.Equal(BigInteger.Zero, state.ReturnValue1.Balance);
        Assert.Equal(settled.Table.TotalPayout, state.ReturnValue1.Claimed);
    }
}
