namespace Protocol.Economics.Bench;

/// <summary>
/// Adversarial splits: a resample of a dataset in which its usual length heuristic (the one of "longer" and
/// "shorter" that agrees with the truth more often on the whole dataset) is right on only
/// <see cref="HeuristicRight"/> of the pairs: every pair where it is wrong, plus as many pairs where it is
/// right (drawn with a fixed seed) as that share allows.
/// </summary>
internal static class Adversarial
{
    public const double HeuristicRight = 0.35;

    /// <summary>Share of the dataset's pairs where the longer answer (a on a tie) is the truth's.</summary>
    public static double LongerRight(IReadOnlyList<Comparison> items) =>
        items.Count == 0 ? double.NaN : items.Count(c => Labellers.Longer(c) == c.Truth) / (double)items.Count;

    /// <summary>"longer" or "shorter": the length heuristic the dataset rewards.</summary>
    public static string UsualHeuristic(Dataset data) => LongerRight(data.Comparisons) >= 0.5 ? "longer" : "shorter";

    public static Dataset Of(Dataset data)
    {
        var usual = UsualHeuristic(data);
        Preference Label(Comparison c) => usual == "longer" ? Labellers.Longer(c) : Labellers.Shorter(c);
        var wrong = data.Comparisons.Where(c => Label(c) != c.Truth).ToList();
        var right = data.Comparisons.Where(c => Label(c) == c.Truth).ToArray();
        new Random(25).Shuffle(right);
        var keep = (int)Math.Floor(wrong.Count * HeuristicRight / (1 - HeuristicRight));
        var chosen = right.Take(keep).Concat(wrong).ToHashSet();

        // Dataset order is kept: a market shuffles its own draw.
        return new Dataset($"{data.Name}-adv", [.. data.Comparisons.Where(chosen.Contains)], data.Dropped);
    }
}
