using System.Diagnostics;
using System.Globalization;
using Protocol.Economics.Bench;
using Protocol.Evaluation;

// economics-bench [--markets N] [--quick] [--v2-only] [--labels N] [--v1 FILE] [--v2 FILE] [--data DIR] [--json FILE] [--detail MARKET-ID]
// Seeded markets on three human preference sets; every curator strategy's profit per staked token under
// spec v1 and v2 side by side, the pair/alone ratios of copies and splits, and the goals' verdicts.
var ci = CultureInfo.InvariantCulture;
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
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

var quick = args.Contains("--quick");
var v2Only = args.Contains("--v2-only");
var perDataset = int.Parse(Arg("--markets", quick ? "1" : "7"), ci);
var labels = int.Parse(Arg("--labels", "100"), ci);
var dataDir = Arg("--data", Find("data"));
var v1Path = Arg("--v1", Find(Path.Combine("specs", "bt-shapley-v1.json")));
var v2Path = Arg("--v2", Find(Path.Combine("specs", "bt-inrun-v2.json")));
var v1 = EvaluationSpec.Load(v1Path);
var v2 = EvaluationSpec.Load(v2Path);
var jsonPath = Arg("--json", Path.Combine("out", "bench", "economics.json"));
if (v2.InRun is null)
{
    Console.Error.WriteLine($"--v2 {v2.Name} is not an in-run spec");
    return 2;
}

var datasets = new[]
{
    Datasets.UkpConvArg1(Path.Combine(dataDir, "ukpconvarg1")),
    Datasets.HhRlhf(Path.Combine(dataDir, "hh-rlhf", "hh-rlhf-harmless-test.jsonl")),
    Datasets.PandaLm(Path.Combine(dataDir, "pandalm", "pandalm-testset.jsonl")),
};
foreach (var d in datasets)
{
    Console.Error.WriteLine($"{d.Name}: {d.Comparisons.Count} pairs with a truth ({d.Dropped} without one dropped)");
}

var options = new EvaluationOptions { MaxThreads = Environment.ProcessorCount };
var builder = new MarketBuilder(v2.InRun.AssignedSharePpm, labels, honestPerLevel: 6);

// Market id = 100 * (dataset + 1) + k: small, distinct, and --quick's markets are the first of the full run's.
var plan = datasets.SelectMany((d, i) => Enumerable.Range(1, perDataset).Select(k => (Data: d, Id: (100 * (i + 1)) + k))).ToList();
var results = new List<MarketResult>();
var total = Stopwatch.StartNew();
foreach (var (data, id) in plan)
{
    var clock = Stopwatch.StartNew();
    var market = builder.Build(data, id);
    var built = clock.Elapsed.TotalSeconds;
    var runs1 = v2Only ? null : market.Variants.Select((_, v) => Settlement.Run(v1, market, v, options)).ToList();
    var runs2 = market.Variants.Select((_, v) => Settlement.Run(v2, market, v, options)).ToList();
    results.Add(new MarketResult(market, runs1, runs2));
    var invalid = runs2[0].Outcomes.Values.Where(o => !o.Valid).Select(o => o.Strategy.Name).Distinct();
    Console.Error.WriteLine($"market {id} {data.Name} ({results.Count}/{plan.Count}): {market.Full.Count} curators, {market.Full.Sum(c => c.Labels.Count)} labels, " +
        $"pool {market.Pool.Count}, gold {market.Gold.Count}; built {built:F1} s, v1 {(runs1 is null ? "skipped" : $"{runs1.Sum(r => r.Seconds):F1} s")}, " +
        $"v2 {runs2.Sum(r => r.Seconds):F1} s ({market.Variants.Count} runs each); v2 invalid: {string.Join(", ", invalid)}");
}

Console.Error.WriteLine($"{plan.Count} markets in {total.Elapsed.TotalSeconds:F0} s");

// The spec documents' own parameter text: v2's parameters are still being tuned, and their names with them.
static string Parameters(string path)
{
    using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
    return System.Text.Json.JsonSerializer.Serialize(doc.RootElement.GetProperty("parameters"));
}

var specsLine = $"spec v1 {v1.Name} {v1.Hash}{(v2Only ? " SKIPPED (--v2-only)" : "")}: {Parameters(v1Path)}\n" +
    $"spec v2 {v2.Name} {v2.Hash}: {Parameters(v2Path)}";
var report = new Report(results, specsLine);
report.Print(Console.Out);
if (Arg("--detail", "") is { Length: > 0 } detail)
{
    var truth = datasets.SelectMany(d => d.Comparisons).ToDictionary(c => c.Id, c => c.Truth, StringComparer.Ordinal);
    report.PrintDetail(Console.Out, int.Parse(detail, ci), id => truth[id]);
}

report.WriteJson(jsonPath);
Console.Error.WriteLine($"wrote {jsonPath}");
return 0;
