using Protocol.Client.Datasets;
using Protocol.Evaluation;

namespace Protocol.Dataset.Bench;

/// <summary>A training set for the reward model: named, as the engine's curators (each label one training example).</summary>
internal sealed record TrainingSet(string Name, IReadOnlyList<CuratorLabels> Curators)
{
    public int Rows => Curators.Sum(c => c.Labels.Count);
}

/// <summary>
/// The training sets compared. The engine's trainer has no per-row weights; it averages the loss over its examples, so
/// a row of weight w is given as round(K · w) copies (K = <c>copies</c>): weighted training with weights quantised to 1/K.
/// Copies sit at distinct pseudo-addresses, since one curator may label an item only once.
/// </summary>
internal static class TrainingSets
{
    public static TrainingSet All(IReadOnlyList<CuratorLabels> curators) => new("(a) all revealed labels", curators);

    /// <summary>Per item the plain majority of its labels (ties dropped).</summary>
    public static TrainingSet Majority(IReadOnlyList<CuratorLabels> curators)
    {
        var labels = curators.SelectMany(c => c.Labels).GroupBy(l => l.Id, StringComparer.Ordinal)
            .Select(g => (g.Key, A: g.Count(l => l.Pref == Preference.A), B: g.Count(l => l.Pref == Preference.B)))
            .Where(v => v.A != v.B)
            .Select(v => new Label(v.Key, v.A > v.B ? Preference.A : Preference.B)).ToList();
        return new("(b) per-item majority", [new CuratorLabels(Markets.Address("majority"), labels)]);
    }

    /// <summary>labels.jsonl as the export writes it, each row weighted by its curator's weight.</summary>
    public static TrainingSet WeightedLabels(IReadOnlyList<LabelRow> rows, int copies) =>
        new("(c) export labels.jsonl, weighted", [.. rows.GroupBy(r => r.Curator, StringComparer.Ordinal).SelectMany(g =>
            Enumerable.Range(0, Copies(g.First().Weight, copies)).Select(j => new CuratorLabels(Markets.Address($"{g.Key}/{j}"), [.. g.Select(ToLabel)])))]);

    /// <summary>labels.jsonl rows of curators with weight above zero, each once: filtering without weighting.</summary>
    public static TrainingSet PositiveOnly(IReadOnlyList<LabelRow> rows) =>
        new("(c') labels of weighted curators, unweighted", [.. rows.Where(r => r.Weight > 0).GroupBy(r => r.Curator, StringComparer.Ordinal)
            .Select(g => new CuratorLabels(g.Key, [.. g.Select(ToLabel)]))]);

    /// <summary>aggregate.jsonl: per item the weighted vote, weighted by its margin (in best-curator labels).</summary>
    public static TrainingSet Aggregate(IReadOnlyList<AggregateRow> rows, int copies)
    {
        var counted = rows.Select(r => (Label: new Label(r.Comparison, r.Pref == "a" ? Preference.A : Preference.B), Copies: Copies(r.Weight, copies))).ToList();
        var most = counted.Select(c => c.Copies).DefaultIfEmpty(0).Max();
        return new("(d) export aggregate.jsonl, margin-weighted", [.. Enumerable.Range(0, most)
            .Select(j => new CuratorLabels(Markets.Address($"aggregate/{j}"), [.. counted.Where(c => c.Copies > j).Select(c => c.Label)]))]);
    }

    /// <summary>aggregate.jsonl rows, each once.</summary>
    public static TrainingSet AggregateUnweighted(IReadOnlyList<AggregateRow> rows) =>
        new("(d') export aggregate.jsonl, unweighted", [new CuratorLabels(Markets.Address("aggregate"), [.. rows.Select(r => new Label(r.Comparison, r.Pref == "a" ? Preference.A : Preference.B))])]);

    private static int Copies(double weight, int copies) => (int)Math.Round(weight * copies, MidpointRounding.AwayFromZero);

    private static Label ToLabel(LabelRow r) => new(r.Comparison, r.Pref == "a" ? Preference.A : Preference.B);
}
