using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Signer;
using Nethereum.Web3;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;
using Protocol.Core.Payouts;
using Protocol.Core.Reports;
using Protocol.TestSupport;

namespace Protocol.Core.Tests;

/// <summary>
/// A whole market on anvil driven from C#: create, commit, reveal, gold, a report signed with C# keys,
/// finalize, every claim. Every balance must end exactly as <see cref="PayoutCalculator"/> predicted and
/// the market contract must hold nothing.
/// </summary>
public sealed class ScriptedMarketTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private const int Sponsor = 0, Arbiter = 8, Treasury = 9;
    private static readonly int[] Oracles = [1, 2, 3];
    private static readonly int[] Curators = [4, 5, 6, 7]; // 7 commits but never reveals

    [Fact]
    public async Task Market_settles_exactly_as_the_payout_calculator_predicts()
    {
        var d = await DeployAsync();
        var terms = new MarketTerms(RewardPool: 1_000 * Token, OracleFeeBps: 500, SlashBps: 5_000, StakeCap: 150 * Token);
        var stakes = new Dictionary<int, BigInteger> { [4] = 100 * Token, [5] = 150 * Token, [6] = 150 * Token, [7] = 120 * Token };
        var (marketId, config) = await CreateMarketAsync(d, terms, goldHash: Keccak.Hash("gold"u8), goldSalt: Keccak.Hash("gold-salt"u8));
        Assert.Equal(terms.RewardPool, config.RewardPool);

        // Curators commit (binding market, curator, labels hash and salt), then reveal.
        foreach (var c in Curators)
        {
            await MintAndApproveAsync(d, c, d.Market, stakes[c]);
            var commitment = Commitments.Labels(marketId, AnvilFixture.DevAddress(c), LabelsHash(c), Salt(c));
            await anvil.Web3For(c).SendAsync(d.Market, new CommitFunction { MarketId = marketId, Commitment = commitment.ToArray(), Stake = stakes[c] });
        }

        await anvil.IncreaseTimeAsync(3_600);
        foreach (var c in Curators.Where(c => c != 7))
        {
            await anvil.Web3For(c).SendAsync(d.Market, new RevealFunction { MarketId = marketId, LabelsHash = LabelsHash(c).ToArray(), Salt = Salt(c).ToArray(), Uri = $"file:///labels/{c}.jsonl" });
        }

        await anvil.IncreaseTimeAsync(3_600);
        await anvil.Web3For(Sponsor).SendAsync(d.Market, new RevealGoldFunction { MarketId = marketId, GoldHash = Keccak.Hash("gold"u8).ToArray(), Salt = Keccak.Hash("gold-salt"u8).ToArray(), Uri = "file:///gold.jsonl" });

        // The oracles' verdict (what the evaluation engine would produce), settled by the C# calculator.
        var table = PayoutCalculator.Compute(terms,
        [
            new CuratorOutcome(AnvilFixture.DevAddress(4), stakes[4], 5_000, 300_000),
            new CuratorOutcome(AnvilFixture.DevAddress(5), stakes[5], 1_000, 100_000),
            new CuratorOutcome(AnvilFixture.DevAddress(6), stakes[6], -4_000, -50_000),
            new CuratorOutcome(AnvilFixture.DevAddress(7), stakes[7], -10_000, 0),
        ]);
        var leaves = table.Leaves(marketId, AnvilFixture.DevAddress(Sponsor));
        var tree = MerkleTree.Build(leaves.Select(l => l.Hash));
        var report = new Report
        {
            MarketId = marketId, Round = 0, ResultsRoot = tree.Root.ToArray(), TotalPayout = table.TotalPayout,
            ScoresHash = Keccak.Hash("scores"u8).ToArray(), MetricsHash = Keccak.Hash("metrics"u8).ToArray(),
        };
        var signing = new ReportSigning(AnvilFixture.ChainId, d.Market);
        var onChainDigest = await anvil.Web3.CallAsync<ReportDigestFunction, byte[]>(d.Market, new ReportDigestFunction { Report = report });
        Assert.Equal(signing.Digest(report), new Bytes32(onChainDigest));

        // A signature over a tampered report recovers a stranger: refused.
        var tampered = CopyOf(report);
        tampered.ResultsRoot = Keccak.Hash("another root"u8).ToArray();
        var forged = signing.Sign(tampered, Key(1));
        var refused = await Assert.ThrowsAsync<SmartContractCustomErrorRevertException>(() =>
            anvil.Web3For(Sponsor).SendAsync(d.Market, new AttestFunction { Report = report, Signatures = [forged] }));
        Assert.True(refused.IsCustomErrorFor<OracleNotActiveError>());

        // Two of three oracles sign in C#; anyone relays. The quorum (2) accepts the report.
        await anvil.Web3For(Sponsor).SendAsync(d.Market, new AttestFunction { Report = report, Signatures = [signing.Sign(report, Key(1))] });
        var accepted = await anvil.Web3For(Sponsor).SendAsync(d.Market, new AttestFunction { Report = report, Signatures = [signing.Sign(report, Key(2))] });
        var acceptedEvent = Assert.Single(accepted.DecodeAllEvents<ReportAcceptedEvent>()).Event;
        Assert.Equal(tree.Root, new Bytes32(acceptedEvent.ResultsRoot));
        Assert.Equal(table.TotalPayout, acceptedEvent.TotalPayout);

        await anvil.IncreaseTimeAsync((long)config.ChallengePeriod + 1);
        await anvil.Web3For(Sponsor).SendAsync(d.Market, new FinalizeFunction { MarketId = marketId });

        // Everyone claims their leaf (the sponsor's remainder too), then the oracles withdraw the fee.
        var sponsorBefore = await BalanceAsync(d, Sponsor);
        foreach (var leaf in leaves)
        {
            var claimer = Curators.Append(Sponsor).First(i => AnvilFixture.DevAddress(i) == leaf.Account);
            await anvil.Web3For(claimer).SendAsync(d.Market, new ClaimFunction
            {
                MarketId = marketId, Account = leaf.Account, Amount = leaf.Amount, ScoreBps = leaf.ScoreBps,
                Proof = [.. tree.Proof(leaf.Hash).Select(p => p.ToArray())],
            });
        }

        var again = await Assert.ThrowsAsync<SmartContractCustomErrorRevertException>(() =>
            anvil.Web3For(4).SendAsync(d.Market, new ClaimFunction { MarketId = marketId, Account = leaves[0].Account, Amount = leaves[0].Amount, ScoreBps = leaves[0].ScoreBps, Proof = [.. tree.Proof(leaves[0].Hash).Select(p => p.ToArray())] }));
        Assert.True(again.IsCustomErrorFor<AlreadyClaimedError>());

        var feeWithdrawn = BigInteger.Zero;
        foreach (var o in Oracles.Take(2))
        {
            var before = await BalanceAsync(d, o);
            await anvil.Web3For(o).SendAsync(d.Market, new WithdrawCreditFunction { Token = d.Token, Account = AnvilFixture.DevAddress(o) });
            feeWithdrawn += await BalanceAsync(d, o) - before;
        }

        foreach (var row in table.Curators)
        {
            var index = Curators.First(i => AnvilFixture.DevAddress(i) == row.Account);
            Assert.Equal(row.Payout, await BalanceAsync(d, index));
        }

        Assert.Equal(table.SponsorRemainder, await BalanceAsync(d, Sponsor) - sponsorBefore);
        Assert.Equal(table.Fee, feeWithdrawn);
        Assert.Equal(BigInteger.Zero, await anvil.Web3.CallAsync<BalanceOfFunction, BigInteger>(d.Token, new BalanceOfFunction { Account = d.Market }));
        var state = await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.Market, new MarketStateFunction { MarketId = marketId });
        Assert.Equal(BigInteger.Zero, state.ReturnValue1.Balance);
        Assert.Equal(table.TotalPayout, state.ReturnValue1.Claimed);
    }

    private sealed record Deployment(string Token, string Registry, string Market);

    private async Task<Deployment> DeployAsync()
    {
        var token = await anvil.DeployAsync("TestToken", Sponsor, "Feedback Token", "FBT", (byte)18);
        var registry = await anvil.DeployAsync("OracleRegistry", Sponsor,
            AnvilFixture.DevAddress(Sponsor), token, 10 * Token, (ulong)(45 * 24 * 3600), new BigInteger(2), AnvilFixture.DevAddress(Treasury));
        var market = await anvil.DeployAsync("FeedbackMarket", Sponsor, registry, AnvilFixture.DevAddress(Arbiter));
        var d = new Deployment(token, registry, market);
        await anvil.Web3For(Sponsor).SendAsync(registry, new SetMarketFunction { NewMarket = market });
        foreach (var o in Oracles)
        {
            await MintAndApproveAsync(d, o, registry, 10 * Token);
            await anvil.Web3For(o).SendAsync(registry, new RegisterFunction { Amount = 10 * Token });
        }

        return d;
    }

    private async Task<(BigInteger MarketId, MarketConfig Config)> CreateMarketAsync(Deployment d, MarketTerms terms, Bytes32 goldHash, Bytes32 goldSalt)
    {
        var now = (ulong)(await anvil.LatestBlockAsync()).Timestamp.Value;
        await MintAndApproveAsync(d, Sponsor, d.Market, terms.RewardPool);
        var receipt = await anvil.Web3For(Sponsor).SendAsync(d.Market, new CreateMarketFunction
        {
            Params = new MarketParams
            {
                Token = d.Token, RewardPool = terms.RewardPool,
                TaskPoolHash = Keccak.Hash("tasks"u8).ToArray(), TaskPoolURI = "file:///tasks.jsonl",
                GoldCommitment = Commitments.Gold(goldHash, goldSalt).ToArray(),
                EvalSpecHash = Keccak.Hash("spec"u8).ToArray(), EvalSpecURI = "file:///specs/bt-shapley-v1.json",
                CommitDeadline = now + 3_000, RevealDeadline = now + 6_000, GoldDeadline = now + 9_000, EvaluationDeadline = now + 90_000,
                ChallengePeriod = 7_200, MinStake = 10 * Token, StakeCap = terms.StakeCap,
                SlashBps = (ushort)terms.SlashBps, OracleFeeBps = (ushort)terms.OracleFeeBps, DisputeBond = 50 * Token,
            },
        });
        var created = Assert.Single(receipt.DecodeAllEvents<MarketCreatedEvent>()).Event;
        Assert.Equal(AnvilFixture.DevAddress(Sponsor), created.Sponsor, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("file:///tasks.jsonl", created.Params.TaskPoolURI);
        var config = await anvil.Web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(d.Market, new MarketConfigFunction { MarketId = created.MarketId });
        return (created.MarketId, config.ReturnValue1);
    }

    private async Task MintAndApproveAsync(Deployment d, int account, string spender, BigInteger amount)
    {
        await anvil.Web3For(Sponsor).SendAsync(d.Token, new MintFunction { To = AnvilFixture.DevAddress(account), Amount = amount });
        await anvil.Web3For(account).SendAsync(d.Token, new ApproveFunction { Spender = spender, Value = amount });
    }

    private Task<BigInteger> BalanceAsync(Deployment d, int account) =>
        anvil.Web3.CallAsync<BalanceOfFunction, BigInteger>(d.Token, new BalanceOfFunction { Account = AnvilFixture.DevAddress(account) });

    private static EthECKey Key(int account) => new(AnvilFixture.DevPrivateKeys[account]);

    private static Bytes32 LabelsHash(int curator) => Keccak.Hash(BitConverter.GetBytes(curator));

    private static Bytes32 Salt(int curator) => Keccak.Hash(BitConverter.GetBytes(curator * 7919));

    private static Report CopyOf(Report r) => new()
    {
        MarketId = r.MarketId, Round = r.Round, ResultsRoot = r.ResultsRoot, TotalPayout = r.TotalPayout, ScoresHash = r.ScoresHash, MetricsHash = r.MetricsHash,
    };
}
