namespace Protocol.Evaluation.Model;

/// <summary>
/// The spec's own elementary functions. They use only IEEE-754 double additions, multiplications and
/// divisions in one fixed order (no fused multiply-add, no library exp/log), so every machine computes
/// the same bits. They run on the host only: the device kernels are integer-only (see FixedPoint).
/// </summary>
public static class DeterministicMath
{
    // fdlibm's split of ln 2: LN2_HI has 11 trailing zero bits so n * LN2_HI is exact for |n| < 2^11.
    private static readonly double Ln2Hi = BitConverter.Int64BitsToDouble(0x3FE62E42FEE00000);
    private static readonly double Ln2Lo = BitConverter.Int64BitsToDouble(0x3DEA39EF35793C76);
    private static readonly double InvLn2 = BitConverter.Int64BitsToDouble(0x3FF71547652B82FE);

    /// <summary>Terms of the exp Taylor polynomial (degree).</summary>
    public const int ExpDegree = 13;

    /// <summary>Terms of the log1p atanh series.</summary>
    public const int Log1pTerms = 18;

    // Reciprocals as constants (each the correctly rounded double of 1/k): a multiply is several times
    // cheaper than a divide, and the gold log-likelihood is evaluated millions of times per market.
    private static readonly double[] InverseK = Enumerable.Range(0, ExpDegree + 1).Select(k => k == 0 ? 0.0 : 1.0 / k).ToArray();
    private static readonly double[] InverseOdd = Enumerable.Range(0, Log1pTerms).Select(k => 1.0 / ((2 * k) + 1)).ToArray();

    /// <summary>e^x for x ≤ 0; 0 below −700.</summary>
    public static double Exp(double x)
    {
        if (x > 0 || double.IsNaN(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "Exp is defined here for x <= 0 only");
        }

        if (x < -700.0)
        {
            return 0.0;
        }

        var n = Math.Round(x * InvLn2, MidpointRounding.AwayFromZero);
        var r = (x - (n * Ln2Hi)) - (n * Ln2Lo);
        var p = 1.0;
        for (var k = ExpDegree; k >= 1; k--)
        {
            p = 1.0 + ((r * InverseK[k]) * p);
        }

        return Math.ScaleB(p, (int)n);
    }

    /// <summary>ln(1 + u) for 0 ≤ u ≤ 1, by the series 2·atanh(u / (2 + u)).</summary>
    public static double Log1p(double u)
    {
        if (!(u >= 0.0 && u <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(u), u, "Log1p is defined here for 0 <= u <= 1 only");
        }

        var s = u / (2.0 + u);
        var s2 = s * s;
        var q = InverseOdd[Log1pTerms - 1];
        for (var k = Log1pTerms - 2; k >= 0; k--)
        {
            q = InverseOdd[k] + (s2 * q);
        }

        return 2.0 * s * q;
    }

    /// <summary>ln σ(m) = −ln(1 + e^−m), computed without overflow for any finite m.</summary>
    public static double LogSigmoid(double m) =>
        m >= 0.0 ? -Log1p(Exp(-m)) : m - Log1p(Exp(m));

    /// <summary>σ(t) = 1 / (1 + e^−t) for the sigmoid table.</summary>
    public static double Sigmoid(double t)
    {
        if (t >= 0.0)
        {
            return 1.0 / (1.0 + Exp(-t));
        }

        var e = Exp(t);
        return e / (1.0 + e);
    }
}
