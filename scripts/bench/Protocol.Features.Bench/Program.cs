using System.Diagnostics;
using System.Globalization;
using Protocol.Embeddings;
using Protocol.Features.Bench;

// features-bench --embed-only [--threads 1,2] [--pools ukp,hh] [--no-before]
// features-bench [--seeds N] [--quick] [--curators N] [--labels N] [--rates 8,16,32,64] [--iterations 50,100] [--data DIR] [--cache DIR] [--json FILE]
// n-gram specs (v1, v2) against v2 on committed MiniLM features, on UKPConvArg1, HH-RLHF and PandaLM: gold accuracy,
// Spearman(value, p) of known-accuracy curators, time per evaluation; UKPConvArg1's real crowd; a learning-rate ×
// iterations grid of the MiniLM spec. Texts are never printed (HH-RLHF holds offensive ones).
// features-bench --heads: gold accuracy of candidate heads (v2's schedule, converged logistic, MLP) on MiniLM, arctic-xs,
// both, and prompt interactions, with true and noisy labels, outside the engine (HeadProbe).
// features-bench --flipped [--datasets ukp,hh] [--seeds 3] [--flip-rates 10,20,30] [--no-features]: AUROC of per-label value,
// correct vs flipped labels inside honest files (FlipBench).
var ci = CultureInfo.InvariantCulture;
string Arg(string name, string fallback)
{
    // The last occurrence wins, so options after features.sh's own defaults replace them.
    var i = Array.LastIndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

// --embed-only [--threads 1,2] [--pools ukp,hh] [--no-before]: only the embedding step, before vs after issue 26 (EmbedBench); the
// experiment knobs --intra N --batch N --batch-tokens N --parallel N replace the tuned options (as given, whatever --threads says).
if (args.Contains("--embed-only"))
{
    int[] threadCounts = [.. Arg("--threads", "1,2").Split(',').Select(v => int.Parse(v, ci))];
    MiniLmOptions? overrides = args.Contains("--intra") || args.Contains("--batch") || args.Contains("--batch-tokens")
        ? new MiniLmOptions
        {
            IntraOpThreads = int.Parse(Arg("--intra", "1"), ci),
            ParallelBatches = int.Parse(Arg("--parallel", "1"), ci),
            BatchSize = int.Parse(Arg("--batch", "32"), ci),
            BatchTokens = int.Parse(Arg("--batch-tokens", int.MaxValue.ToString(ci)), ci),
        }
        : null;
    return await EmbedBench.RunAsync(Arg("--data", "data"), threadCounts, !args.Contains("--no-before"), overrides, Arg("--pools", "ukp,hh"), Console.Out);
}

// --heads: what each ingredient of a stronger reward-model head adds, outside the engine (HeadProbe).
if (args.Contains("--heads"))
{
    return HeadProbe.Run(Arg("--data", "data"), Arg("--cache", Path.Combine("out", "cache", "features")), Console.Out);
}

var quick = args.Contains("--quick");
var seeds = int.Parse(Arg("--seeds", quick ? "1" : "5"), ci);
var curators = int.Parse(Arg("--curators", "100"), ci);
var labels = int.Parse(Arg("--labels", "100"), ci);
var dataDir = Arg("--data", "data");
var cacheDir = Arg("--cache", Path.Combine("out", "cache", "features"));
var jsonPath = Arg("--json", Path.Combine("out", "bench", "features.json"));

// --quick: one seed and v1 at 16 permutations (v1 is most of the time), so the whole run takes a few minutes.
var specs = BenchSpec.SideBySide(quick ? 16 : null);
// The grid's axes can be widened (--rates 2,4,8 --iterations 25,50) to look past the defaults' edge.
double[] rates = [.. Arg("--rates", "8,16,32,64").Split(',').Select(v => double.Parse(v, ci))];
int[] iterations = [.. Arg("--iterations", "50,100").Split(',').Select(v => int.Parse(v, ci))];
(double, int)[] grid = [.. rates.SelectMany(lr => iterations.Select(it => (lr, it)))];
var wall = Stopwatch.StartNew();

// The model loads only when a dataset's features are not cached yet.
MiniLmEmbedder? embedder = null;
MiniLmEmbedder Embedder() => embedder ??= MiniLmEmbedder.Load(MiniLmOptions.ForThreads(Environment.ProcessorCount));
if (args.Contains("--flipped"))
{
    try
    {
        return await FlipBench.RunAsync(args, dataDir, cacheDir, Embedder);
    }
    finally
    {
        embedder?.Dispose();
    }
}

var datasets = new[]
{
    Datasets.UkpConvArg1(Path.Combine(dataDir, "ukpconvarg1")),
    Datasets.HhRlhf(Path.Combine(dataDir, "hh-rlhf", "hh-rlhf-harmless-test.jsonl")),
    Datasets.PandaLm(Path.Combine(dataDir, "pandalm", "pandalm-testset.jsonl")),
};
var ukp = UkpConvArg1.Load(Path.Combine(dataDir, "ukpconvarg1"));

var results = new List<DatasetResult>();
try
{
    var bench = new DatasetBench(specs, grid, seeds, curators, labels);
    for (var d = 0; d < datasets.Length; d++)
    {
        var data = datasets[d];
        // UKPConvArg1's file covers the crowd market's pool and gold (every pair), a superset of the pairs with a truth.
        IReadOnlyList<TaskItem> items = d == 0 ? Crowd.Items(ukp) : [.. data.Comparisons.Select(c => c.Task)];
        var caches = new Dictionary<string, FeatureCache>(StringComparer.Ordinal);
        foreach (var model in specs.Select(s => s.Model).Distinct())
        {
            ITextEmbedder? other = null; // another model loads only to embed, and is closed at once
            caches[model] = await FeatureCache.OpenAsync(cacheDir, data.Name, items, () => model == "minilm" ? Embedder() : other = PackagedEmbedders.Load(model, MiniLmOptions.ForThreads(Environment.ProcessorCount)), model);
            other?.Dispose();
        }

        var crowd = d == 0 ? await Crowd.OpenAsync(ukp, caches["minilm"]) : null;
        results.Add(await bench.RunAsync(data, d, caches, crowd));
    }
}
finally
{
    embedder?.Dispose();
}

var settings = string.Create(ci,
    $"features benchmark: {Environment.ProcessorCount} logical CPUs; {seeds} seeds; {curators} curators x {labels} labels; specs {string.Join(", ", specs.Select(s => $"{s.Label} = {s.Spec.Name} {s.Spec.Hash?[..10]}"))}; " +
    $"MiniLM = all-MiniLM-L6-v2 response embeddings, x = e(a) - e(b) at 2^-14 ({Path.GetFullPath(cacheDir)}); open specs take labels drawn from the whole pool, assigned ones from the address's 5%");
var report = new Report(results, seeds, curators, labels, settings);
report.Print(Console.Out);
report.WriteJson(jsonPath, wall.Elapsed.TotalSeconds);
Console.WriteLine(string.Create(ci, $"wall time {wall.Elapsed.TotalSeconds:F0} s; wrote {jsonPath}"));
return 0;
