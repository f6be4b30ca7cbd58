using System.Numerics;

namespace Protocol.Evaluation.InRun;

/// <summary>
/// The exact least-squares fit of the items' signals on the heuristics' labels (h ∈ {−1, 0, +1}) over the distinct
/// labelled items: α = adj(HᵀH)·HᵀS / det(HᵀH) by Cramer's rule in integers. A heuristic whose column adds no
/// rank over the ones before it (det would be 0) is skipped, so the fit always exists.
/// </summary>
internal sealed record LeastSquares(IReadOnlyList<int> UsedIndices, BigInteger[] Numerators, BigInteger Determinant)
{
    public static LeastSquares Fit(Int128[] signal, IReadOnlyList<(Heuristic Heuristic, sbyte[] Column)> heuristics)
    {
        var used = new List<int>();
        for (var k = 0; k < heuristics.Count; k++)
        {
            used.Add(k);
            if (Exact.Determinant(Gram(used.Select(u => heuristics[u].Column).ToList())).IsZero)
            {
                used.RemoveAt(used.Count - 1);
            }
        }

        if (used.Count == 0)
        {
            return new LeastSquares(used, [], BigInteger.One);
        }

        var columns = used.Select(u => heuristics[u].Column).ToList();
        var gram = Gram(columns);
        var hs = columns.Select(col =>
        {
            BigInteger sum = 0;
            for (var i = 0; i < col.Length; i++)
            {
                if (col[i] != 0)
                {
                    sum += col[i] > 0 ? (BigInteger)signal[i] : -(BigInteger)signal[i];
                }
            }

            return sum;
        }).ToArray();
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

        return new LeastSquares(used, num, Exact.Determinant(gram));
    }

    /// <summary>s⊥_i = s_i − roundHalfAway(Σ_k num_k · h_k(i) / det), the columns in the order of <see cref="UsedIndices"/>.</summary>
    public Int128[] Residual(Int128[] signal, IReadOnlyList<sbyte[]> columns)
    {
        // The correction depends only on the item's pattern of heuristic labels: at most 3^k distinct values.
        var cache = new Dictionary<int, Int128>();
        var residual = new Int128[signal.Length];
        for (var i = 0; i < signal.Length; i++)
        {
            var key = 0;
            for (var k = 0; k < Numerators.Length; k++)
            {
                key = (key * 3) + columns[k][i] + 1;
            }

            if (!cache.TryGetValue(key, out var correction))
            {
                BigInteger sum = 0;
                for (var k = 0; k < Numerators.Length; k++)
                {
                    sum += Numerators[k] * columns[k][i];
                }

                cache[key] = correction = (Int128)Exact.DivRoundHalfAway(sum, Determinant);
            }

            residual[i] = signal[i] - correction;
        }

        return residual;
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
