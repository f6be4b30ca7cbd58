using System.Numerics;
using Microsoft.Extensions.Logging;
using Protocol.Client.Fetching;
using Protocol.Core.Contracts;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;
using Protocol.Core.Payouts;
using Protocol.Core.Reports;
using Protocol.Evaluation;
using Protocol.Node.Chain;
using Protocol.Node.Inputs;

namespace Protocol.Node.Evaluation;

/// <summary>What one evaluation of a market produced: the report and everything it commits to.</summary>
public sealed record EvaluationOutcome(
    Report Report,
    Bytes32 Digest,
    byte[] ScoresFile,
    byte[] MetricsFile,
    PayoutTable Table,
    IReadOnlyList<PayoutLeaf> Leaves,
    MerkleTree Tree,
    EvaluationResult Result)
{
    /// <summary>
    /// labels.jsonl: every valid label's value (in-run specs; null for v1). Not in the report: its bytes are a function of the
    /// committed inputs like the report's, and each curator's lines sum to its scores.jsonl v (docs/formats.md).
    /// </summary>
    public byte[]? LabelsFile { get; init; }
}

/// <summary>Everything one evaluation needs, loaded and checked.</summary>
public sealed record EvaluationRequest(
    BigInteger ChainId,
    string MarketContract,
    BigInteger MarketId,
    uint Round,
    MarketTerms Terms,
    Bytes32 GoldHash,
    Bytes32 SpecHash,
    EvaluationSpec Spec,
    IReadOnlyList<TaskItem> Tasks,
    IReadOnlyList<GoldItem> Gold,
    IReadOnlyList<CuratorInput> Curators,
    CommittedFeatures? Features = null);

/// <summary>The market's own inputs (task pool, gold set, spec) cannot be used: no honest report exists.</summary>
/// <remarks>Where the fault is the sponsor's and every honest node sees it, <see cref="SponsorInputsUnusableException"/> (a verdict).</remarks>
public class MarketInputException(string problem) : Exception(problem);

/// <summary>
/// One market, one round: fetch and check the sponsor's inputs (task pool, gold set, evaluation spec)
/// against their on-chain hashes, load every curator's labels (bad ones become invalid submissions with
/// their reason), run the evaluation engine, settle the payouts, and build the canonical scores and
/// metrics files, the Merkle leaves and the EIP-712 report.
/// </summary>
public sealed class EvaluationPipeline(InputFetcher fetcher, SubmissionLoader loader, EvaluationOptions engineOptions, ILogger<EvaluationPipeline> logger)
{
    public async Task<EvaluationOutcome> RunAsync(
        MarketSnapshot market, BigInteger chainId, string marketContract, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (market.GoldHash is not { } goldHash || market.GoldUri is null)
        {
            throw new MarketInputException($"market {market.MarketId}: the gold set is not revealed");
        }

        var spec = ChooseSpec(market.EvalSpecHash);
        using var scratch = new ScratchFolder(fetcher.ScratchRoot);
        var committed = spec.Features == FeatureKind.Committed;
        var (taskBytes, taskFeatures) = committed
            ? await FetchBundleAsync(market.TaskPoolUri, market.TaskPoolHash, "task pool", "tasks", scratch, cancellationToken).ConfigureAwait(false)
            : (await FetchCheckedAsync(market.TaskPoolUri, market.TaskPoolHash, "task pool", cancellationToken).ConfigureAwait(false), null);
        var tasks = await ReadSponsorFileAsync(ProtocolFiles.ReadTaskPoolAsync(new MemoryStream(taskBytes), "task pool", cancellationToken: cancellationToken), VerdictReason.TaskPool, cancellationToken).ConfigureAwait(false);
        var (goldBytes, goldFeatures) = committed
            ? await FetchBundleAsync(market.GoldUri, goldHash, "gold set", "gold", scratch, cancellationToken).ConfigureAwait(false)
            : (await FetchCheckedAsync(market.GoldUri, goldHash, "gold set", cancellationToken).ConfigureAwait(false), null);
        var gold = await ReadSponsorFileAsync(ProtocolFiles.ReadGoldAsync(new MemoryStream(goldBytes), "gold set", cancellationToken: cancellationToken), VerdictReason.GoldSet, cancellationToken).ConfigureAwait(false);
        CommittedFeatures? features = null;
        if (committed)
        {
            try
            {
                features = CheckFeatures(taskFeatures!, tasks.Count, goldFeatures!, gold.Count);
            }
            catch (MarketInputException e) when (e is not SponsorInputsUnusableException)
            {
                throw Unusable(VerdictReason.Features, VerdictReason.Malformed, e.Message);
            }
        }

        var taskIds = tasks.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var inputs = await loader.LoadAllAsync(market.Submissions, taskIds, cancellationToken).ConfigureAwait(false);

        var terms = new MarketTerms(market.Config.RewardPool, market.Config.OracleFeeBps, market.Config.SlashBps, market.Config.StakeCap);
        var request = new EvaluationRequest(chainId, marketContract, market.MarketId, market.State.Round, terms,
            goldHash, market.EvalSpecHash, spec, tasks, gold, inputs, features);
        return await EvaluateAsync(request, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The market's spec, by the hash it committed to: one of the documents the engine ships (v1 byte for byte).
    /// Any other hash is refused with the list of what this node runs, before anything is fetched.
    /// </summary>
    public static EvaluationSpec ChooseSpec(Bytes32 evalSpecHash) =>
        EvaluationSpecs.ByHash(evalSpecHash.ToString())
        ?? throw new MarketInputException($"evaluation spec {evalSpecHash} is not one this node runs (it runs {EvaluationSpecs.Listing()}); the market cannot be evaluated by this version of the node");

    /// <summary>Evaluates inputs that are already loaded and checked (the chain-free part, also used by <c>fmp evaluate</c>).</summary>
    public async Task<EvaluationOutcome> EvaluateAsync(EvaluationRequest request, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (tasks, gold, inputs, goldHash) = (request.Tasks, request.Gold, request.Curators, request.GoldHash);
        // The engine sees every revealed curator (invalid ones with their reason); unrevealed ones are scored here.
        var revealed = inputs.Where(i => i.Reason != "not revealed").ToList();
        var engineInput = new MarketInput(
            request.MarketId, request.Round, goldHash.ToArray(),
            tasks,
            gold,
            [.. revealed.Select(i => new CuratorLabels(i.Curator, i.Labels, i.Reason))],
            request.Features);
        var result = await EvaluationEngine.EvaluateAsync(request.Spec, engineInput, engineOptions, progress, cancellationToken).ConfigureAwait(false);
        NodeLog.Evaluated(logger, request.MarketId, request.Round, result.Metrics.TrainingsRun, result.Metrics.Backend);
        if (GoldCheck.Contradicted(result.Metrics))
        {
            // Integers every honest node computes alike: the verdict is the quorum's, never one node's judgement.
            var g = result.Metrics;
            throw Unusable(VerdictReason.GoldSet, VerdictReason.ContradictedByLabels, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the model trained on all {g.Labels} valid labels agrees with {g.GoldCorrectHalves / 2.0:0.#} of {g.GoldItems} gold prefs (ties count half), z = {GoldCheck.Z(g.GoldCorrectHalves, g.GoldItems):0.00} below chance; {GoldCheck.Rule} signs a verdict above z = 2.326 (docs/evaluation.md)"));
        }


        var byAddress = result.Curators.ToDictionary(c => c.Address, StringComparer.Ordinal);
        var table = PayoutCalculator.Compute(request.Terms, inputs.Select(i => byAddress.TryGetValue(i.Curator, out var r)
            ? new CuratorOutcome(i.Curator, i.Stake, r.ScoreBps, r.ValueMicro)
            : new CuratorOutcome(i.Curator, i.Stake, -10_000, 0)), request.Spec.SlashRule);

        var payouts = table.Curators.ToDictionary(c => c.Account, StringComparer.Ordinal);
        var scores = ScoresFile.ToBytes(inputs.Select(i =>
        {
            var p = payouts[i.Curator];
            var r = byAddress.GetValueOrDefault(i.Curator);
            var valid = r?.Valid ?? false;
            return new ScoreLine(i.Curator, valid, valid ? null : r?.InvalidReason ?? i.Reason, r?.LabelCount ?? 0, p.Value, p.ScoreBps, p.Stake, p.Slash, p.Reward, p.Payout);
        }));
        var m = result.Metrics;
        var metrics = MetricsFile.ToBytes(
            new MarketMetrics(request.MarketId, request.Round, m.Spec, request.SpecHash.ToString(), m.Method, m.Seed, goldHash.ToString(),
                m.GoldItems, m.ValidCurators, m.Labels, m.LabelledItems, m.UtilityAllFixed, m.UtilityEmptyFixed, m.GoldAccuracy,
                m.TrainingsRun, m.Permutations, m.Truncations),
            inputs.Select(i =>
            {
                var r = byAddress.GetValueOrDefault(i.Curator);
                var valid = r?.Valid ?? false;
                return new CuratorMetrics(i.Curator, valid, valid ? null : r?.InvalidReason ?? i.Reason, r?.LabelCount ?? 0,
                    (BigInteger)(r?.ValueNumerator ?? 0), (BigInteger)m.ValueDenominator, r?.Shapley ?? 0, r?.ValueMicro ?? 0, r?.ScoreBps ?? -10_000);
            }));

        var leaves = table.Leaves(request.MarketId);
        var tree = MerkleTree.Build(leaves.Select(l => l.Hash));
        var report = new Report
        {
            MarketId = request.MarketId,
            Round = request.Round,
            ResultsRoot = tree.Root.ToArray(),
            TotalPayout = table.TotalPayout,
            ScoresHash = Keccak.Hash(scores).ToArray(),
            MetricsHash = Keccak.Hash(metrics).ToArray(),
        };
        var digest = new ReportSigning(request.ChainId, request.MarketContract).Digest(report);
        var labels = result.Labels is { } values ? LabelValuesFile.ToBytes(values.Select(l => new LabelValueLine(l.Address, l.Id, l.Pref, l.ValueMicro))) : null;
        return new EvaluationOutcome(report, digest, scores, metrics, table, leaves, tree, result) { LabelsFile = labels };
    }

    /// <summary>
    /// The dimensions of the two features files must agree (each was checked against its own file when fetched).
    /// </summary>
    public static CommittedFeatures CheckFeatures(FeaturesReader tasks, int taskCount, FeaturesReader gold, int goldCount)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(gold);
        var problem = FeatureBinding.Mismatch(tasks.Header, "tasks", taskCount) is { } t ? $"task pool: {t}"
            : FeatureBinding.Mismatch(gold.Header, "gold", goldCount) is { } g ? $"gold set: {g}"
            : tasks.Header.Dim != gold.Header.Dim || tasks.Header.ScaleBits != gold.Header.ScaleBits
                ? $"the task pool's features ({tasks.Header.Dim} dims at 2^-{tasks.Header.ScaleBits}, {tasks.Header.Model}) and the gold set's ({gold.Header.Dim} dims at 2^-{gold.Header.ScaleBits}, {gold.Header.Model}) differ"
                : null;
        return problem is null ? new CommittedFeatures(tasks, gold) : throw new MarketInputException(problem);
    }

    /// <summary>
    /// A JSON Lines file and its features file, named by one URI field ("jsonl-URI features-URI") and committed to as
    /// keccak256(abi.encode(keccak256(jsonl), keccak256(features))). The features file is streamed to a scratch file.
    /// </summary>
    private async Task<(byte[] Items, FeaturesReader Features)> FetchBundleAsync(string? uriField, Bytes32 expected, string what, string kind, ScratchFolder scratch, CancellationToken cancellationToken)
    {
        var path = scratch.NewFile(kind + ".features");
        var found = await CommittedFetch.BundleAsync(fetcher, uriField, expected, path, cancellationToken).ConfigureAwait(false);
        switch (found.Failure)
        {
            case CommittedFailure.NotABundle:
                throw Unusable(what, VerdictReason.Missing, $"the spec reads committed features, so the URI must name the {kind} file and its features file, one space apart (got \"{uriField}\")");
            case CommittedFailure.Unavailable:
                throw FetchFailed(what, found.Fetch!);
            case CommittedFailure.FeaturesUnavailable:
                throw new MarketInputException($"{what} features: {found.Detail}");
            case CommittedFailure.Mismatch:
                throw Unusable(what, VerdictReason.HashMismatch, $"committed {expected}, the files give keccak256(abi.encode({found.ItemsHash}, {found.FeaturesHash})) = {found.Actual}");
        }

        var featuresUri = FeatureBinding.SplitUri(uriField)!.Value.FeaturesUri;
        var itemsHash = found.ItemsHash;

        FeaturesReader reader;
        try
        {
            reader = FeaturesReader.Open(path, featuresUri);
        }
        catch (FileFormatException e)
        {
            throw Unusable(VerdictReason.Features, VerdictReason.Malformed, $"{what} features: {e.Message}");
        }

        // The row count is checked once the JSON Lines file is parsed (CheckFeatures); the header must name this file.
        if (reader.Header.Kind != kind || reader.Header.ItemsHash != itemsHash)
        {
            throw Unusable(VerdictReason.Features, VerdictReason.Malformed, $"{what}: {FeatureBinding.Mismatch(reader.Header, kind, reader.Header.Rows, itemsHash)}");
        }

        return (found.Bytes!, reader);
    }

    private static async Task<List<T>> ReadSponsorFileAsync<T>(IAsyncEnumerable<T> items, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await items.ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FileFormatException e)
        {
            throw Unusable(what, VerdictReason.Malformed, e.Message);
        }
    }

    private static SponsorInputsUnusableException Unusable(string what, string kind, string detail) => new(new VerdictReason(what, kind), detail);

    // Nothing published at the URI is the sponsor's fault; an outage or this node's configuration is not.
    private static MarketInputException FetchFailed(string what, FetchResult fetched) =>
        fetched.Missing ? Unusable(what, VerdictReason.Missing, fetched.Failure!) : new MarketInputException($"{what}: {fetched.Failure}");

    private async Task<byte[]> FetchCheckedAsync(string uri, Bytes32 expected, string what, CancellationToken cancellationToken)
    {
        var found = await CommittedFetch.PlainAsync(fetcher, uri, expected, cancellationToken).ConfigureAwait(false);
        return found.Failure switch
        {
            CommittedFailure.None => found.Bytes!,
            CommittedFailure.Unavailable => throw FetchFailed(what, found.Fetch!),
            _ => throw Unusable(what, VerdictReason.HashMismatch, $"committed {expected}, file has {found.Actual}"),
        };
    }
}

/// <summary>A private temporary folder for one evaluation's large inputs, deleted with everything in it.</summary>
internal sealed class ScratchFolder(string root) : IDisposable
{
    private readonly string path = Directory.CreateDirectory(Path.Combine(root, "fmp-eval-" + Guid.NewGuid().ToString("N"))).FullName;

    public string NewFile(string name) => Path.Combine(path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A scratch file still open elsewhere: the OS temp cleaner removes it later.
        }
    }
}
