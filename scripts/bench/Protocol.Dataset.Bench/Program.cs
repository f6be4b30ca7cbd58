using System.Diagnostics;
using System.Globalization;
using Protocol.Client.Datasets;
using Protocol.Dataset.Bench;
using Protocol.Evaluation;

// dataset-bench [--seeds N] [--copies K] [--spec NAME] [--data DIR]
// What the sponsor gets: held-out gold accuracy of the reward model (the spec's own trainer) trained on all revealed labels,
// the per-item majority, and fmp dataset export's value-weighted files, on the UKPConvArg1 crowd market and a simulated one.
var ci = CultureInfo.InvariantCulture;
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var seeds = int.Parse(Arg("--seeds", "5"), ci);
var copies = int.Parse(Arg("--copies", "10"), ci);
var spec = EvaluationSpecs.ByName(Arg("--spec", "bt-inrun-v2-open")) ?? throw new ArgumentException("--spec: not a shipped spec");
var data = UkpConvArg1.Load(Arg("--data", Path.Combine("data", "ukpconvarg1")), minLabels: 30, injectedPerKind: 3);
var options = new EvaluationOptions { MaxThreads = Environment.ProcessorCount };
var total = Stopwatch.StartNew();
var results = new List<(string Market, string Set, int Rows, double Accuracy, double LogLikelihood)>();
var notes = new List<string>();
foreach (var build in new Func<UkpConvArg1, int, BenchMarket>[] { Markets.Crowd, Markets.Simulated })
{
    for (var seed = 1; seed <= seeds; seed++)
    {
        var market = build(data, seed);
        var valued = EvaluationEngine.Evaluate(spec, market.Valuation(), options);
        var scores = valued.Curators.ToDictionary(c => c.Address, c => new ScoreLine(c.Address, c.Valid, c.InvalidReason, c.LabelCount, c.ValueMicro, c.ScoreBps, 0, 0, 0, 0), StringComparer.Ordinal);
        var tables = DatasetBuilder.Build(market.Pool, [.. market.Curators.Select(c => new CuratorLabelFile(c.Address.ToLowerInvariant(), c.Labels))], scores);
        var weights = DatasetBuilder.Weights(scores.Keys, scores);
        var badZero = market.Bad.Count(b => weights[b.ToLowerInvariant()] == 0);
        var goodZero = weights.Count(w => w.Value == 0 && !market.Bad.Contains(w.Key));
        notes.Add(string.Create(ci, $"{market.Name} seed {seed}: {market.Curators.Count} curators, {tables.Counts.Labels} labels, gold {market.Gold.Count}, test {market.Test.Count}; " +
            $"weight 0: {badZero} of {market.Bad.Count} bad curators, {goodZero} of {market.Curators.Count - market.Bad.Count} others; aggregate {tables.Counts.Aggregated} rows " +
            $"({tables.Counts.ZeroWeightComparisons} zero-weight and {tables.Counts.TiedComparisons} tied left out)"));
        TrainingSet[] sets =
        [
            TrainingSets.All(market.Curators), TrainingSets.Majority(market.Curators), TrainingSets.WeightedLabels(tables.Labels, copies),
            TrainingSets.PositiveOnly(tables.Labels), TrainingSets.Aggregate(tables.Aggregate, copies), TrainingSets.AggregateUnweighted(tables.Aggregate),
        ];
        foreach (var set in sets)
        {
            var trained = EvaluationEngine.Evaluate(spec, market.Training(set.Curators), options).Metrics;
            results.Add((market.Name, set.Name, set.Rows, trained.GoldAccuracy, trained.UtilityAll));
        }

        Console.Error.WriteLine(string.Create(ci, $"{market.Name} seed {seed} done ({total.Elapsed.TotalSeconds:F0} s)"));
    }
}

static (double Mean, double Sd, double Min, double Max) Spread(IReadOnlyList<double> x)
{
    var mean = x.Average();
    var sd = x.Count > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Count - 1)) : 0;
    return (mean, sd, x.Min(), x.Max());
}

Console.WriteLine(string.Create(ci, $"spec {spec.Name} ({spec.Hash}); {seeds} seeds; weights as copies, K = {copies}; accuracy and mean log-likelihood on the held-out test set"));
foreach (var note in notes)
{
    Console.WriteLine("  " + note);
}

Console.WriteLine();
Console.WriteLine("| market | training set | rows (mean) | test accuracy, mean ± sd (min–max) | test log-likelihood, mean ± sd |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
foreach (var group in results.GroupBy(r => (r.Market, r.Set)))
{
    var acc = Spread([.. group.Select(r => r.Accuracy)]);
    var ll = Spread([.. group.Select(r => r.LogLikelihood)]);
    Console.WriteLine(string.Create(ci, $"| {group.Key.Market} | {group.Key.Set} | {group.Average(r => r.Rows):F0} | {acc.Mean:F3} ± {acc.Sd:F3} ({acc.Min:F3}–{acc.Max:F3}) | {ll.Mean:F4} ± {ll.Sd:F4} |"));
}

// Paired differences against (a), seed by seed: the spread of the difference, not of each figure.
Console.WriteLine();
Console.WriteLine("| market | training set | accuracy − (a), mean ± sd over seeds | log-likelihood − (a) |");
Console.WriteLine("| --- | --- | --- | --- |");
foreach (var market in results.Select(r => r.Market).Distinct())
{
    var all = results.Where(r => r.Market == market && r.Set.StartsWith("(a)", StringComparison.Ordinal)).ToList();
    foreach (var set in results.Where(r => r.Market == market).Select(r => r.Set).Distinct().Where(s => !s.StartsWith("(a)", StringComparison.Ordinal)))
    {
        var these = results.Where(r => r.Market == market && r.Set == set).ToList();
        var dAcc = Spread([.. these.Select((r, i) => r.Accuracy - all[i].Accuracy)]);
        var dLl = Spread([.. these.Select((r, i) => r.LogLikelihood - all[i].LogLikelihood)]);
        Console.WriteLine(string.Create(ci, $"| {market} | {set} | {dAcc.Mean:+0.000;-0.000} ± {dAcc.Sd:F3} | {dLl.Mean:+0.0000;-0.0000} ± {dLl.Sd:F4} |"));
    }
}

Console.Error.WriteLine(string.Create(ci, $"done in {total.Elapsed.TotalSeconds:F0} s"));
return 0;
