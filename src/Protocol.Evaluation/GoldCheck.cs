namespace Protocol.Evaluation;

/// <summary>
/// The node's gold-set check (protocol rule <c>gold-check/1</c>, docs/evaluation.md "A gold set the labels contradict"):
/// a gold set that the model trained on every valid label agrees with less often than chance, beyond what luck
/// explains, is contradicted by the labels, and the node signs a verdict instead of a report. Without it a sponsor
/// could commit a well-formed gold set with every pref flipped: honest labels would get negative value and be slashed.
/// </summary>
/// <remarks>
/// With <c>n</c> gold items and <c>h</c> = <see cref="EvaluationMetrics.GoldCorrectHalves"/> (two per gold pref the
/// all-label model's margin agrees with, one per zero margin, so a tie counts as neither right nor wrong), the rule
/// is the one-sided test of "the model agrees with the gold at least half the time" at about the 1% level, with the
/// normal approximation of the binomial: <c>z = (n − h) / √n &gt; 2.326</c>, in exact integers
/// <c>h &lt; n</c> and <c>100·(n − h)² &gt; 541·n</c> (2.326² = 5.410). It needs at least one valid label: with none
/// the model has no opinion and every margin is zero. Below six gold items it cannot fire (even h = 0 fails). Every
/// input is an integer every honest node computes alike, so every honest node signs the same verdict or none.
/// </remarks>
public static class GoldCheck
{
    /// <summary>The rule's name and version (docs/evaluation.md): a change to it is a new version of the node's rule.</summary>
    public const string Rule = "gold-check/1";

    /// <summary>100·z² at the threshold: z = 2.326, the one-sided 1% point of the standard normal.</summary>
    public const int ThresholdZSquaredTimes100 = 541;

    /// <summary>Whether the labels contradict the gold set (see the remarks).</summary>
    public static bool Contradicted(EvaluationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Contradicted(metrics.GoldCorrectHalves, metrics.GoldItems, metrics.Labels);
    }

    /// <summary>Whether <paramref name="correctHalves"/> out of 2·<paramref name="goldItems"/> contradicts the gold set.</summary>
    public static bool Contradicted(long correctHalves, int goldItems, int labels)
    {
        if (labels <= 0 || goldItems <= 0 || correctHalves >= goldItems)
        {
            return false;
        }

        // n ≤ 2^17 gold items (the spec's limit), so (n − h)² < 2^35 and 541·n fit a long with room to spare.
        long shortfall = goldItems - correctHalves;
        return 100 * shortfall * shortfall > (long)ThresholdZSquaredTimes100 * goldItems;
    }

    /// <summary>z = (n − h)/√n, for messages and measurements only (never for the decision).</summary>
    public static double Z(long correctHalves, int goldItems) => goldItems <= 0 ? 0 : (goldItems - correctHalves) / Math.Sqrt(goldItems);
}
