using Protocol.Evaluation.Backends;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Attribution;

/// <summary>What an attribution computed: φ_c = Numerators[c] / (Denominator · 2^32), in curator (address) order.</summary>
internal sealed record AttributionOutcome(
    string Method,
    Int128[] Numerators,
    Int128 Denominator,
    long UtilityAll,
    long UtilityEmpty,
    long GoldCorrectHalves,
    int Permutations,
    long Truncations);

/// <summary>Step 4: Shapley values by TMC sampling, exact enumeration, or leave-one-out, over a <see cref="ModelBatch"/>.</summary>
internal sealed class Attributor(
    ModelBatch batch,
    EvaluationSpec spec,
    IProgress<EvaluationProgress>? progress,
    int threads,
    CancellationToken ct)
{
    private readonly PreparedMarket market = batch.Market;
    private long done;
    private long total;

    public long TrainingsRun { get; private set; }

    /// <summary>Wall time spent turning gold margins into utilities (host side, every backend).</summary>
    public double UtilitySeconds { get; private set; }

    /// <summary>Σ over gradient steps of the nonzero feature entries of the coalition's items (× 2: forward and backward).</summary>
    public long MultiplyAdds { get; private set; }

    /// <summary>Σ over gradient steps of coalition items × dim × 4 (the dense-equivalent FLOPs).</summary>
    public double DenseFlops { get; private set; }

    private int N => market.CuratorCount;

    public AttributionOutcome Tmc(ReadOnlySpan<byte> seed)
    {
        var m = spec.Permutations;
        total = 1 + ((long)m * N);
        var (uAll, correct) = AllCurators();
        var uEmpty = GoldUtility.Empty(market.Gold.Count);
        var range = Math.Abs(uAll - uEmpty);
        var tolerance = (long)((Int128)range * spec.TruncationTolerancePpm / 1_000_000);
        var sums = new Int128[N];
        var sampler = new PermutationSampler(seed);
        var perms = new int[m][];
        for (var k = 0; k < m; k++)
        {
            // Antithetic pairs: an odd permutation is the previous one reversed (no words drawn).
            perms[k] = spec.Antithetic && k % 2 == 1 ? [.. perms[k - 1].Reverse()] : sampler.NextPermutation(N);
        }

        long truncations = 0;
        var margins = NewMargins();
        for (var first = 0; first < m; first += batch.Capacity)
        {
            var count = Math.Min(batch.Capacity, m - first);
            var prev = new long[count];
            var stopped = new bool[count];
            for (var b = 0; b < count; b++)
            {
                batch.Reset(b);
                prev[b] = uEmpty;
            }

            var active = new bool[batch.Capacity];
            for (var step = 0; step < N; step++)
            {
                for (var b = 0; b < count; b++)
                {
                    active[b] = false;
                    if (stopped[b])
                    {
                        continue;
                    }

                    if (Math.Abs(uAll - prev[b]) <= tolerance)
                    {
                        stopped[b] = true;
                        truncations += N - step;
                        Report(N - step);
                        continue;
                    }

                    batch.AddCurator(b, perms[first + b][step]);
                    if (!spec.WarmStart)
                    {
                        batch.ClearWeights(b);
                    }

                    active[b] = true;
                }

                var u = TrainAndEvaluate(active, spec.WarmStart ? spec.WarmIterations : spec.Iterations, margins);
                for (var b = 0; b < count; b++)
                {
                    if (active[b])
                    {
                        sums[perms[first + b][step]] += u[b] - prev[b];
                        prev[b] = u[b];
                    }
                }
            }
        }

        return new AttributionOutcome("tmc", sums, m, uAll, uEmpty, correct, m, truncations);
    }

    public AttributionOutcome Exact()
    {
        var n = N;
        var subsets = 1 << n;
        total = subsets;
        var utility = new long[subsets];
        var margins = NewMargins();
        long correct = 0;
        for (var first = 0; first < subsets; first += batch.Capacity)
        {
            var count = Math.Min(batch.Capacity, subsets - first);
            var active = new bool[batch.Capacity];
            for (var b = 0; b < count; b++)
            {
                batch.Reset(b);
                for (var c = 0; c < n; c++)
                {
                    if (((first + b) & (1 << c)) != 0)
                    {
                        batch.AddCurator(b, c);
                    }
                }

                active[b] = true;
            }

            var u = TrainAndEvaluate(active, spec.Iterations, margins);
            for (var b = 0; b < count; b++)
            {
                utility[first + b] = u[b];
                if (first + b == subsets - 1)
                {
                    correct = GoldUtility.CorrectHalves(margins[b], market.GoldSigns);
                }
            }
        }

        // φ_c · n! = Σ_{S ∌ c} |S|! (n − |S| − 1)! (U(S ∪ c) − U(S)), exactly in Int128.
        var factorial = new Int128[n + 1];
        factorial[0] = 1;
        for (var k = 1; k <= n; k++)
        {
            factorial[k] = factorial[k - 1] * k;
        }

        var sums = new Int128[n];
        for (var s = 0; s < subsets; s++)
        {
            var size = System.Numerics.BitOperations.PopCount((uint)s);
            for (var c = 0; c < n; c++)
            {
                if ((s & (1 << c)) == 0)
                {
                    sums[c] += factorial[size] * factorial[n - size - 1] * (utility[s | (1 << c)] - utility[s]);
                }
            }
        }

        return new AttributionOutcome("exact", sums, factorial[n], utility[subsets - 1], utility[0], correct, 0, 0);
    }

    public AttributionOutcome LeaveOneOut()
    {
        var n = N;
        total = n + 1;
        var utility = new long[n + 1]; // [c]: all but c; [n]: all
        var margins = NewMargins();
        long correct = 0;
        for (var first = 0; first <= n; first += batch.Capacity)
        {
            var count = Math.Min(batch.Capacity, n + 1 - first);
            var active = new bool[batch.Capacity];
            for (var b = 0; b < count; b++)
            {
                batch.Reset(b);
                for (var c = 0; c < n; c++)
                {
                    if (c != first + b)
                    {
                        batch.AddCurator(b, c);
                    }
                }

                active[b] = true;
            }

            var u = TrainAndEvaluate(active, spec.Iterations, margins);
            for (var b = 0; b < count; b++)
            {
                utility[first + b] = u[b];
                if (first + b == n)
                {
                    correct = GoldUtility.CorrectHalves(margins[b], market.GoldSigns);
                }
            }
        }

        var sums = new Int128[n];
        for (var c = 0; c < n; c++)
        {
            sums[c] = utility[n] - utility[c];
        }

        return new AttributionOutcome("loo", sums, 1, utility[n], GoldUtility.Empty(market.Gold.Count), correct, 0, 0);
    }

    private (long Utility, long CorrectHalves) AllCurators()
    {
        var active = new bool[batch.Capacity];
        batch.Reset(0);
        for (var c = 0; c < N; c++)
        {
            batch.AddCurator(0, c);
        }

        active[0] = true;
        var margins = NewMargins();
        var u = TrainAndEvaluate(active, spec.Iterations, margins);
        return (u[0], GoldUtility.CorrectHalves(margins[0], market.GoldSigns));
    }

    private long[] TrainAndEvaluate(bool[] active, int iterations, long[][] margins)
    {
        ct.ThrowIfCancellationRequested();
        var trained = 0;
        for (var b = 0; b < batch.Capacity; b++)
        {
            if (active[b])
            {
                trained++;
                var (items, nnz) = batch.CoalitionSize(b);
                MultiplyAdds += 2L * nnz * iterations;
                DenseFlops += 4.0 * items * market.Dim * iterations;
            }
        }

        if (trained == 0)
        {
            return new long[batch.Capacity];
        }

        batch.Train(active, iterations, ct);
        batch.GoldMargins(active, margins, ct);
        var u = new long[batch.Capacity];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Parallel.For(0, batch.Capacity, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct }, b =>
        {
            if (active[b])
            {
                u[b] = GoldUtility.Utility(margins[b], market.GoldSigns);
            }
        });

        UtilitySeconds += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        TrainingsRun += trained;
        Report(trained);
        return u;
    }

    private long[][] NewMargins()
    {
        var margins = new long[batch.Capacity][];
        for (var b = 0; b < margins.Length; b++)
        {
            margins[b] = new long[market.Gold.Count];
        }

        return margins;
    }

    private void Report(long count)
    {
        done += count;
        progress?.Report(new EvaluationProgress(done, total));
    }
}
