using System.Diagnostics;
using System.Globalization;

namespace Protocol.Features.Bench;

/// <summary>
/// One dataset's runs: per seed a known-accuracy market evaluated by every spec side by side, then the MiniLM open
/// spec over the hyperparameter grid on the same markets; on UKPConvArg1 also the real crowd.
/// </summary>
internal sealed class DatasetBench(IReadOnlyList<BenchSpec> specs, IReadOnlyList<(double Lr, int Iterations)> grid, int seeds, int curators, int labels)
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>The MiniLM spec the grid varies.</summary>
    public static readonly Protocol.Evaluation.EvaluationSpec GridBase = BenchSpec.Named("bt-inrun-v2-features-open");

    /// <summary>One dataset; <paramref name="caches"/> holds its features for every packaged model a spec reads (by key).</summary>
    public async Task<DatasetResult> RunAsync(Dataset data, int datasetIndex, IReadOnlyDictionary<string, FeatureCache> caches, Crowd? crowd)
    {
        var result = new DatasetResult(data, specs, grid) { EmbedSeconds = caches.Values.Sum(c => c.EmbedSeconds) };
        var assignedShare = specs.Select(s => s.Spec.InRun?.AssignedSharePpm ?? 1_000_000).Min();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var clock = Stopwatch.StartNew();
            var market = KnownAccuracy.Build(data, datasetIndex, seed, curators, labels, assignedShare);
            (result.Pool, result.Gold) = (market.Pool.Count, market.Gold.Count);
            result.AssignedLabels.AddRange(market.Curators.Select(c => c.Assigned.Count));
            var features = new Dictionary<string, CommittedFeatures>(StringComparer.Ordinal);
            foreach (var (model, cache) in caches)
            {
                features[model] = await cache.MarketAsync([.. market.Pool.Select(c => c.Id)], [.. market.Gold.Select(c => c.Id)]).ConfigureAwait(false);
            }

            foreach (var series in result.Specs)
            {
                series.Runs.Add(await SpecRuns.KnownAsync(series.Spec.Spec, market, series.Spec.Assigned, features[series.Spec.Model]).ConfigureAwait(false));
            }

            foreach (var cell in result.Grid)
            {
                var spec = GridBase with { LearningRate = cell.LearningRate, Iterations = cell.Iterations };
                cell.Runs.Add(await SpecRuns.KnownAsync(spec, market, assigned: false, features["minilm"]).ConfigureAwait(false));
            }

            var line = string.Join(", ", result.Specs.Select(s => string.Create(Ci, $"{s.Spec.Label} {s.Runs[^1].GoldAccuracy:F3}/{s.Runs[^1].Spearman:F3} {s.Runs[^1].Seconds:F1} s")));
            Console.Error.WriteLine(string.Create(Ci, $"{data.Name} seed {seed}/{seeds} ({clock.Elapsed.TotalSeconds:F0} s): gold accuracy/Spearman {line}"));
        }

        if (crowd is not null)
        {
            foreach (var s in specs.Where(s => !s.Assigned && s.Model == "minilm")) // the crowd market's features are MiniLM's
            {
                result.Crowd.Add(await crowd.RunAsync(s.Label, s.Spec).ConfigureAwait(false));
            }

            foreach (var cell in result.Grid)
            {
                cell.Crowd = await crowd.RunAsync($"MiniLM lr {cell.LearningRate} × {cell.Iterations}", GridBase with { LearningRate = cell.LearningRate, Iterations = cell.Iterations }).ConfigureAwait(false);
            }

            Console.Error.WriteLine($"{data.Name} real crowd done");
        }

        return result;
    }
}
