using System.Numerics;

namespace Protocol.Evaluation.InRun;

/// <summary>Exact integer helpers on BigInteger (no floating point anywhere in the valuation).</summary>
internal static class Exact
{
    /// <summary>num / den rounded half away from zero; den must be positive.</summary>
    public static BigInteger DivRoundHalfAway(BigInteger num, BigInteger den)
    {
        if (den.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(den), "denominator must be positive");
        }

        var q = ((BigInteger.Abs(num) * 2) + den) / (den * 2);
        return num.Sign < 0 ? -q : q;
    }

    /// <summary>floor(√n) for n ≥ 0 (Newton's iteration on integers).</summary>
    public static BigInteger Sqrt(BigInteger n)
    {
        if (n.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "square root of a negative number");
        }

        if (n < 2)
        {
            return n;
        }

        var x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
        while (true)
        {
            var y = (x + (n / x)) >> 1;
            if (y >= x)
            {
                return x;
            }

            x = y;
        }
    }

    /// <summary>Determinant of a small square matrix by Laplace expansion (a handful of heuristics).</summary>
    public static BigInteger Determinant(BigInteger[,] a)
    {
        var k = a.GetLength(0);
        if (k == 1)
        {
            return a[0, 0];
        }

        BigInteger det = 0;
        for (var c = 0; c < k; c++)
        {
            var minor = new BigInteger[k - 1, k - 1];
            for (var r = 1; r < k; r++)
            {
                for (int cc = 0, mc = 0; cc < k; cc++)
                {
                    if (cc != c)
                    {
                        minor[r - 1, mc++] = a[r, cc];
                    }
                }
            }

            var term = a[0, c] * Determinant(minor);
            det += c % 2 == 0 ? term : -term;
        }

        return det;
    }
}
