using System.Numerics;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.InRun;

/// <summary>Per-curator outcome of the in-run valuation, exact.</summary>
/// <param name="ValueMicro">v_c: net signal-weighted correct labels, in average labels × 10^6.</param>
/// <param name="ScoreBps">s_c: signal-weighted agreement (2·agree − 1) minus the break-even, in basis points.</param>
internal readonly record struct CuratorValue(long ValueMicro, int ScoreBps);

/// <summary>Market-level figures of the in-run valuation (canonical: integers only).</summary>
/// <param name="AgreementPpm">The market's signal-weighted agreement A/M of all valid labels, ppm (rounded half away).</param>
/// <param name="BreakEvenPpm">κ = breakEven · max(0, A/M), ppm (rounded half away).</param>
/// <param name="Neutralised">The heuristics actually removed (a heuristic that adds no rank over the ones before it is skipped).</param>
/// <param name="Coefficients">The least-squares coefficients α_k as exact fractions num/det.</param>
public sealed record InRunFigures(long AgreementPpm, long BreakEvenPpm, IReadOnlyList<string> Neutralised, IReadOnlyList<string> Coefficients);

/// <summary>
/// Turns the items' gold signals into curator values: remove from the signal what the free heuristics
/// predict (least squares over the labelled items, exact rational arithmetic), value each label as
/// y · s⊥_i, charge every label the break-even κ · |s⊥_i|, and normalise.
/// </summary>
internal static class Valuation
{
    public static (CuratorValue[] Values, InRunFigures Figures) Compute(PreparedMarket market, Int128[] signal, IReadOnlyList<TaskItem> pool, InRunParameters p)
    {
        var (residual, used, coefficients) = Neutralise(market, signal, pool, p.Neutralise);
        Int128 total = 0, magnitude = 0;
        var a = new Int128[market.CuratorCount];
        var m = new Int128[market.CuratorCount];
        for (var c = 0; c < market.CuratorCount; c++)
        {
            var ex = market.Curators[c];
            Int128 ac = 0, mc = 0;
            for (var l = 0; l < ex.Items.Length; l++)
            {
                var s = residual[ex.Items[l]];
                ac += ex.Signs[l] > 0 ? s : -s;
                mc += Int128.Abs(s);
            }

            (a[c], m[c]) = (ac, mc);
            total += ac;
            magnitude += mc;
        }

        var labels = (BigInteger)market.TotalLabels;
        var bigM = (BigInteger)magnitude;
        var positiveA = BigInteger.Max(BigInteger.Zero, (BigInteger)total);
        var values = new CuratorValue[market.CuratorCount];
        for (var c = 0; c < market.CuratorCount; c++)
        {
            if (magnitude == 0)
            {
                values[c] = new CuratorValue(0, 0);
                continue;
            }

            // V_c · M · 10^6 = 10^6 · A_c · M − breakEvenPpm · max(0, A) · M_c
            var net = (1_000_000 * (BigInteger)a[c] * bigM) - (p.BreakEvenPpm * positiveA * (BigInteger)m[c]);
            var micro = (long)Exact.DivRoundHalfAway(net * labels, bigM * bigM);
            var bps = m[c] == 0 ? 0 : (int)BigInteger.Clamp(Exact.DivRoundHalfAway(net * 10_000, 1_000_000 * bigM * (BigInteger)m[c]), -10_000, 10_000);
            values[c] = new CuratorValue(micro, bps);
        }

        var agreement = magnitude == 0 ? 0 : (long)Exact.DivRoundHalfAway((BigInteger)total * 1_000_000, bigM);
        var breakEven = magnitude == 0 ? 0 : (long)Exact.DivRoundHalfAway(positiveA * p.BreakEvenPpm, bigM);
        return (values, new InRunFigures(agreement, breakEven, used, coefficients));
    }

    /// <summary>
    /// s⊥ = S − H·α with α the least-squares fit of S on the heuristics' labels over the distinct labelled items:
    /// α = adj(HᵀH)·HᵀS / det(HᵀH), every entry an exact integer; s⊥_i = S_i − roundHalfAway(Σ_k num_k·h_k(i) / det).
    /// Heuristics are taken in spec order; one whose column adds no rank (det would be 0) is skipped.
    /// </summary>
    private static (Int128[] Residual, List<string> Used, List<string> Coefficients) Neutralise(
        PreparedMarket market, Int128[] signal, IReadOnlyList<TaskItem> pool, IReadOnlyList<Heuristic> heuristics)
    {
        var n = signal.Length;
        var columns = new List<sbyte[]>();
        var used = new List<string>();
        foreach (var h in heuristics)
        {
            var column = new sbyte[n];
            for (var i = 0; i < n; i++)
            {
                column[i] = Heuristics.Label(h, pool[market.ItemPoolIndex[i]]);
            }

            columns.Add(column);
            if (Exact.Determinant(Gram(columns)).IsZero)
            {
                columns.RemoveAt(columns.Count - 1);
            }
            else
            {
                used.Add(InRunParameters.NameOf(h));
            }
        }

        if (columns.Count == 0)
        {
            return ((Int128[])signal.Clone(), used, []);
        }

        var gram = Gram(columns);
        var det = Exact.Determinant(gram);
        var hs = columns.Select(col =>
        {
            BigInteger sum = 0;
            for (var i = 0; i < n; i++)
            {
                if (col[i] != 0)
                {
                    sum += col[i] > 0 ? (BigInteger)signal[i] : -(BigInteger)signal[i];
                }
            }

            return sum;
        }).ToArray();

        // Cramer: num_k = det(Gram with column k replaced by HᵀS).
        var num = new BigInteger[columns.Count];
        for (var k = 0; k < columns.Count; k++)
        {
            var replaced = (BigInteger[,])gram.Clone();
            for (var r = 0; r < columns.Count; r++)
            {
                replaced[r, k] = hs[r];
            }

            num[k] = Exact.Determinant(replaced);
        }

        // The correction depends only on the item's pattern of heuristic labels: at most 3^k distinct values.
        var cache = new Dictionary<int, Int128>();
        var residual = new Int128[n];
        for (var i = 0; i < n; i++)
        {
            var key = 0;
            for (var k = 0; k < columns.Count; k++)
            {
                key = (key * 3) + columns[k][i] + 1;
            }

            if (!cache.TryGetValue(key, out var correction))
            {
                BigInteger sum = 0;
                for (var k = 0; k < columns.Count; k++)
                {
                    sum += num[k] * columns[k][i];
                }

                cache[key] = correction = (Int128)Exact.DivRoundHalfAway(sum, det);
            }

            residual[i] = signal[i] - correction;
        }

        return (residual, used, [.. num.Select(x => $"{x}/{det}")]);
    }

    private static BigInteger[,] Gram(List<sbyte[]> columns)
    {
        var k = columns.Count;
        var g = new BigInteger[k, k];
        for (var r = 0; r < k; r++)
        {
            for (var c = r; c < k; c++)
            {
                long dot = 0;
                var (x, y) = (columns[r], columns[c]);
                for (var i = 0; i < x.Length; i++)
                {
                    dot += x[i] * y[i];
                }

                g[r, c] = g[c, r] = dot;
            }
        }

        return g;
    }
}

/// <summary>Exact rational helpers on BigInteger.</summary>
internal static class Exact
{
    /// <summary>num / den rounded half away from zero; den must be positive.</summary>
    public static BigInteger DivRoundHalfAway(BigInteger num, BigInteger den)
    {
        if (den.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(den), "denominator must be positive");
        }

        var q = BigInteger.DivRem(BigInteger.Abs(num) * 2 + den, den * 2, out _);
        return num.Sign < 0 ? -q : q;
    }

    /// <summary>Determinant of a small square matrix by Laplace expansion (k ≤ 3 here).</summary>
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
