namespace Protocol.Evaluation.Model;

/// <summary>
/// Fixed-point scales and integer helpers of bt-shapley-v1. All accumulation (dot products, gradients,
/// utilities, Shapley sums) is in 64-bit or 128-bit integers, so its order cannot change the result.
/// </summary>
public static class FixedPoint
{
    /// <summary>Feature values x are stored as round(x · 2^15) in int32.</summary>
    public const int FeatureBits = 15;

    /// <summary>Weights w are stored as int64 in units of 2^−24.</summary>
    public const int WeightBits = 24;

    /// <summary>Margins z = Σ x·w come out in units of 2^−39.</summary>
    public const int MarginBits = FeatureBits + WeightBits;

    /// <summary>Probabilities σ(z) are int64 in units of 2^−24.</summary>
    public const int ProbabilityBits = 24;

    /// <summary>|w| is clamped to 2^31 units (|w| ≤ 128) so no margin can overflow.</summary>
    public const long WeightClamp = 1L << 31;

    /// <summary>Per-item log-likelihoods and utilities are int64 in units of 2^−32.</summary>
    public const int UtilityBits = 32;

    /// <summary>The sigmoid table covers z in [−16, 16] in steps of 2^−8.</summary>
    public const int SigmoidRange = 16;

    /// <summary>log2 of the sigmoid table's steps per unit of z.</summary>
    public const int SigmoidStepBits = 8;

    /// <summary>Fraction bits used to interpolate between table entries.</summary>
    public const int SigmoidFractionBits = 16;

    /// <summary>Index of z = 0 in the table.</summary>
    public const int SigmoidCentre = SigmoidRange << SigmoidStepBits;

    /// <summary>Table entries (2 · 16 · 256 + 1).</summary>
    public const int SigmoidTableLength = (2 * SigmoidCentre) + 1;

    private static readonly Lazy<long[]> LazySigmoidTable = new(BuildSigmoidTable);

    /// <summary>T[k] = roundHalfAway(2^24 · σ((k − 4096) / 256)), k = 0 … 8192.</summary>
    public static long[] SigmoidTable => LazySigmoidTable.Value;

    /// <summary>Rounds half away from zero to an int64 (the spec's only rounding of doubles).</summary>
    public static long RoundHalfAway(double value) => checked((long)Math.Round(value, MidpointRounding.AwayFromZero));

    /// <summary>Integer division rounded half away from zero; den must be positive.</summary>
    public static Int128 DivRoundHalfAway(Int128 num, Int128 den)
    {
        if (den <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(den), "denominator must be positive");
        }

        var neg = num < 0;
        var a = neg ? -num : num;
        var q = ((2 * a) + den) / (2 * den);
        return neg ? -q : q;
    }

    /// <summary>σ(z) in units of 2^−24 for a margin in units of 2^−39: table lookup and linear interpolation.</summary>
    public static long Sigmoid(long margin, ReadOnlySpan<long> table)
    {
        // u: z in units of 2^-24 = table steps (2^-8) with 16 fraction bits.
        var u = margin >> (MarginBits - SigmoidStepBits - SigmoidFractionBits);
        const long limit = (long)SigmoidRange << (SigmoidStepBits + SigmoidFractionBits);
        if (u >= limit)
        {
            return table[SigmoidTableLength - 1];
        }

        if (u < -limit)
        {
            u = -limit;
        }

        var k = (int)(u >> SigmoidFractionBits) + SigmoidCentre;
        var f = u & ((1L << SigmoidFractionBits) - 1);
        return table[k] + (((table[k + 1] - table[k]) * f) >> SigmoidFractionBits);
    }

    private static long[] BuildSigmoidTable()
    {
        var t = new long[SigmoidTableLength];
        for (var k = 0; k < t.Length; k++)
        {
            var z = (double)(k - SigmoidCentre) / (1 << SigmoidStepBits);
            t[k] = RoundHalfAway(Math.ScaleB(DeterministicMath.Sigmoid(z), ProbabilityBits));
        }

        return t;
    }
}
