using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Protocol.Client.Fetching;
using Protocol.Core.Contracts;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation;
using Protocol.Node.Chain;
using Protocol.Node.Evaluation;
using Protocol.Node.Inputs;

namespace Protocol.Node.Tests;

/// <summary>
/// A market on a committed-features spec: the node fetches each JSON Lines file with its features file (one URI field,
/// two URIs), checks the bundle hash the market committed to, and refuses every bad features file with the reason,
/// before any evaluation — the sponsor's inputs are unusable, not a curator's.
/// </summary>
public sealed class CommittedFeaturesInputTests : IDisposable
{
    private const int Dim = 8;
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-features-").FullName;
    private readonly List<TaskItem> _tasks = [.. Enumerable.Range(0, 12).Select(i => new TaskItem($"t{i}", "p", $"answer a{i}", $"answer b{i}"))];
    private readonly List<GoldItem> _gold = [.. Enumerable.Range(0, 6).Select(i => new GoldItem($"g{i}", "p", $"gold a{i}", $"gold b{i}", i % 2 == 0 ? Preference.A : Preference.B))];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EvaluationSpec Spec => EvaluationSpecs.ByName("bt-inrun-v2-features-open")!;

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return new Uri(path).AbsoluteUri;
    }

    private static byte[] Features(string kind, Bytes32 items, int rows, int dim = Dim) =>
        FeaturesFile.ToBytes(new FeaturesHeader(kind, rows, dim, 14, items, "synthetic", new Dictionary<string, string>()),
            Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, dim).Select(j => (short)(((r * 31) + (j * 17)) % 2000 - 1000)).ToArray()));

    /// <summary>The market's two bundles; <paramref name="edit"/> may replace any file's bytes before they are written.</summary>
    private (MarketSnapshot Market, string TasksFeaturesPath) Market(Func<string, byte[], byte[]>? edit = null, Bytes32? committedTasks = null)
    {
        edit ??= (_, b) => b;
        var taskBytes = CanonicalWriter.ToBytes(_tasks.Select(ProtocolFiles.ToLine));
        var goldBytes = CanonicalWriter.ToBytes(_gold.Select(ProtocolFiles.ToLine));
        var taskFeatures = edit("tasks.features", Features("tasks", Keccak.Hash(taskBytes), _tasks.Count));
        var goldFeatures = edit("gold.features", Features("gold", Keccak.Hash(goldBytes), _gold.Count));
        var tasksUri = FeatureBinding.BundleUri(Write("tasks.jsonl", taskBytes), Write("tasks.features", taskFeatures));
        var goldUri = FeatureBinding.BundleUri(Write("gold.jsonl", goldBytes), Write("gold.features", goldFeatures));
        var config = new MarketConfig
        {
            Sponsor = "0x00000000000000000000000000000000000005a0",
            RewardPool = 1_000,
            OracleFeeBps = 500,
            SlashBps = 5_000,
            StakeCap = 100,
            TaskPoolHash = (committedTasks ?? FeatureBinding.BundleHash(Keccak.Hash(taskBytes), Keccak.Hash(taskFeatures))).ToArray(),
            EvalSpecHash = Bytes32.Parse(Spec.Hash!).ToArray(),
        };
        var state = new MarketState { GoldRevealed = true, GoldHash = FeatureBinding.BundleHash(Keccak.Hash(goldBytes), Keccak.Hash(goldFeatures)).ToArray() };
        var labels = CanonicalWriter.ToBytes(_tasks.Select(t => ProtocolFiles.ToLine(new Label(t.Id, Preference.A))));
        var submissions = new[] { new RevealedSubmission("0x00000000000000000000000000000000000000c1", 50, Keccak.Hash(labels), Write("labels.jsonl", labels)) };
        return (new MarketSnapshot(7, config, state, MarketPhase.Evaluation, tasksUri, "unused", goldUri, submissions), Path.Combine(_dir, "tasks.features"));
    }

    private EvaluationPipeline Pipeline(long maxFeaturesBytes = 1 << 20)
    {
        var fetch = new FetchOptions { MaxFeaturesBytes = maxFeaturesBytes, ScratchFolder = Path.Combine(_dir, "scratch") };
        fetch.FileRoots.Add(_dir);
        var fetcher = new InputFetcher(new HttpClient(), fetch, NullLogger<InputFetcher>.Instance);
        var loader = new SubmissionLoader(fetcher, FileReadOptions.Default, NullLogger<SubmissionLoader>.Instance);
        return new EvaluationPipeline(fetcher, loader, new EvaluationOptions { Backend = EvaluationBackend.Cpu }, NullLogger<EvaluationPipeline>.Instance);
    }

    private async Task<string> Refusal(MarketSnapshot market, EvaluationPipeline? pipeline = null) =>
        (await Problem(market, pipeline)).Message;

    private async Task<MarketInputException> Problem(MarketSnapshot market, EvaluationPipeline? pipeline = null) =>
        await Assert.ThrowsAnyAsync<MarketInputException>(() => (pipeline ?? Pipeline()).RunAsync(market, BigInteger.One, "0x0000000000000000000000000000000000000001", null, CancellationToken.None));

    // The verdict code a node would sign, or null when the problem is not the sponsor's (no verdict).
    private async Task<string?> Verdict(MarketSnapshot market, EvaluationPipeline? pipeline = null) =>
        (await Problem(market, pipeline) as SponsorInputsUnusableException)?.Reason.Code;

    [Fact]
    public async Task A_market_on_committed_features_evaluates_and_its_scratch_files_are_removed()
    {
        var outcome = await Pipeline().RunAsync(Market().Market, BigInteger.One, "0x0000000000000000000000000000000000000001", null, CancellationToken.None);
        Assert.Equal("bt-inrun-v2-features-open", outcome.Result.Metrics.Spec);
        Assert.Equal(12, outcome.Result.Metrics.LabelledItems);
        Assert.True(Assert.Single(outcome.Result.Curators).Valid);
        Assert.True(Directory.Exists(Path.Combine(_dir, "scratch")), "the features were not streamed through the scratch folder");
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_dir, "scratch"))); // this node's own folder: no other test writes there
    }

    [Fact]
    public async Task Every_bad_features_input_is_refused_with_the_reason()
    {
        Assert.Contains("task pool: missing: the spec reads committed features, so the URI must name the tasks file and its features file, one space apart",
            await Refusal(Market().Market with { TaskPoolUri = new Uri(Path.Combine(_dir, "tasks.jsonl")).AbsoluteUri }));

        // Wrong hash: the market committed to other bytes.
        Assert.Contains("task pool: hash mismatch: committed 0x", await Refusal(Market(committedTasks: Keccak.Hash("other"u8)).Market));

        // Made for another task file: the bundle hash matches (the sponsor committed to it), the header does not.
        var otherItems = Market((name, b) => name == "tasks.features" ? Features("tasks", Keccak.Hash("another pool"u8), _tasks.Count) : b).Market;
        Assert.Contains("features file was made for the file with keccak256", await Refusal(otherItems));

        Assert.Contains("features file has 11 rows, the tasks file has 12", await Refusal(Market((name, b) => name == "tasks.features" ? Features("tasks", Keccak.Hash(CanonicalWriter.ToBytes(_tasks.Select(ProtocolFiles.ToLine))), 11) : b).Market));
        Assert.Contains("truncated: 12 rows × 8 int16 need", await Refusal(Market((name, b) => name == "tasks.features" ? b[..^3] : b).Market));
        Assert.Contains("not a features file", await Refusal(Market((name, b) => name == "gold.features" ? "not features at all"u8.ToArray() : b).Market));
        Assert.Contains("kind \"tasks\", expected \"gold\"", await Refusal(Market((name, b) => name == "gold.features" ? Features("tasks", Keccak.Hash(CanonicalWriter.ToBytes(_gold.Select(ProtocolFiles.ToLine))), _gold.Count) : b).Market));
        Assert.Contains("(8 dims at 2^-14, synthetic) and the gold set's (4 dims at 2^-14, synthetic) differ",
            await Refusal(Market((name, b) => name == "gold.features" ? Features("gold", Keccak.Hash(CanonicalWriter.ToBytes(_gold.Select(ProtocolFiles.ToLine))), _gold.Count, dim: 4) : b).Market));
        Assert.Contains("task pool features: larger than 100 bytes", await Refusal(Market().Market, Pipeline(maxFeaturesBytes: 100)));

        // Which of these make a verdict: the sponsor's faults do, this node's size limit does not.
        Assert.Equal("task pool: hash mismatch", await Verdict(Market(committedTasks: Keccak.Hash("other"u8)).Market));
        Assert.Equal("features: malformed", await Verdict(Market((name, b) => name == "tasks.features" ? Features("tasks", Keccak.Hash("another pool"u8), _tasks.Count) : b).Market));
        Assert.Null(await Verdict(Market().Market, Pipeline(maxFeaturesBytes: 100)));

        var (market, path) = Market();
        File.Delete(path);
        Assert.Contains("task pool features: file not found", await Refusal(market));
    }
}
