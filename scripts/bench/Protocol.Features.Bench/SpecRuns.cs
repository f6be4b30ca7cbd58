using System.Diagnostics;
using Protocol.Embeddings;
using Protocol.Evaluation;

namespace Protocol.Features.Bench;

/// <summary>
/// A spec as the benchmark runs it: its label (how it is printed), whether it takes the assigned labels, and whether it
/// reads committed features, and of which packaged model (a <c>fmp features embed --model</c> key).
/// </summary>
internal sealed record BenchSpec(string Label, EvaluationSpec Spec)
{
    public bool Assigned => Spec.InRun is { AssignedSharePpm: < 1_000_000 };

    public bool Committed => Spec.Features == FeatureKind.Committed;

    /// <summary>The packaged model whose features it reads: the one its spec names, else MiniLM.</summary>
    public string Model => PackagedEmbedders.KeyOf(Spec.FeaturesModel) ?? "minilm";

    /// <summary>
    /// The specs side by side: v1 n-grams, v2 n-grams open and assigned, v2 MiniLM open and assigned, and the heads of
    /// issue 26 on the same valuation: v2 on arctic-xs features (open), on both models' features (open and assigned:
    /// the head of bt-inrun-v3-features-duo), and on the int8 MiniLM's (open and assigned: what quantising costs the judge).
    /// The last five are v2's documents with featuresModel set, not shipped specs.
    /// </summary>
    public static IReadOnlyList<BenchSpec> SideBySide(int? v1Permutations)
    {
        var v1 = Named("bt-shapley-v1");
        var duo = PackagedEmbedders.ModelName("minilm+arctic-xs");
        return
        [
            new("v1 n-grams", v1Permutations is { } k ? v1 with { Permutations = k } : v1),
            new("v2 n-grams open", Named("bt-inrun-v2-open")),
            new("v2 n-grams", Named("bt-inrun-v2")),
            new("v2 MiniLM open", Named("bt-inrun-v2-features-open")),
            new("v2 MiniLM", Named("bt-inrun-v2-features")),
            new("v2 arctic open", Named("bt-inrun-v2-features-open") with { FeaturesModel = PackagedEmbedders.ModelName("arctic-xs") }),
            new("v2 duo open", Named("bt-inrun-v2-features-open") with { FeaturesModel = duo }),
            new("v2 duo", Named("bt-inrun-v2-features") with { FeaturesModel = duo }),
            new("v2 int8 open", Named("bt-inrun-v2-features-open") with { FeaturesModel = PackagedEmbedders.ModelName("minilm-int8") }),
            new("v2 int8", Named("bt-inrun-v2-features") with { FeaturesModel = PackagedEmbedders.ModelName("minilm-int8") }),
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
