using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Signer;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;
using Protocol.Core.Payouts;
using Protocol.Core.Reports;

namespace Protocol.DevChain;

/// <summary>
/// The protocol deployed on a test anvil chain (token, registry with three bonded oracles at quorum two,
/// market) and the moves of a market's life cycle, each a real transaction. Dev accounts: 0 sponsor and
/// owner, 1–3 oracles, 4–7 curators, 8 arbiter, 9 treasury.
/// </summary>
public sealed class ProtocolDeployment
{
    public const int Sponsor = 0, Arbiter = 8, Treasury = 9;
    public static readonly BigInteger Token = BigInteger.Pow(10, 18);
    /// <summary>The registry's minimum bond.</summary>
    public static readonly BigInteger MinBond = 10 * Token;

    /// <summary>What each dev oracle bonds: enough to lock its share (security 100% of the payout over quorum 2) of a few test markets at once.</summary>
    public static readonly BigInteger OracleBond = 100_000 * Token;

    /// <summary>The registry's activation delay: oracles bonded at deployment count an hour later.</summary>
    public const ulong ActivationDelay = 3_600;
    public static readonly int[] Oracles = [1, 2, 3];

    private readonly AnvilChain _anvil;

    private ProtocolDeployment(AnvilChain anvil, string token, string registry, string market)
    {
        _anvil = anvil;
        TokenAddress = token;
        RegistryAddress = registry;
        MarketAddress = market;
        Signing = new ReportSigning(AnvilChain.ChainId, market);
    }

    public string TokenAddress { get; }

    public string RegistryAddress { get; }

    public string MarketAddress { get; }

    public ReportSigning Signing { get; }

    /// <summary>Block the deployment started in (for indexers).</summary>
    public long StartBlock { get; private init; }

    public static async Task<ProtocolDeployment> DeployAsync(AnvilChain anvil)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        var start = (long)(await anvil.LatestBlockAsync().ConfigureAwait(false)).Number.Value + 1;
        var token = await anvil.DeployAsync("TestToken", Sponsor, "Feedback Token", "FBT", (byte)18).ConfigureAwait(false);
        var registry = await anvil.DeployAsync("OracleRegistry", Sponsor,
            AnvilChain.DevAddress(Sponsor), token, MinBond, (ulong)(45 * 24 * 3600), ActivationDelay, new BigInteger(2), new BigInteger(10_000), AnvilChain.DevAddress(Treasury)).ConfigureAwait(false);
        var market = await anvil.DeployAsync("FeedbackMarket", Sponsor, registry, AnvilChain.DevAddress(Arbiter)).ConfigureAwait(false);
        var d = new ProtocolDeployment(anvil, token, registry, market) { StartBlock = start };
        await d.Send(Sponsor, registry, new SetMarketFunction { NewMarket = market }).ConfigureAwait(false);
        foreach (var o in Oracles)
        {
            await d.MintAndApproveAsync(o, registry, OracleBond).ConfigureAwait(false);
            await d.Send(o, registry, new RegisterFunction { Amount = OracleBond }).ConfigureAwait(false);
        }

        return d;
    }

    /// <summary>50 tokens, kept within the contract's bounds [pool / 100, pool].</summary>
    public static BigInteger DisputeBondFor(BigInteger rewardPool) =>
        BigInteger.Max(rewardPool / 100, BigInteger.Min(50 * Token, rewardPool));

    /// <summary>Sends a typed transaction from dev account <paramref name="account"/>.</summary>
    public Task<Nethereum.RPC.Eth.DTOs.TransactionReceipt> Send<T>(int account, string contract, T message)
        where T : FunctionMessage, new() => _anvil.Web3For(account).SendAsync(contract, message);

    public async Task MintAndApproveAsync(int account, string spender, BigInteger amount)
    {
        await Send(Sponsor, TokenAddress, new MintFunction { To = AnvilChain.DevAddress(account), Amount = amount }).ConfigureAwait(false);
        await Send(account, TokenAddress, new ApproveFunction { Spender = spender, Value = amount }).ConfigureAwait(false);
    }

    public Task<BigInteger> BalanceAsync(string account) =>
        _anvil.Web3.CallAsync<BalanceOfFunction, BigInteger>(TokenAddress, new BalanceOfFunction { Account = account });

    /// <summary>
    /// Creates a market whose deadlines lie 1, 2, 3 and 25 hours ahead; returns it with its config. Without
    /// <paramref name="files"/> the task pool, spec and gold set are placeholders (hashes of nothing real).
    /// </summary>
    public async Task<TestMarket> CreateMarketAsync(MarketTerms terms, ulong challengePeriod = 7_200, MarketFiles? files = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var now = (ulong)(await _anvil.LatestBlockAsync().ConfigureAwait(false)).Timestamp.Value;
        var goldHash = files?.GoldHash ?? Keccak.Hash(Guid.NewGuid().ToByteArray());
        var goldSalt = Commitments.NewSalt();
        await MintAndApproveAsync(Sponsor, MarketAddress, terms.RewardPool).ConfigureAwait(false);
        var receipt = await Send(Sponsor, MarketAddress, new CreateMarketFunction
        {
            Params = new MarketParams
            {
                Token = TokenAddress, RewardPool = terms.RewardPool,
                TaskPoolHash = (files?.TaskPoolHash ?? Keccak.Hash("tasks"u8)).ToArray(), TaskPoolURI = files?.TaskPoolUri ?? "file:///tasks.jsonl",
                GoldCommitment = Commitments.Gold(goldHash, goldSalt).ToArray(),
                EvalSpecHash = (files?.SpecHash ?? Keccak.Hash("spec"u8)).ToArray(), EvalSpecURI = files?.SpecUri ?? "file:///specs/bt-shapley-v1.json",
                CommitDeadline = now + 3_600, RevealDeadline = now + 7_200, GoldDeadline = now + 10_800, EvaluationDeadline = now + 90_000,
                ChallengePeriod = challengePeriod, MinStake = 1 * Token, StakeCap = terms.StakeCap,
                SlashBps = (ushort)terms.SlashBps, OracleFeeBps = (ushort)terms.OracleFeeBps, DisputeBond = DisputeBondFor(terms.RewardPool),
            },
        }).ConfigureAwait(false);
        var created = receipt.DecodeAllEvents<MarketCreatedEvent>().Single().Event;
        return new TestMarket(this, _anvil, created.MarketId, terms, goldHash, goldSalt, challengePeriod) { GoldUri = files?.GoldUri ?? "file:///gold.jsonl" };
    }
}

/// <summary>The sponsor's real inputs of a market: hashes (of the exact file bytes) and URIs.</summary>
public sealed record MarketFiles(Bytes32 TaskPoolHash, string TaskPoolUri, Bytes32 SpecHash, string SpecUri, Bytes32 GoldHash, string GoldUri);

/// <summary>One market on the test chain and the moves of its life cycle.</summary>
public sealed class TestMarket
{
    private readonly ProtocolDeployment _d;
    private readonly AnvilChain _anvil;
    private readonly Dictionary<int, BigInteger> _stakes = [];

    internal TestMarket(ProtocolDeployment d, AnvilChain anvil, BigInteger id, MarketTerms terms, Bytes32 goldHash, Bytes32 goldSalt, ulong challengePeriod)
    {
        _d = d;
        _anvil = anvil;
        Id = id;
        Terms = terms;
        GoldHash = goldHash;
        GoldSalt = goldSalt;
        ChallengePeriod = challengePeriod;
    }

    public BigInteger Id { get; }

    public MarketTerms Terms { get; }

    public Bytes32 GoldHash { get; }

    public Bytes32 GoldSalt { get; }

    public ulong ChallengePeriod { get; }

    public IReadOnlyDictionary<int, BigInteger> Stakes => _stakes;

    /// <summary>Where the gold set is revealed to be.</summary>
    public string GoldUri { get; init; } = "file:///gold.jsonl";

    private readonly Dictionary<int, (Bytes32 Hash, string Uri)> _labelFiles = [];

    /// <summary>Gives <paramref name="curator"/> a real label file (before it commits); otherwise its labels are a placeholder hash.</summary>
    public void UseLabelFile(int curator, Bytes32 hash, string uri) => _labelFiles[curator] = (hash, uri);

    public Bytes32 LabelsHash(int curator) =>
        _labelFiles.TryGetValue(curator, out var file) ? file.Hash : Keccak.Hash([.. Id.ToByteArray(), (byte)curator]);

    public Bytes32 Salt(int curator) => Keccak.Hash([.. Id.ToByteArray(), (byte)curator, 0x5a]);

    public async Task CommitAsync(int curator, BigInteger stake)
    {
        await _d.MintAndApproveAsync(curator, _d.MarketAddress, stake).ConfigureAwait(false);
        var commitment = Commitments.Labels(Id, AnvilChain.DevAddress(curator), LabelsHash(curator), Salt(curator));
        await _d.Send(curator, _d.MarketAddress, new CommitFunction { MarketId = Id, Commitment = commitment.ToArray(), Stake = stake }).ConfigureAwait(false);
        _stakes[curator] = stake;
    }

    public Task RevealAsync(int curator) => _d.Send(curator, _d.MarketAddress, new RevealFunction
    {
        MarketId = Id, LabelsHash = LabelsHash(curator).ToArray(), Salt = Salt(curator).ToArray(),
        Uri = _labelFiles.TryGetValue(curator, out var file) ? file.Uri : $"file:///labels/{Id}/{curator}.jsonl",
    });

    public Task RevealGoldAsync() => _d.Send(ProtocolDeployment.Sponsor, _d.MarketAddress, new RevealGoldFunction
    {
        MarketId = Id, GoldHash = GoldHash.ToArray(), Salt = GoldSalt.ToArray(), Uri = GoldUri,
    });

    /// <summary>Builds the report for the given outcomes (payout table, leaves, tree) for round <paramref name="round"/>.</summary>
    public SettledReport BuildReport(IEnumerable<CuratorOutcome> outcomes, uint round = 0)
    {
        var table = PayoutCalculator.Compute(Terms, outcomes);
        var leaves = table.Leaves(Id);
        var tree = MerkleTree.Build(leaves.Select(l => l.Hash));
        var report = new Report
        {
            MarketId = Id, Round = round, ResultsRoot = tree.Root.ToArray(), TotalPayout = table.TotalPayout,
            ScoresHash = Keccak.Hash([.. tree.Root.ToArray(), 1]).ToArray(), MetricsHash = Keccak.Hash([.. tree.Root.ToArray(), 2]).ToArray(),
        };
        return new SettledReport(table, leaves, tree, report);
    }

    /// <summary>Each of <paramref name="oracles"/> signs the report in C#; the sponsor relays the signatures.</summary>
    public Task AttestAsync(SettledReport settled, params int[] oracles)
    {
        ArgumentNullException.ThrowIfNull(settled);
        var signatures = oracles.Select(o => _d.Signing.Sign(settled.Report, new EthECKey(AnvilChain.DevPrivateKeys[o]))).ToList();
        return _d.Send(ProtocolDeployment.Sponsor, _d.MarketAddress, new AttestFunction { Report = settled.Report, Signatures = signatures });
    }

    /// <summary>Oracles sign a verdict that the sponsor's inputs are unusable (no results root, no payout; <paramref name="reason"/> as metricsHash).</summary>
    public Task AttestVerdictAsync(Bytes32 reason, params int[] oracles)
    {
        var verdict = new Report
        {
            MarketId = Id, Round = 0, ResultsRoot = new byte[32], TotalPayout = BigInteger.Zero, ScoresHash = new byte[32], MetricsHash = reason.ToArray(),
        };
        var signatures = oracles.Select(o => _d.Signing.Sign(verdict, new EthECKey(AnvilChain.DevPrivateKeys[o]))).ToList();
        return _d.Send(ProtocolDeployment.Sponsor, _d.MarketAddress, new AttestFunction { Report = verdict, Signatures = signatures });
    }

    public Task FinalizeAsync() => _d.Send(ProtocolDeployment.Sponsor, _d.MarketAddress, new FinalizeFunction { MarketId = Id });

    public Task CancelAsync() => _d.Send(ProtocolDeployment.Sponsor, _d.MarketAddress, new CancelFunction { MarketId = Id });

    public Task ForfeitAsync() => _d.Send(ProtocolDeployment.Sponsor, _d.MarketAddress, new ForfeitFunction { MarketId = Id });

    public Task RefundAsync(int curator) => _d.Send(curator, _d.MarketAddress, new RefundFunction { MarketId = Id, Curator = AnvilChain.DevAddress(curator) });

    public Task DisputeAsync(int challenger) => _d.Send(challenger, _d.MarketAddress, new DisputeFunction { MarketId = Id });

    public Task ResolveDisputeAsync(bool overturned) =>
        _d.Send(ProtocolDeployment.Arbiter, _d.MarketAddress, new ResolveDisputeFunction { MarketId = Id, Overturned = overturned });

    /// <summary>Claims every leaf, each from its own account.</summary>
    public async Task ClaimAllAsync(SettledReport settled)
    {
        ArgumentNullException.ThrowIfNull(settled);
        foreach (var leaf in settled.Leaves)
        {
            // Claims are permissionless: the burn address's remainder leaf (no key) is relayed by the sponsor.
            var account = leaf.Account == ProtocolConstants.BurnAddress ? ProtocolDeployment.Sponsor : Enumerable.Range(0, 10).First(i => AnvilChain.DevAddress(i) == leaf.Account);
            await _d.Send(account, _d.MarketAddress, new ClaimFunction
            {
                MarketId = Id, Account = leaf.Account, Amount = leaf.Amount, ScoreBps = leaf.ScoreBps,
                Proof = [.. settled.Tree.Proof(leaf.Hash).Select(p => p.ToArray())],
            }).ConfigureAwait(false);
        }
    }
}

/// <summary>A report with the payout table, leaves and tree it commits to.</summary>
public sealed record SettledReport(PayoutTable Table, IReadOnlyList<PayoutLeaf> Leaves, MerkleTree Tree, Report Report);
