using System.Diagnostics;
using System.Globalization;
using Protocol.Economics.Bench;
using Protocol.Embeddings;
using Protocol.Evaluation;

// economics-bench [--quick] [--markets N] [--pools 250,1000] [--labels N] [--v2-only] [--no-features] [--v1-permutations N] [--cartel N] [--specs v2,v3]
//                 [--v1 FILE] [--v2 FILE] [--v2-open FILE] [--features FILE] [--features-open FILE] [--v3 FILE] [--v3-features FILE] [--v3-duo FILE]
//                 [--data DIR] [--cache DIR] [--json FILE] [--detail MARKET-ID]
// Seeded markets on three human preference sets and an adversarial split of each, at two pool sizes; every curator
// strategy's profit per staked token under every spec side by side, the group/alone ratios of copies, splits and
// replicas, address grinding on assigned specs, and the goals' verdicts per spec, dataset and pool.
var ci = CultureInfo.InvariantCulture;
string Arg(string name, string fallback)
{
    // The last occurrence wins, so options after economics.sh's own defaults replace them.
    var i = Array.LastIndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

string Find(string relative)
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var p = Path.Combine(dir.FullName, relative);
        if (File.Exists(p) || Directory.Exists(p))
        {
            return p;
        }
    }

    return relative;
}

var wall = Stopwatch.StartNew();
var quick = args.Contains("--quick");
var perScope = int.Parse(Arg("--markets", quick ? "1" : "3"), ci);
var labels = int.Parse(Arg("--labels", "100"), ci);
int[] pools = [.. Arg("--pools", "250,1000").Split(',').Select(v => int.Parse(v, ci))];
var dataDir = Arg("--data", Find("data"));
var cacheDir = Arg("--cache", Path.Combine("out", "cache", "features"));
var jsonPath = Arg("--json", Path.Combine("out", "bench", "economics.json"));
var noFeatures = args.Contains("--no-features");
var v1Permutations = Arg("--v1-permutations", "") is { Length: > 0 } vp ? int.Parse(vp, ci) : (int?)null;

string SpecPath(string flag, string name) => Arg(flag, Find(Path.Combine("specs", name + ".json")));
var specs = new List<EconSpec>();
if (!args.Contains("--v2-only"))
{
    var v1 = EvaluationSpec.Load(SpecPath("--v1", "bt-shapley-v1"));
    specs.Add(new EconSpec("v1", v1Permutations is { } k ? v1 with { Permutations = k } : v1));
}

specs.Add(new EconSpec("v2-open", EvaluationSpec.Load(SpecPath("--v2-open", "bt-inrun-v2-open"))));
specs.Add(new EconSpec("v2", EvaluationSpec.Load(SpecPath("--v2", "bt-inrun-v2"))));
if (!noFeatures)
{
    specs.Add(new EconSpec("feat-open", EvaluationSpec.Load(SpecPath("--features-open", "bt-inrun-v2-features-open"))));
    specs.Add(new EconSpec("feat", EvaluationSpec.Load(SpecPath("--features", "bt-inrun-v2-features"))));
}

specs.Add(new EconSpec("v3", EvaluationSpec.Load(SpecPath("--v3", "bt-inrun-v3"))));
if (!noFeatures)
{
    specs.Add(new EconSpec("v3-feat", EvaluationSpec.Load(SpecPath("--v3-features", "bt-inrun-v3-features"))));
    specs.Add(new EconSpec("v3-duo", EvaluationSpec.Load(SpecPath("--v3-duo", "bt-inrun-v3-features-duo"))));
}

// --specs v2,v3: only these columns (for a quick look at one spec; the docs' tables run them all).
if (Arg("--specs", "") is { Length: > 0 } only)
{
    var keep = only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    if (keep.Except(specs.Select(s => s.Label)).FirstOrDefault() is { } unknown)
    {
        Console.Error.WriteLine($"--specs: no spec column '{unknown}' (columns: {string.Join(", ", specs.Select(s => s.Label))})");
        return 2;
    }

    specs.RemoveAll(s => !keep.Contains(s.Label));
}

var baseSets = new[]
{
    Datasets.UkpConvArg1(Path.Combine(dataDir, "ukpconvarg1")),
    Datasets.HhRlhf(Path.Combine(dataDir, "hh-rlhf", "hh-rlhf-harmless-test.jsonl")),
    Datasets.PandaLm(Path.Combine(dataDir, "pandalm", "pandalm-testset.jsonl")),
};
var datasets = new List<(Dataset Data, Dataset Base)>();
foreach (var d in baseSets)
{
    var adv = Adversarial.Of(d);
    Console.Error.WriteLine($"{d.Name}: {d.Comparisons.Count} pairs with a truth ({d.Dropped} without one dropped); longer answer right on {Adversarial.LongerRight(d.Comparisons):P1}; " +
        $"usual heuristic '{Adversarial.UsualHeuristic(d)}'; adversarial split {adv.Name}: {adv.Comparisons.Count} pairs, longer right on {Adversarial.LongerRight(adv.Comparisons):P1}");
    datasets.Add((d, d));
    datasets.Add((adv, d));
}

var options = new EvaluationOptions { MaxThreads = Environment.ProcessorCount };
var builder = new MarketBuilder(labels, honestPerLevel: 6, cartel: int.Parse(Arg("--cartel", "0"), ci));

// Packaged-model features (MiniLM, or the models a spec's featuresModel names): each base dataset embedded once per
// model (cached under --cache); a model loads only when needed.
string ModelOf(EvaluationSpec s) => PackagedEmbedders.KeyOf(s.FeaturesModel) ?? "minilm";
var loaded = new Dictionary<string, ITextEmbedder>(StringComparer.Ordinal);
ITextEmbedder Embedder(string model) => loaded.TryGetValue(model, out var e) ? e : loaded[model] = PackagedEmbedders.Load(model, MiniLmOptions.ForThreads(Environment.ProcessorCount));
var caches = new Dictionary<(string, string), FeatureCache>();
var results = new List<MarketResult>();
var plan = datasets.SelectMany((d, di) => pools.SelectMany((p, pi) => Enumerable.Range(1, perScope).Select(k => (d.Data, d.Base, Pool: p, Id: (1000 * (di + 1)) + (100 * pi) + k)))).ToList();
Console.Error.WriteLine($"{plan.Count} markets ({datasets.Count} datasets x {pools.Length} pool sizes x {perScope}), specs {string.Join(", ", specs.Select(s => s.Label))}");
try
{
    foreach (var (data, baseSet, poolSize, id) in plan)
    {
        var clock = Stopwatch.StartNew();
        var available = data.Comparisons.Count - MarketBuilder.GoldCount;
        var items = Math.Min(poolSize, available);
        var market = builder.Build(data, $"pool {items}", poolSize, id, specs.Where(s => s.Family == Family.Assigned).Select(s => s.ShareFor(items)));
        var built = clock.Elapsed.TotalSeconds;
        var features = new Dictionary<string, CommittedFeatures>(StringComparer.Ordinal);
        foreach (var model in specs.Where(s => s.Committed).Select(s => ModelOf(s.Spec)).Distinct())
        {
            if (!caches.TryGetValue((baseSet.Name, model), out var cache))
            {
                cache = await FeatureCache.OpenAsync(cacheDir, baseSet.Name, [.. baseSet.Comparisons.Select(c => c.Task)], () => Embedder(model), model);
                caches[(baseSet.Name, model)] = cache;
            }

            features[model] = await cache.MarketAsync([.. market.Pool.Select(t => t.Id)], [.. market.Gold.Select(g => g.Id)]);
        }

        var runs = new Dictionary<string, IReadOnlyList<VariantRun>>(StringComparer.Ordinal);
        foreach (var s in specs)
        {
            var book = market.Book(s);
            runs[s.Label] = [.. book.Variants.Select((_, v) => Settlement.Run(s.Spec, market, book, v, s.Committed ? features[ModelOf(s.Spec)] : null, options))];
        }

        results.Add(new MarketResult(market, runs));
        Console.Error.WriteLine($"[{wall.Elapsed.TotalSeconds,5:F0} s] market {id} {data.Name} {market.PoolName} ({results.Count}/{plan.Count}): " +
            $"{market.Open.Full.Count}/{string.Join('/', market.Assigned.Values.Select(b => b.Full.Count))} curators open/assigned, gold {market.Gold.Count}; built {built:F1} s; " +
            string.Join(", ", runs.Select(r => $"{r.Key} {r.Value.Sum(v => v.Seconds):F1} s")));
    }
}
finally
{
    foreach (var e in loaded.Values)
    {
        e.Dispose();
    }
}

Console.Error.WriteLine($"{plan.Count} markets in {wall.Elapsed.TotalSeconds:F0} s");
var command = "economics-bench " + string.Join(' ', args);
var report = new Report(results, specs, command);
report.Print(Console.Out);
if (Arg("--detail", "") is { Length: > 0 } detail)
{
    var truth = datasets.SelectMany(d => d.Base.Comparisons).DistinctBy(c => c.Id).ToDictionary(c => c.Id, c => c.Truth, StringComparer.Ordinal);
    report.PrintDetail(Console.Out, int.Parse(detail, ci), id => truth[id]);
}

report.WriteJson(jsonPath, wall.Elapsed.TotalSeconds);
Console.Error.WriteLine($"wall time {wall.Elapsed.TotalSeconds:F0} s; wrote {jsonPath}");
return 0;

/// <summary>A spec as the benchmark runs it: its column label, and which book of label files it reads.</summary>
internal sealed record EconSpec(string Label, EvaluationSpec Spec)
{
    public Family Family => Spec.InRun is { Assigns: true } ? Family.Assigned : Family.Open;

    /// <summary>The share of a pool of this size the spec assigns each address (ppm; 10^6 on open specs).</summary>
    public int ShareFor(int poolSize) => Spec.InRun?.ShareFor(poolSize) ?? 1_000_000;

    public bool Committed => Spec.Features == FeatureKind.Committed;
}
