using Protocol.Evaluation;

namespace Protocol.Features.Bench;

/// <summary>How one spec ranks UKPConvArg1's real crowd (138 workers and 9 injected bad curators).</summary>
internal sealed record CrowdFigures(string Label, string Spec, double SpearmanPerLabel, double SpearmanTotal, double Auroc, double GoldAccuracy, int Saturated, int Workers, double Seconds);

/// <summary>
/// The real crowd of UKPConvArg1 (src/Protocol.CrowdMarkets/UkpConvArg1.cs): the workers' own labels, which they
/// chose themselves, so only the open specs apply; quality = agreement with the other workers' majority.
/// </summary>
internal sealed class Crowd(UkpConvArg1 market, CommittedFeatures features)
{
    public UkpConvArg1 Market => market;

    /// <summary>Every comparison of the crowd market (pool, then gold): the items the UKPConvArg1 features cache holds.</summary>
    public static IReadOnlyList<TaskItem> Items(UkpConvArg1 market) =>
        [.. market.Input.TaskPool, .. market.Input.Gold.Select(g => new TaskItem(g.Id, g.Prompt, g.A, g.B))];

    public static async Task<Crowd> OpenAsync(UkpConvArg1 market, FeatureCache cache) =>
        new(market, await cache.MarketAsync([.. market.Input.TaskPool.Select(t => t.Id)], [.. market.Input.Gold.Select(g => g.Id)]).ConfigureAwait(false));

    public async Task<CrowdFigures> RunAsync(string label, EvaluationSpec spec)
    {
        var input = market.Input with { Features = spec.Features == FeatureKind.Committed ? features : null };
        var (result, seconds) = await SpecRuns.TimedAsync(spec, input).ConfigureAwait(false);
        var workers = result.Curators.Where(c => market.Agreement.ContainsKey(c.Address)).ToList();
        return new CrowdFigures(
            label, spec.Name, market.SpearmanPerLabel(result), market.Spearman(result), market.Auroc(result), result.Metrics.GoldAccuracy,
            workers.Count(c => Math.Abs(c.ScoreBps) == 10_000), workers.Count, seconds);
    }
}
