using System.Globalization;
using System.Numerics;
using Nethereum.Web3;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation;

namespace Protocol.Client.Datasets;

/// <summary>Everything an export is built from, each file checked against what the chain commits to.</summary>
public sealed record SettledMarket(IReadOnlyList<TaskItem> Tasks, IReadOnlyList<CuratorLabelFile> Files, IReadOnlyDictionary<string, ScoreLine> Scores, IReadOnlyList<string> Skipped)
{
    /// <summary>Each valid label's value from the oracle's labels.jsonl, by (curator, id); null when it publishes none (v1, or an older node).</summary>
    public IReadOnlyDictionary<(string Curator, string Id), long>? LabelValues { get; init; }
}

/// <summary>
/// Reads a finalized market's inputs for <c>fmp dataset export</c>: the task pool and every revealed label file (from the
/// URIs in the MarketCreated and Revealed events, each checked against its on-chain hash; a committed-features market's
/// task pool through its bundle hash), and the accepted report's scores.jsonl from an oracle's published reports (checked
/// against the scoresHash the ReportAccepted event records, and its leaves.json against the accepted results root).
/// Any mismatch or unreachable file is an error that names the file and its URI.
/// </summary>
public sealed class SettledMarketInputs(IWeb3 web3, string market, BigInteger marketId)
{
    public async Task<SettledMarket> ReadAsync(MarketConfig config, MarketState state, Uri reports, long startBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        var logs = await MarketLogs.ReadAsync(web3, market, marketId, new LogWindow(startBlock, 10_000), cancellationToken).ConfigureAwait(false);
        var created = MarketLogs.Decode<MarketCreatedEvent>(logs).SingleOrDefault()
            ?? throw new RefusalException($"no MarketCreated event of market {marketId} at {market} from block {startBlock}: pass the block the market contract was deployed in as --start-block");
        var accepted = MarketLogs.Decode<ReportAcceptedEvent>(logs)
            .LastOrDefault(e => e.Round == state.Round && e.Digest.AsSpan().SequenceEqual(state.AcceptedDigest))
            ?? throw new RefusalException($"no ReportAccepted event for the accepted report {new Bytes32(state.AcceptedDigest)} of market {marketId} from block {startBlock}: check --start-block");
        if (new Bytes32(accepted.ResultsRoot) == default)
        {
            throw new RefusalException($"market {marketId} settled on a verdict (the sponsor's inputs were unusable): there are no scores, so no valued dataset");
        }

        var tasks = await ReadTaskPoolAsync(created.Params.TaskPoolURI, new Bytes32(config.TaskPoolHash), new Bytes32(config.EvalSpecHash), cancellationToken).ConfigureAwait(false);
        var scores = await ReadScoresAsync(reports, state, new Bytes32(accepted.ScoresHash), cancellationToken).ConfigureAwait(false);

        var files = new List<CuratorLabelFile>();
        var skipped = new List<string>();
        foreach (var reveal in MarketLogs.Decode<RevealedEvent>(logs).OrderBy(r => r.Curator.ToLowerInvariant(), StringComparer.Ordinal))
        {
            var curator = reveal.Curator.ToLowerInvariant();
            if (!scores.TryGetValue(curator, out var score))
            {
                throw new RefusalException($"curator {curator} revealed, but the accepted report's scores.jsonl has no line for it: the scores file is not this market's; use another oracle's --reports");
            }

            var bytes = await FetchCheckedAsync(reveal.Uri, new Bytes32(reveal.LabelsHash), $"the label file of curator {curator}", cancellationToken).ConfigureAwait(false);
            try
            {
                var labels = await ProtocolFiles.ReadLabelsAsync(new MemoryStream(bytes), reveal.Uri, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
                files.Add(new CuratorLabelFile(curator, labels));
            }
            catch (FileFormatException e) when (!score.Valid)
            {
                // The report already found it unusable (score −10000, value 0): nothing to export, but say so.
                skipped.Add($"curator {curator}: label file {reveal.Uri} does not parse ({e.Message}); the report marks it invalid ({score.Reason})");
            }
        }

        var values = await ReadLabelValuesAsync(reports, state, scores, cancellationToken).ConfigureAwait(false);
        return new SettledMarket(tasks, files, scores, skipped) { LabelValues = values };
    }

    private static async Task<IReadOnlyList<TaskItem>> ReadTaskPoolAsync(string uriField, Bytes32 committed, Bytes32 specHash, CancellationToken cancellationToken)
    {
        // A committed-features market names "<tasks.jsonl URI> <features URI>" and commits to their bundle hash (FeatureBinding).
        var bundle = EvaluationSpecs.ByHash(specHash.ToString())?.Features == FeatureKind.Committed || FeatureBinding.SplitUri(uriField) is not null;
        var bytes = await CommittedFiles.ItemsAsync(uriField, committed, bundle, "task pool", "the files at those URIs were changed; nothing was exported", cancellationToken).ConfigureAwait(false);
        try
        {
            return await ProtocolFiles.ReadTaskPoolAsync(new MemoryStream(bytes), "task pool", cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FileFormatException e)
        {
            throw new RefusalException($"the task pool {uriField} does not parse: {e.Message}");
        }
    }

    private async Task<Dictionary<string, ScoreLine>> ReadScoresAsync(Uri reports, MarketState state, Bytes32 scoresHash, CancellationToken cancellationToken)
    {
        (await CommittedFiles.AcceptedLeavesAsync(reports, marketId, state.Round, new Bytes32(state.ResultsRoot), cancellationToken).ConfigureAwait(false)).Leaves.Dispose();
        var (bytes, scoresUrl) = await CommittedFiles.ReportFileAsync(reports, marketId, state.Round, "scores.jsonl", cancellationToken).ConfigureAwait(false);
        if (Keccak.Hash(bytes) != scoresHash)
        {
            throw new RefusalException($"{scoresUrl} has keccak256 {Keccak.Hash(bytes)}, but the accepted report commits to scoresHash {scoresHash}: the file is not the accepted report's; use another oracle's --reports");
        }

        return await ScoresFile.ReadAsync(new MemoryStream(bytes), "scores.jsonl", cancellationToken: cancellationToken)
            .ToDictionaryAsync(s => s.Account.ToLowerInvariant(), StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The oracle's labels.jsonl, when it publishes one. No hash in the report covers it, so it is held to what the accepted
    /// scores do cover: every valid curator's label values must sum to its scores.jsonl v, one line per label it was scored on,
    /// and no line for a curator the report marks invalid. (Exact values: recompute with fmp evaluate, docs/formats.md.)
    /// </summary>
    private async Task<Dictionary<(string, string), long>?> ReadLabelValuesAsync(Uri reports, MarketState state, IReadOnlyDictionary<string, ScoreLine> scores, CancellationToken cancellationToken)
    {
        var (bytes, url) = await CommittedFiles.OptionalReportFileAsync(reports, marketId, state.Round, "labels.jsonl", cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        List<LabelValueLine> lines;
        try
        {
            lines = await LabelValuesFile.ReadAsync(new MemoryStream(bytes), url.ToString(), cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FileFormatException e)
        {
            throw new RefusalException($"{url} does not parse: {e.Message}; use another oracle's --reports");
        }

        // One pass over the lines (a market may hold millions), then one check per curator.
        var totals = lines.GroupBy(l => l.Account, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (Count: g.Count(), Sum: g.Sum(l => l.Value)), StringComparer.Ordinal);
        foreach (var (account, score) in scores)
        {
            var (count, sum) = totals.GetValueOrDefault(account);
            if (score.Valid ? count != score.Labels || sum != score.Value : count != 0)
            {
                throw new RefusalException($"{url} gives curator {account} {count} label values summing to {sum}, but the accepted scores.jsonl gives it {(score.Valid ? $"{score.Labels} labels and v = {score.Value}" : "no valid labels")}: the file is not the accepted report's; use another oracle's --reports");
            }
        }

        return lines.Count == scores.Values.Where(s => s.Valid).Sum(s => s.Labels)
            ? lines.ToDictionary(l => (l.Account, l.Id), l => l.Value)
            : throw new RefusalException($"{url} has label values of curators the accepted scores.jsonl does not list; use another oracle's --reports");
    }

    private static async Task<byte[]> FetchCheckedAsync(string uri, Bytes32 committed, string what, CancellationToken cancellationToken)
    {
        var found = await CommittedFiles.PlainAsync(uri, committed, cancellationToken).ConfigureAwait(false);
        return found.Failure switch
        {
            CommittedFailure.None => found.Bytes!,
            CommittedFailure.Unavailable => throw new RefusalException($"cannot fetch {what} from {uri}: {found.Fetch!.Failure}", RefusalCode.Unreachable),
            _ => throw new RefusalException($"{what} at {uri} has keccak256 {found.Actual}, but the chain records {committed}: the file was changed after it was committed to; nothing was exported", RefusalCode.Mismatch),
        };
    }
}
