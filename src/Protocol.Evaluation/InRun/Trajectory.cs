using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.InRun;

/// <summary>
/// The one training run of bt-inrun-v2: full-batch gradient descent from w = 0 on every valid label (v1's
/// arithmetic, step for step), and along it each labelled item's gold signal S_i = Σ_t x_i · G_t, where
/// G_t = Σ_gold x_g (ŷ_g − σ(z_g)) is the gold log-likelihood's gradient at w_t (exact integers).
/// </summary>
internal sealed class Trajectory
{
    private readonly PreparedMarket market;
    private readonly int threads;
    private readonly long[] table = FixedPoint.SigmoidTable;
    private readonly int[] positive;
    private readonly int[] negative;

    public Trajectory(PreparedMarket market, int threads)
    {
        this.market = market;
        this.threads = Math.Max(1, threads);
        positive = new int[market.ItemRows.Count];
        negative = new int[market.ItemRows.Count];
        foreach (var c in market.Curators)
        {
            for (var l = 0; l < c.Items.Length; l++)
            {
                if (c.Signs[l] > 0)
                {
                    positive[c.Items[l]]++;
                }
                else
                {
                    negative[c.Items[l]]++;
                }
            }
        }
    }

    /// <summary>Σ_t x_i · G_t per labelled item, units of 2^−54 (G in 2^−39, x in 2^−15).</summary>
    public Int128[] Signal { get; private set; } = [];

    /// <summary>
    /// The same signal for each gold item with its own term left out (Σ_t x_g · G_t − r_g,t · |x_g|²): how the gold
    /// set's other items judge it, which measures how often the signal's sign is right (units of 2^−54).
    /// </summary>
    public Int128[] GoldSignal { get; private set; } = [];

    /// <summary>The weights after the last step (units of 2^−24).</summary>
    public long[] Weights { get; private set; } = [];

    /// <summary>Integer multiply-adds done (work count for metrics and benchmarks).</summary>
    public long MultiplyAdds { get; private set; }

    public void Run(int steps, double learningRate, double l2, IProgress<EvaluationProgress>? progress, CancellationToken ct)
    {
        var items = market.ItemRows;
        var gold = market.GoldRows;
        var dim = market.Dim;
        var w = new long[dim];
        var signal = new Int128[items.Count];
        var goldSignal = new Int128[gold.Count];
        var goldResidual = new long[gold.Count];
        var goldNorms = new long[gold.Count];
        for (var g = 0; g < gold.Count; g++)
        {
            goldNorms[g] = gold.SquaredNorm(g);
        }

        var itemMargins = new long[items.Count];
        var goldMargins = new long[gold.Count];
        var goldGradient = new long[dim];
        var goldSum = new Int128[dim];
        var gradient = new Int128[dim];
        long labels = market.TotalLabels;
        var cg = labels == 0 ? 0.0 : learningRate / (labels * 32768.0);
        var cl = learningRate * l2;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct };
        var nnz = items.Entries;
        var goldNnz = gold.Entries;
        for (var t = 0; t < steps; t++)
        {
            ct.ThrowIfCancellationRequested();
            Margins(items, w, itemMargins, options);
            Margins(gold, w, goldMargins, options);
            var signs = market.GoldSigns;
            Parallel.For(0, gold.Count, options, g => goldResidual[g] = (signs[g] > 0 ? 1L << FixedPoint.ProbabilityBits : 0) - FixedPoint.Sigmoid(goldMargins[g], table));
            Array.Clear(goldSum);
            Accumulate(gold, g => goldResidual[g], goldSum, options);
            for (var j = 0; j < dim; j++)
            {
                goldGradient[j] = (long)goldSum[j]; // |G_j| ≤ 2^17 gold · 2^24 · 2^16 = 2^57: always fits
            }

            Array.Clear(gradient);
            Parallel.For(0, items.Count, options, i => signal[i] += items.DotWide(i, goldGradient));
            Parallel.For(0, gold.Count, options, g => goldSignal[g] += gold.DotWide(g, goldGradient) - ((Int128)goldResidual[g] * goldNorms[g]));
            Accumulate(items, i => ((long)(positive[i] + negative[i]) * FixedPoint.Sigmoid(itemMargins[i], table)) - ((long)positive[i] << FixedPoint.ProbabilityBits), gradient, options);
            Update(w, gradient, cg, cl);
            MultiplyAdds += (3 * nnz) + (3 * goldNnz);
            progress?.Report(new EvaluationProgress(t + 1, steps));
        }

        Signal = signal;
        GoldSignal = goldSignal;
        Weights = w;
    }

    /// <summary>v1's update, w ← clamp(w − trunc(double(g) · cg) − trunc(double(w) · cl)), with g summed in 128 bits.</summary>
    private static void Update(long[] w, Int128[] g, double cg, double cl)
    {
        for (var j = 0; j < w.Length; j++)
        {
            var next = w[j] - (long)((double)g[j] * cg) - (long)(w[j] * cl);
            w[j] = Math.Clamp(next, -FixedPoint.WeightClamp, FixedPoint.WeightClamp);
        }
    }

    /// <summary>
    /// result_j += Σ_i r(i) · x_ij exactly (the training gradient of up to 2^24 labels, however they pile up; the gold
    /// gradient): chunks in parallel, summed in a fixed order — integer sums, so any order gives the same bits. A chunk
    /// whose Σ|r| · 2^16 stays below 2^62 (the usual case) sums in 64 bits, since |x| ≤ 2^16 bounds every partial sum;
    /// otherwise in 128 bits.
    /// </summary>
    private void Accumulate(FeatureRows rows, Func<int, long> residual, Int128[] result, ParallelOptions options)
    {
        var chunks = Math.Min(threads * 4, Math.Max(1, rows.Count));
        var partial = new Int128[chunks][];
        Parallel.For(0, chunks, options, k =>
        {
            var (from, to) = ((int)((long)rows.Count * k / chunks), (int)((long)rows.Count * (k + 1) / chunks));
            var r = new long[to - from];
            Int128 magnitude = 0;
            for (var i = from; i < to; i++)
            {
                r[i - from] = residual(i);
                magnitude += Math.Abs(r[i - from]);
            }

            var acc = new Int128[rows.Dim];
            if (magnitude < ((Int128)1 << 46))
            {
                var narrow = new long[rows.Dim];
                for (var i = from; i < to; i++)
                {
                    if (r[i - from] != 0)
                    {
                        rows.AddScaled(i, r[i - from], narrow);
                    }
                }

                for (var j = 0; j < acc.Length; j++)
                {
                    acc[j] = narrow[j];
                }
            }
            else
            {
                for (var i = from; i < to; i++)
                {
                    if (r[i - from] != 0)
                    {
                        rows.AddScaled(i, r[i - from], acc);
                    }
                }
            }

            partial[k] = acc;
        });
        foreach (var acc in partial)
        {
            for (var j = 0; j < result.Length; j++)
            {
                result[j] += acc[j];
            }
        }
    }

    private static void Margins(FeatureRows rows, long[] w, long[] margins, ParallelOptions options) =>
        Parallel.For(0, rows.Count, options, i => margins[i] = rows.Dot(i, w));
}
