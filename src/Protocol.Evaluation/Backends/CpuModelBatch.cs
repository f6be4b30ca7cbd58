using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Backends;

/// <summary>
/// The CPU backend: one model per worker thread at a time, sparse rows, int64 accumulation. A model's
/// arithmetic does not depend on the thread that runs it or on the vector width, so any thread count
/// gives the same bits.
/// </summary>
internal sealed class CpuModelBatch : ModelBatch
{
    private readonly long[][] weights;
    private readonly long[][] gradients;
    private readonly int maxThreads;
    private readonly long[] table = FixedPoint.SigmoidTable;
    private readonly long[][] zeroGradient;
    private readonly bool[] atZero;

    public CpuModelBatch(PreparedMarket market, int capacity, double learningRate, double l2, int maxThreads)
        : base(market, capacity, learningRate, l2)
    {
        this.maxThreads = maxThreads;
        weights = new long[capacity][];
        gradients = new long[capacity][];
        zeroGradient = new long[capacity][];
        atZero = new bool[capacity];
        Array.Fill(atZero, true);
        for (var b = 0; b < capacity; b++)
        {
            weights[b] = new long[market.Dim];
            gradients[b] = new long[market.Dim];
            zeroGradient[b] = new long[market.Dim];
        }
    }

    public override string Name => $"cpu ({maxThreads} threads)";

    internal long[] Weights(int b) => weights[b];

    public override void Train(bool[] active, int iterations, CancellationToken ct)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads, CancellationToken = ct };
        Parallel.For(0, Capacity, options, b =>
        {
            if (active[b])
            {
                var it = 0;
                if (atZero[b] && iterations > 0)
                {
                    // First step from w = 0: the gradient is the coalition's precomputed sum (same integers).
                    Array.Copy(zeroGradient[b], gradients[b], Market.Dim);
                    Update(weights[b], gradients[b], GradientStep(b), DecayStep);
                    it = 1;
                }

                for (; it < iterations; it++)
                {
                    Step(b);
                }

                atZero[b] = iterations == 0 && atZero[b];
            }
        });
    }

    public override void GoldMargins(bool[] active, long[][] margins, CancellationToken ct)
    {
        var gold = Market.Gold;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads, CancellationToken = ct };
        Parallel.For(0, Capacity, options, b =>
        {
            if (active[b])
            {
                var w = weights[b];
                for (var i = 0; i < gold.Count; i++)
                {
                    margins[b][i] = gold.Dot(i, w);
                }
            }
        });
    }

    public override void Reset(int b)
    {
        base.Reset(b);
        Array.Clear(zeroGradient[b]);
    }

    public override void AddCurator(int b, int curator)
    {
        base.AddCurator(b, curator);
        var g = zeroGradient[b];
        var c = Market.ZeroGradients[curator];
        for (var j = 0; j < g.Length; j++)
        {
            g[j] += c[j];
        }
    }

    protected override void ResetWeights(int b)
    {
        Array.Clear(weights[b]);
        atZero[b] = true;
    }

    /// <summary>One gradient step of model b; all sums exact in int64 (pointer code: this is the hot loop).</summary>
    private unsafe void Step(int b)
    {
        var rows = Market.Items;
        var active = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Active[b]);
        fixed (long* w = weights[b], g = gradients[b], t = table)
        fixed (int* rowStart = rows.RowStart, cols = rows.Columns, vals = rows.Values, pos = Positive[b], neg = Negative[b])
        {
            new Span<long>(g, Market.Dim).Clear();
            foreach (var i in active)
            {
                int start = rowStart[i], end = rowStart[i + 1], e = start;
                long z0 = 0, z1 = 0;
                for (; e + 1 < end; e += 2)
                {
                    z0 += vals[e] * w[cols[e]];
                    z1 += vals[e + 1] * w[cols[e + 1]];
                }

                if (e < end)
                {
                    z0 += vals[e] * w[cols[e]];
                }

                var p = FixedPoint.Sigmoid(z0 + z1, new ReadOnlySpan<long>(t, FixedPoint.SigmoidTableLength));
                var r = ((long)(pos[i] + neg[i]) * p) - ((long)pos[i] << FixedPoint.ProbabilityBits);
                if (r != 0)
                {
                    for (e = start; e < end; e++)
                    {
                        g[cols[e]] += r * vals[e];
                    }
                }
            }
        }

        Update(weights[b], gradients[b], GradientStep(b), DecayStep);
    }

    /// <summary>w ← clamp(w − trunc(g · cg) − trunc(w · cl)); the same expression as the device kernel.</summary>
    internal static void Update(long[] w, long[] g, double cg, double cl)
    {
        for (var j = 0; j < w.Length; j++)
        {
            var next = w[j] - (long)(g[j] * cg) - (long)(w[j] * cl);
            w[j] = Math.Clamp(next, -FixedPoint.WeightClamp, FixedPoint.WeightClamp);
        }
    }
}
