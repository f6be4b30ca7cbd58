using System.Globalization;
using System.Numerics;
using Nethereum.Web3;
using Protocol.Cli.Commands;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation;
using Protocol.Node.Chain;
using Protocol.Node.Inputs;

namespace Protocol.Cli.Dataset;

/// <summary>Everything an export is built from, each file checked against what the chain commits to.</summary>
public sealed record SettledMarket(IReadOnlyList<TaskItem> Tasks, IReadOnlyList<CuratorLabelFile> Files, IReadOnlyDictionary<string, ScoreLine> Scores, IReadOnlyList<string> Skipped);

/// <summary>
/// Reads a finalized market's inputs for <c>fmp dataset export</c>: the task pool and every revealed label file (from the
/// URIs in the MarketCreated and Revealed events, each checked against its on-chain hash; a committed-features market's
/// task pool through its bundle hash), and the accepted report's scores.jsonl from an oracle's published reports (checked
/// against the scoresHash the ReportAccepted event records, and its leaves.json against the accepted results root).
/// Any mismatch or unreachable file is an error that names the file and its URI.
/// </summary>
internal sealed class SettledMarketInputs(IWeb3 web3, string market, BigInteger marketId, InputFetcher fetcher, HttpClient http)
{
    /// <summary>A fetcher for the sponsor's own machine (<see cref="Published.Fetcher"/>).</summary>
    public static InputFetcher Fetcher(HttpClient http) => Published.Fetcher(http);

    public async Task<SettledMarket> ReadAsync(MarketConfig config, MarketState state, Uri reports, long startBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        var logs = await MarketLogs.ReadAsync(web3, market, marketId, new LogWindow(startBlock, 10_000), cancellationToken).ConfigureAwait(false);
        var created = MarketSnapshot.Decode<MarketCreatedEvent>(logs).SingleOrDefault()
            ?? throw new OracleCommandException($"no MarketCreated event of market {marketId} at {market} from block {startBlock}: pass the block the market contract was deployed in as --start-block");
        var accepted = MarketSnapshot.Decode<ReportAcceptedEvent>(logs)
            .LastOrDefault(e => e.Round == state.Round && e.Digest.AsSpan().SequenceEqual(state.AcceptedDigest))
            ?? throw new OracleCommandException($"no ReportAccepted event for the accepted report {new Bytes32(state.AcceptedDigest)} of market {marketId} from block {startBlock}: check --start-block");
        if (new Bytes32(accepted.ResultsRoot) == default)
        {
            throw new OracleCommandException($"market {marketId} settled on a verdict (the sponsor's inputs were unusable): there are no scores, so no valued dataset");
        }

        var tasks = await ReadTaskPoolAsync(created.Params.TaskPoolURI, new Bytes32(config.TaskPoolHash), new Bytes32(config.EvalSpecHash), cancellationToken).ConfigureAwait(false);
        var scores = await ReadScoresAsync(reports, state, new Bytes32(accepted.ScoresHash), cancellationToken).ConfigureAwait(false);

        var files = new List<CuratorLabelFile>();
        var skipped = new List<string>();
        foreach (var reveal in MarketSnapshot.Decode<RevealedEvent>(logs).OrderBy(r => r.Curator.ToLowerInvariant(), StringComparer.Ordinal))
        {
            var curator = reveal.Curator.ToLowerInvariant();
            if (!scores.TryGetValue(curator, out var score))
            {
                throw new OracleCommandException($"curator {curator} revealed, but the accepted report's scores.jsonl has no line for it: the scores file is not this market's; use another oracle's --reports");
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

        return new SettledMarket(tasks, files, scores, skipped);
    }

    private async Task<IReadOnlyList<TaskItem>> ReadTaskPoolAsync(string uriField, Bytes32 committed, Bytes32 specHash, CancellationToken cancellationToken)
    {
        // A committed-features market names "<tasks.jsonl URI> <features URI>" and commits to their bundle hash (FeatureBinding).
        var features = EvaluationSpecs.ByHash(specHash.ToString())?.Features == FeatureKind.Committed;
        byte[] bytes;
        if (features || FeatureBinding.SplitUri(uriField) is not null)
        {
            if (FeatureBinding.SplitUri(uriField) is not var (itemsUri, featuresUri))
            {
                throw new OracleCommandException($"the task pool URI field \"{uriField}\" should name the tasks file and its features file, one space apart (a committed-features market)");
            }

            bytes = await FetchAsync(itemsUri, "the task pool", cancellationToken).ConfigureAwait(false);
            var featuresHash = await HashFeaturesAsync(featuresUri, cancellationToken).ConfigureAwait(false);
            var bundle = FeatureBinding.BundleHash(Keccak.Hash(bytes), featuresHash);
            if (bundle != committed)
            {
                throw new OracleCommandException($"the task pool {itemsUri} with its features {featuresUri} gives the bundle hash keccak256(abi.encode({Keccak.Hash(bytes)}, {featuresHash})) = {bundle}, but the market committed to {committed}: the files at those URIs were changed");
            }
        }
        else
        {
            bytes = await FetchCheckedAsync(uriField, committed, "the task pool", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await ProtocolFiles.ReadTaskPoolAsync(new MemoryStream(bytes), "task pool", cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FileFormatException e)
        {
            throw new OracleCommandException($"the task pool {uriField} does not parse: {e.Message}");
        }
    }

    // Streamed to a temporary file and hashed there: a features file may be gigabytes.
    private async Task<Bytes32> HashFeaturesAsync(string uri, CancellationToken cancellationToken)
    {
        var path = Path.Combine(fetcher.ScratchRoot, $"fmp-export-{Guid.NewGuid():N}.features");
        try
        {
            if (await fetcher.FetchToFileAsync(uri, path, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                throw new OracleCommandException($"cannot fetch the task pool's features file {uri}: {failure}");
            }

            return await Keccak.HashFileAsync(path, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<Dictionary<string, ScoreLine>> ReadScoresAsync(Uri reports, MarketState state, Bytes32 scoresHash, CancellationToken cancellationToken)
    {
        var folder = $"/reports/{marketId.ToString(CultureInfo.InvariantCulture)}/{state.Round.ToString(CultureInfo.InvariantCulture)}/";
        var scoresUrl = new Uri(reports, folder + "scores.jsonl");
        var leavesUrl = new Uri(reports, folder + "leaves.json");
        var leaves = await FetchReportFileAsync(leavesUrl, cancellationToken).ConfigureAwait(false);
        var root = PublishedRoot(leaves, leavesUrl);
        if (root != new Bytes32(state.ResultsRoot))
        {
            throw new OracleCommandException($"{leavesUrl} is a report with root {root}, but the market accepted {new Bytes32(state.ResultsRoot)}: that oracle's report was not the one accepted; use another oracle's --reports");
        }

        var bytes = await FetchReportFileAsync(scoresUrl, cancellationToken).ConfigureAwait(false);
        if (Keccak.Hash(bytes) != scoresHash)
        {
            throw new OracleCommandException($"{scoresUrl} has keccak256 {Keccak.Hash(bytes)}, but the accepted report commits to scoresHash {scoresHash}: the file is not the accepted report's; use another oracle's --reports");
        }

        return await ScoresFile.ReadAsync(new MemoryStream(bytes), "scores.jsonl", cancellationToken: cancellationToken)
            .ToDictionaryAsync(s => s.Account.ToLowerInvariant(), StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
    }

    private static Bytes32 PublishedRoot(byte[] leaves, Uri url)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(leaves);
            return Bytes32.Parse(document.RootElement.GetProperty("root").GetString()!);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new OracleCommandException($"{url} is not a report's leaves file ({e.Message}); check --reports");
        }
    }

    private async Task<byte[]> FetchReportFileAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetByteArrayAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new OracleCommandException($"cannot fetch {url}: {e.Message}; check --reports (the oracle's Node:ReportsPort and ReportsAddress)");
        }
    }

    private async Task<byte[]> FetchAsync(string uri, string what, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(uri, cancellationToken).ConfigureAwait(false);
        return fetched.Bytes ?? throw new OracleCommandException($"cannot fetch {what} from {uri}: {fetched.Failure}");
    }

    private async Task<byte[]> FetchCheckedAsync(string uri, Bytes32 committed, string what, CancellationToken cancellationToken)
    {
        var bytes = await FetchAsync(uri, what, cancellationToken).ConfigureAwait(false);
        var actual = Keccak.Hash(bytes);
        return actual == committed
            ? bytes
            : throw new OracleCommandException($"{what} at {uri} has keccak256 {actual}, but the chain records {committed}: the file was changed after it was committed to; nothing was exported");
    }
}
