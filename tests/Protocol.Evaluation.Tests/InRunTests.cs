using System.Numerics;
using Protocol.Evaluation.InRun;

namespace Protocol.Evaluation.Tests;

/// <summary>bt-inrun-v2 on simulated curators of known accuracy over real UKPConvArg1 comparisons, and its edge cases.</summary>
public sealed class InRunTests
{
    private static readonly Lazy<UkpConvArg1> Ukp = new(() => UkpConvArg1.Load(UkpConvArg1.DataDirectory(RepositoryFiles.Root)));

    private static EvaluationSpec Open => EvaluationSpecs.ByName("bt-inrun-v2-open")!;

    [Fact]
    public void Four_hundred_curators_of_known_accuracy_are_ranked_by_it_in_one_training_run()
    {
        var market = KnownAccuracyMarket.Create(Ukp.Value, 400, Open.InRun!.AssignedSharePpm);
        var r = EvaluationEngine.Evaluate(Open, market.Input, new EvaluationOptions());
        Assert.Equal(1, r.Metrics.TrainingsRun);
        var rho = market.Spearman(r);
        Assert.True(rho >= 0.83, $"Spearman(value, p) {rho:F3} (honest only {market.SpearmanHonest(r):F3})");
        Assert.All(r.Curators.Where(c => market.Adversarial.Contains(c.Address)), c => Assert.True(c.ScoreBps < 0));

        // Profit follows accuracy: the break-even sits at the spec's accuracy, so the best fifth earns and the worst loses.
        var honest = r.Curators.Where(c => market.Accuracy.ContainsKey(c.Address)).OrderBy(c => market.Accuracy[c.Address]).ToList();
        var fifth = honest.Count / 5;
        Assert.True(honest.Take(fifth).Average(c => c.ScoreBps) < 0, "curators with p near 0.5 should lose");
        Assert.True(honest.TakeLast(fifth).All(c => c.ScoreBps > 0), "every curator with p near 0.95 should earn");
    }

    [Fact]
    public void Bt_inrun_v2_does_not_pay_for_the_longer_answer_heuristic()
    {
        var spec = EvaluationSpecs.ByName("bt-inrun-v2")!;
        var market = KnownAccuracyMarket.Create(Ukp.Value, 200, spec.InRun!.AssignedSharePpm, longerCurators: 8);
        var neutralised = EvaluationEngine.Evaluate(spec, market.Input, new EvaluationOptions());
        var paid = EvaluationEngine.Evaluate(spec with { InRun = spec.InRun with { Neutralise = [] } }, market.Input, new EvaluationOptions());
        double MeanScore(EvaluationResult r) => r.Curators.Where(c => market.Longer.Contains(c.Address)).Average(c => c.ScoreBps);

        // "Prefer the longer answer" agrees with the UKPConvArg1 majority on about 3 pairs in 4: without neutralisation it is paid like a good labeller.
        Assert.True(MeanScore(paid) > 1_000, $"longer-answer curators without neutralisation: mean score {MeanScore(paid):F0}");
        Assert.True(MeanScore(neutralised) < 0, $"longer-answer curators under {spec.Name}: mean score {MeanScore(neutralised):F0}");
        Assert.Equal(["a", "longer", "prompt-overlap"], neutralised.Metrics.InRun!.Neutralised);
        // Honest curators are still ranked by accuracy once length is taken out.
        Assert.True(market.SpearmanHonest(neutralised) >= 0.55, $"Spearman(value, p) among honest curators {market.SpearmanHonest(neutralised):F3}");
        Assert.All(market.Input.Curators, c => Assert.True(neutralised.Curators.Single(x => x.Address == c.Address).Valid));
    }

    [Fact]
    public void Splitting_one_curator_over_two_addresses_never_earns_more_value()
    {
        var market = KnownAccuracyMarket.Create(Ukp.Value, 60, Open.InRun!.AssignedSharePpm, seed: 11);
        var best = market.Accuracy.MaxBy(kv => kv.Value).Key;
        var whole = market.Input.Curators.Single(c => c.Address == best);
        var halves = new[]
        {
            whole with { Labels = [.. whole.Labels.Take(whole.Labels.Count / 2)] },
            new CuratorLabels("0x" + new string('e', 40), [.. whole.Labels.Skip(whole.Labels.Count / 2)]),
        };
        var split = market.Input with { Curators = [.. market.Input.Curators.Where(c => c.Address != best), .. halves] };
        var alone = EvaluationEngine.Evaluate(Open, market.Input, new EvaluationOptions()).Curators.Single(c => c.Address == best).ValueMicro;
        var parts = EvaluationEngine.Evaluate(Open, split, new EvaluationOptions()).Curators.Where(c => c.Address == best || c.Address == halves[1].Address).Sum(c => c.ValueMicro);
        Assert.True(alone > 0);
        // Values add up label by label; the noise floor (√ of the sum of squares) only grows when split.
        Assert.True(parts <= alone + 1, $"split {parts} > whole {alone}");
    }

    [Fact]
    public void Item_assignment_gives_each_address_its_share_and_depends_on_market_and_address()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => $"item-{i}").ToList();
        var a = new ItemAssignment(7, 50_000);
        const string first = "0x00000000000000000000000000000000000000aa", second = "0x00000000000000000000000000000000000000bb";
        var mine = ids.Where(id => a.IsAssigned(first, id)).ToHashSet();
        Assert.InRange(mine.Count, 850, 1_150); // 5% of 20,000 = 1,000, ±4.8 standard deviations
        var theirs = ids.Where(id => a.IsAssigned(second, id)).ToHashSet();
        Assert.InRange(mine.Intersect(theirs).Count(), 20, 90); // independent: 5% of 5% of 20,000 = 50
        Assert.NotEqual(mine, ids.Where(id => new ItemAssignment(8, 50_000).IsAssigned(first, id)).ToHashSet());
        Assert.Equal(mine, ids.Where(id => a.IsAssigned(first.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), id)).ToHashSet());
        Assert.All(ids.Take(100), id => Assert.True(new ItemAssignment(7, 1_000_000).IsAssigned(first, id)));
        Assert.Throws<ArgumentException>(() => a.IsAssigned("0x12", "item-1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ItemAssignment(7, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ItemAssignment(BigInteger.MinusOne, 10));
    }

    [Fact]
    public void A_heuristic_that_adds_no_rank_is_skipped_and_the_others_still_apply()
    {
        // Every a is the longer answer, so "longer" is the same column as "a" and drops out of the fit; the
        // prompt shares words with both answers, so "prompt-overlap" varies and stays.
        var input = SyntheticMarket.Create([CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Guesser, CuratorKind.Flipped], seed: 9, items: 120, gold: 60, labelsPerCurator: 60);
        var rng = new Random(3);
        TaskItem Rewrite(TaskItem t) => t with { A = t.A + " zz zz zz zz zz zz zz zz zz zz zz zz", Prompt = rng.Next(2) == 0 ? t.A : t.B };
        input = input with { TaskPool = [.. input.TaskPool.Select(Rewrite)] };
        var open = Open.InRun!;
        var all = EvaluationEngine.Evaluate(Open with { InRun = open with { Neutralise = [Heuristic.PreferA, Heuristic.Longer, Heuristic.PromptOverlap] } }, input, new EvaluationOptions());
        var without = EvaluationEngine.Evaluate(Open with { InRun = open with { Neutralise = [Heuristic.PreferA, Heuristic.PromptOverlap] } }, input, new EvaluationOptions());
        Assert.Equal(["a", "prompt-overlap"], all.Metrics.InRun!.Neutralised);
        Assert.Equal(without.ToCanonicalText(), all.ToCanonicalText());
        var onlyA = EvaluationEngine.Evaluate(Open with { InRun = open with { Neutralise = [Heuristic.PreferA] } }, input, new EvaluationOptions());
        Assert.NotEqual(onlyA.ToCanonicalText(), all.ToCanonicalText());
    }

    [Fact]
    public void Degenerate_markets_give_results_not_crashes()
    {
        var input = SyntheticMarket.Create([CuratorKind.Expert, CuratorKind.Flipped], seed: 2, items: 50, gold: 30, labelsPerCurator: 20);
        var none = EvaluationEngine.Evaluate(Open, input with { Curators = [] }, new EvaluationOptions());
        Assert.Empty(none.Curators);
        var noGold = EvaluationEngine.Evaluate(Open, input with { Gold = [] }, new EvaluationOptions());
        Assert.All(noGold.Curators, c => Assert.Equal(0, c.ScoreBps)); // no gold, no signal: nobody is paid or slashed
        var one = EvaluationEngine.Evaluate(Open, input with { Curators = [input.Curators[0]] }, new EvaluationOptions());
        Assert.True(one.Curators.Single().Valid);
        var both = EvaluationEngine.Evaluate(Open, input, new EvaluationOptions()).Curators;
        Assert.True(both.Single(c => c.Address == input.Curators[0].Address).ScoreBps > both.Single(c => c.Address == input.Curators[1].Address).ScoreBps);
        var sameItem = new CuratorLabels("0x" + new string('c', 40), [new Label(input.TaskPool[0].Id, Preference.A)]);
        var tiny = EvaluationEngine.Evaluate(Open, input with { Curators = [sameItem] }, new EvaluationOptions());
        Assert.True(tiny.Curators.Single().Valid);
        var bad = new CuratorLabels("0x" + new string('d', 40), [new Label("no-such-item", Preference.A)]);
        var mixed = EvaluationEngine.Evaluate(Open, input with { Curators = [.. input.Curators, bad] }, new EvaluationOptions());
        var invalid = mixed.Curators.Single(c => c.Address == bad.Address);
        Assert.False(invalid.Valid);
        Assert.Equal(-10_000, invalid.ScoreBps);
        Assert.Contains("unknown task id", invalid.InvalidReason, StringComparison.Ordinal);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => EvaluationEngine.Evaluate(Open, input, new EvaluationOptions(), null, cts.Token));
    }
}
