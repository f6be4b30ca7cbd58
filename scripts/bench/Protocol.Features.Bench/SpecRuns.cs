using System.Diagnostics;
using Protocol.Evaluation;

namespace Protocol.Features.Bench;

/// <summary>
/// A spec as the benchmark runs it: its label (how it is printed), whether it takes the assigned labels, and whether it
/// reads committed MiniLM features.
/// </summary>
internal sealed record BenchSpec(string Label, EvaluationSpec Spec)
{
    public bool Assigned => Spec.InRun is { AssignedSharePpm: < 1_000_000 };

    public bool Committed => Spec.Features == FeatureKind.Committed;

    /// <summary>The five specs side by side: v1 n-grams, v2 n-grams open and assigned, v2 MiniLM open and assigned.</summary>
    public static IReadOnlyList<BenchSpec> SideBySide(int? v1Permutations)
    {
        var v1 = Named("bt-shapley-v1");
        return
        [
            new("v1 n-grams", v1Permutations is { } k ? v1 with { Permutations = k } : v1),
            new("v2 n-grams open", Named("bt-inrun-v2-open")),
            new("v2 n-grams", Named("bt-inrun-v2")),
            new("v2 MiniLM open", Named("bt-inrun-v2-features-open")),
            new("v2 MiniLM", Named("bt-inrun-v2-features")),
        ];
    }

    public static EvaluationSpec Named(string name) => EvaluationSpecs.ByName(name) ?? throw new InvalidOperationException($"spec {name} is not shipped");
}

/// <summary>One evaluation's figures.</summary>
internal sealed record RunFigures(double GoldAccuracy, double Spearman, double Seconds, int Labels, int Valid);

internal static class SpecRuns
{
    private static readonly EvaluationOptions Options = new() { Backend = EvaluationBackend.Cpu, MaxThreads = Environment.ProcessorCount };

    /// <summary>Evaluates and times one spec on a market input (from inputs in memory and features files on disk to results).</summary>
    public static async Task<(EvaluationResult Result, double Seconds)> TimedAsync(EvaluationSpec spec, MarketInput input)
    {
        var clock = Stopwatch.StartNew();
        var result = await EvaluationEngine.EvaluateAsync(spec, input, Options).ConfigureAwait(false);
        return (result, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A known-accuracy market under one spec: the labels and features that spec reads.</summary>
    public static async Task<RunFigures> KnownAsync(EvaluationSpec spec, KnownMarket market, bool assigned, CommittedFeatures? features)
    {
        var (result, seconds) = await TimedAsync(spec, market.Input(assigned, spec.Features == FeatureKind.Committed ? features : null)).ConfigureAwait(false);
        return new RunFigures(result.Metrics.GoldAccuracy, KnownAccuracy.Spearman(market, result), seconds, result.Metrics.Labels, result.Metrics.ValidCurators);
    }
}
