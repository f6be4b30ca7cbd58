namespace Protocol.Evaluation.Model;

/// <summary>Step 3: U = mean gold log-likelihood, from the integer margins of a model (host-side, every backend).</summary>
internal static class GoldUtility
{
    /// <summary>U in units of 2^−32: roundHalfAway(Σ_i roundHalfAway(2^32 · ln σ(y_i z_i)) / n).</summary>
    public static long Utility(ReadOnlySpan<long> margins, ReadOnlySpan<sbyte> signs)
    {
        if (margins.Length == 0)
        {
            return 0;
        }

        long sum = 0;
        for (var i = 0; i < margins.Length; i++)
        {
            sum += ItemLogLikelihood(margins[i], signs[i]);
        }

        return (long)FixedPoint.DivRoundHalfAway(sum, margins.Length);
    }

    /// <summary>One gold item's log-likelihood in units of 2^−32.</summary>
    public static long ItemLogLikelihood(long margin, sbyte sign)
    {
        var m = Math.ScaleB((double)margin, -FixedPoint.MarginBits);
        if (sign < 0)
        {
            m = -m;
        }

        return FixedPoint.RoundHalfAway(Math.ScaleB(DeterministicMath.LogSigmoid(m), FixedPoint.UtilityBits));
    }

    /// <summary>Correct gold predictions, counting a zero margin as half: in halves.</summary>
    public static long CorrectHalves(ReadOnlySpan<long> margins, ReadOnlySpan<sbyte> signs)
    {
        long halves = 0;
        for (var i = 0; i < margins.Length; i++)
        {
            halves += margins[i] == 0 ? 1 : (margins[i] > 0) == (signs[i] > 0) ? 2 : 0;
        }

        return halves;
    }

    /// <summary>U(∅): every margin zero.</summary>
    public static long Empty(int goldCount) =>
        goldCount == 0 ? 0 : (long)FixedPoint.DivRoundHalfAway((Int128)ItemLogLikelihood(0, 1) * goldCount, goldCount);
}
