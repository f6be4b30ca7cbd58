using static Protocol.Evaluation.Tests.CuratorKind;

namespace Protocol.Evaluation.Tests;

public sealed class SyntheticMarketTests
{
    private static readonly CuratorKind[] TenKinds = [Expert, Noisy, Guesser, Flipped, Constant, Duplicate, Expert, Noisy, Noisy, Guesser];

    private static readonly EvaluationSpec Converged = SyntheticMarket.SmallSpec with
    {
        Iterations = 40,
        WarmIterations = 40,
        LearningRate = 4.0,
        L2 = 0.01,
        TruncationTolerancePpm = 0,
    };

    private static EvaluationResult Run(EvaluationSpec spec, CuratorKind[] kinds, int seed = 5) =>
        EvaluationEngine.Evaluate(
            spec,
            SyntheticMarket.Create(kinds, seed, items: 200, gold: 200, labelsPerCurator: 60),
            new EvaluationOptions { Backend = EvaluationBackend.Cpu });

    private static CuratorResult Of(EvaluationResult r, int index) => r.Curators.Single(c => c.Address == SyntheticMarket.Address(index));

    private static void AssertBadBelowHonest(EvaluationResult r, CuratorKind[] kinds)
    {
        var honest = Enumerable.Range(0, kinds.Length).Where(i => kinds[i] is Expert or Noisy or Duplicate).Select(i => Of(r, i).Shapley).ToArray();
        foreach (var i in Enumerable.Range(0, kinds.Length).Where(i => kinds[i] is Guesser or Flipped or Constant))
        {
            Assert.True(Of(r, i).Shapley < honest.Min(), $"{kinds[i]} curator {i}: {Of(r, i).Shapley} not below honest min {honest.Min()}");
        }

        foreach (var i in Enumerable.Range(0, kinds.Length).Where(i => kinds[i] is Flipped))
        {
            Assert.True(Of(r, i).ScoreBps < 0, $"flipped curator {i} not slashed: {Of(r, i).ScoreBps}");
        }
    }

    [Fact]
    public void Exact_enumeration_ranks_bad_curators_below_honest_ones_and_is_exactly_efficient()
    {
        var r = Run(SyntheticMarket.SmallSpec, TenKinds);
        Assert.Equal("exact", r.Metrics.Method);
        Assert.Equal(1024, r.Metrics.TrainingsRun);
        AssertBadBelowHonest(r, TenKinds);

        // Efficiency: Σ_c φ_c · n! = n! · (U(all) − U(∅)), as integers.
        var sum = r.Curators.Aggregate(Int128.Zero, (s, c) => s + c.ValueNumerator);
        Assert.Equal(r.Metrics.ValueDenominator * (r.Metrics.UtilityAllFixed - r.Metrics.UtilityEmptyFixed), sum);
        Assert.Equal(3_628_800, r.Metrics.ValueDenominator);

        // Symmetry: a duplicate of the expert's labels is worth exactly what the expert is worth.
        Assert.Equal(Of(r, 0).ValueNumerator, Of(r, 5).ValueNumerator);
        Assert.True(r.Metrics.UtilityAll > r.Metrics.UtilityEmpty);
        Assert.Equal(-Math.Log(2), r.Metrics.UtilityEmpty, 9);
    }

    [Fact]
    public void Tmc_converges_to_exact_enumeration_on_a_ten_curator_market()
    {
        // Same utility both ways: each prefix model gets as many warm steps as a model trained from zero.
        var exact = Run(Converged, TenKinds);
        var tmc = Run(Converged with { ExactMaxCurators = 0, Permutations = 300 }, TenKinds);
        Assert.Equal("exact", exact.Metrics.Method);
        Assert.Equal("tmc", tmc.Metrics.Method);
        var range = exact.Metrics.UtilityAll - exact.Metrics.UtilityEmpty;
        for (var i = 0; i < TenKinds.Length; i++)
        {
            // Stated tolerance: 10% of U(all) − U(∅) per curator with 300 permutations.
            Assert.InRange(Of(tmc, i).Shapley - Of(exact, i).Shapley, -0.1 * range, 0.1 * range);
        }

        AssertBadBelowHonest(tmc, TenKinds);
    }

    [Fact]
    public void Cold_start_tmc_estimates_the_same_game_as_exact_enumeration()
    {
        var cold = SyntheticMarket.SmallSpec with { WarmStart = false, Iterations = 10, TruncationTolerancePpm = 0 };
        var exact = Run(cold, TenKinds);
        var tmc = Run(cold with { ExactMaxCurators = 0, Permutations = 200 }, TenKinds);
        var range = exact.Metrics.UtilityAll - exact.Metrics.UtilityEmpty;
        Assert.Equal(exact.Metrics.UtilityAllFixed, tmc.Metrics.UtilityAllFixed);
        for (var i = 0; i < TenKinds.Length; i++)
        {
            Assert.InRange(Of(tmc, i).Shapley - Of(exact, i).Shapley, -0.1 * range, 0.1 * range);
        }

        // Without truncation every permutation telescopes to U(all) − U(∅): efficiency holds exactly for TMC too.
        var sum = tmc.Curators.Aggregate(Int128.Zero, (s, c) => s + c.ValueNumerator);
        Assert.Equal(tmc.Metrics.ValueDenominator * (tmc.Metrics.UtilityAllFixed - tmc.Metrics.UtilityEmptyFixed), sum);
    }

    [Fact]
    public void Tmc_with_warm_start_and_truncation_separates_bad_curators_in_a_larger_market()
    {
        CuratorKind[] kinds = [.. TenKinds, Expert, Noisy, Noisy, Flipped, Guesser, Expert, Noisy, Constant];
        var r = Run(SyntheticMarket.SmallSpec with { Permutations = 24 }, kinds, seed: 11);
        Assert.Equal("tmc", r.Metrics.Method);
        Assert.Equal(24, r.Metrics.Permutations);
        Assert.Equal(1 + (24L * kinds.Length), r.Metrics.TrainingsRun + r.Metrics.Truncations);
        AssertBadBelowHonest(r, kinds);
    }

    [Fact]
    public void Leave_one_out_puts_the_flipped_curator_last()
    {
        var r = Run(Converged with { Method = AttributionMethod.LeaveOneOut }, TenKinds);
        Assert.Equal("loo", r.Metrics.Method);
        Assert.Equal(11, r.Metrics.TrainingsRun);
        var flipped = Of(r, 3);
        Assert.All(r.Curators, c => Assert.True(c.Shapley >= flipped.Shapley));
        Assert.True(flipped.ScoreBps < 0);
    }

    [Fact]
    public void Invalid_curators_score_minus_one_and_take_no_part()
    {
        var input = SyntheticMarket.Create([Expert, Noisy, Guesser], seed: 2, items: 80, gold: 40, labelsPerCurator: 30);
        var curators = input.Curators.ToList();
        curators.Add(new CuratorLabels(SyntheticMarket.Address(3), [new Label("nope", Preference.A)]));
        curators.Add(new CuratorLabels(SyntheticMarket.Address(4), [new Label("t1", Preference.A), new Label("t1", Preference.B)]));
        curators.Add(new CuratorLabels(SyntheticMarket.Address(5).ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), [], "label file hash mismatch"));
        var progress = new List<EvaluationProgress>();
        var r = EvaluationEngine.Evaluate(SyntheticMarket.SmallSpec, input with { Curators = curators }, new EvaluationOptions(), new SyncProgress(progress));
        Assert.Equal(3, r.Metrics.ValidCurators);
        Assert.Equal(8, r.Metrics.TrainingsRun);
        Assert.Equal(new EvaluationProgress(8, 8), progress[^1]);
        Assert.Equal(r.Curators.Select(c => c.Address).Order(StringComparer.Ordinal), r.Curators.Select(c => c.Address));
        Assert.Contains("unknown task id", Of(r, 3).InvalidReason, StringComparison.Ordinal);
        Assert.Contains("duplicate task id", Of(r, 4).InvalidReason, StringComparison.Ordinal);
        var mismatch = r.Curators.Single(c => c.Address == SyntheticMarket.Address(5));
        Assert.Equal("label file hash mismatch", mismatch.InvalidReason);
        foreach (var c in r.Curators.Where(c => !c.Valid))
        {
            Assert.Equal(-10_000, c.ScoreBps);
            Assert.Equal(0, c.ValueMicro);
        }
    }

    [Fact]
    public void Degenerate_markets_do_not_crash()
    {
        var input = SyntheticMarket.Create([Expert], seed: 3, items: 10, gold: 5, labelsPerCurator: 5);
        var none = EvaluationEngine.Evaluate(SyntheticMarket.SmallSpec, input with { Curators = [] }, new EvaluationOptions());
        Assert.Empty(none.Curators);
        var one = EvaluationEngine.Evaluate(SyntheticMarket.SmallSpec, input, new EvaluationOptions());
        Assert.Equal(one.Metrics.UtilityAllFixed - one.Metrics.UtilityEmptyFixed, (long)one.Curators[0].ValueNumerator);
        var noGold = EvaluationEngine.Evaluate(SyntheticMarket.SmallSpec, input with { Gold = [] }, new EvaluationOptions());
        Assert.Equal(0, noGold.Curators[0].ScoreBps);
        var nullLabels = input with { Curators = [new CuratorLabels(SyntheticMarket.Address(1), null!), .. input.Curators] };
        var r = EvaluationEngine.Evaluate(SyntheticMarket.SmallSpec with { ExactMaxCurators = 0, Permutations = 3 }, nullLabels, new EvaluationOptions());
        Assert.Equal("no label list", r.Curators.Single(c => c.Address == SyntheticMarket.Address(1)).InvalidReason);
        Assert.Equal(1, r.Metrics.ValidCurators);
    }

    [Fact]
    public void Cancellation_stops_an_evaluation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var input = SyntheticMarket.Create(TenKinds, 1);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            EvaluationEngine.Evaluate(SyntheticMarket.SmallSpec, input, new EvaluationOptions(), null, cts.Token));
    }

    [Fact]
    public void Values_and_scores_are_quantised_from_the_exact_numerators()
    {
        var r = Run(SyntheticMarket.SmallSpec, TenKinds);
        var n = r.Metrics.ValidCurators;
        var range = Math.Max(Math.Abs(r.Metrics.UtilityAllFixed - r.Metrics.UtilityEmptyFixed), EvaluationEngine.MinScoreRange);
        foreach (var c in r.Curators)
        {
            Assert.Equal(Math.Round(c.Shapley * 1e6, MidpointRounding.AwayFromZero), c.ValueMicro);
            var s = Math.Clamp(n * c.Shapley / Math.ScaleB((double)range, -32), -1, 1);
            Assert.InRange(c.ScoreBps, (int)Math.Round(s * 10_000) - 1, (int)Math.Round(s * 10_000) + 1);
        }
    }

    private sealed class SyncProgress(List<EvaluationProgress> list) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => list.Add(value);
    }
}
