namespace Protocol.Evaluation.Tests;

/// <summary>Per-label values of the in-run specs (labels.jsonl): exact shares of the curator values, deterministic, and lower for a wrong label.</summary>
public sealed class LabelValueTests
{
    private static readonly Lazy<UkpConvArg1> Ukp = new(() => UkpConvArg1.Load(UkpConvArg1.DataDirectory(RepositoryFiles.Root)));

    private static EvaluationSpec Open => EvaluationSpecs.ByName("bt-inrun-v2-open")!;

    [Theory]
    [InlineData("bt-inrun-v2-open", 100)]
    [InlineData("bt-inrun-v2", 100)]
    [InlineData("bt-inrun-v2-open", 6)] // few labels each: the noise floor binds for most curators, so its Euler split is exercised
    public void Each_curators_label_values_sum_to_its_value_exactly(string specName, int labels)
    {
        var spec = EvaluationSpecs.ByName(specName)!;
        var market = KnownAccuracyMarket.Create(Ukp.Value, 60, spec.InRun!.AssignedSharePpm, seed: 5, labels: labels);
        var r = EvaluationEngine.Evaluate(spec, market.Input, new EvaluationOptions());
        var values = r.Labels!;
        Assert.Equal(r.Metrics.Labels, values.Count);
        foreach (var c in r.Curators.Where(c => c.Valid))
        {
            var mine = values.Where(l => l.Address == c.Address).ToList();
            Assert.Equal(c.LabelCount, mine.Count);
            Assert.Equal(c.ValueMicro, mine.Sum(l => l.ValueMicro));
            var written = market.Input.Curators.Single(x => x.Address == c.Address).Labels.ToDictionary(l => l.Id, l => l.Pref);
            Assert.All(mine, l => Assert.Equal(written[l.Id], l.Pref));
        }

        // Ordered by address, then task-pool position.
        var pool = market.Input.TaskPool.Select((t, i) => (t.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var keys = values.Select(l => (l.Address, pool[l.Id])).ToList();
        Assert.Equal(keys.OrderBy(k => k.Address, StringComparer.Ordinal).ThenBy(k => k.Item2), keys);
    }

    [Fact]
    public void Label_values_are_the_same_bytes_with_any_thread_count()
    {
        var market = KnownAccuracyMarket.Create(Ukp.Value, 80, Open.InRun!.AssignedSharePpm, seed: 9);
        byte[] Bytes(int threads) => LabelValuesFile.ToBytes(EvaluationEngine.Evaluate(Open, market.Input, new EvaluationOptions { MaxThreads = threads, Backend = EvaluationBackend.Cpu })
            .Labels!.Select(l => new LabelValueLine(l.Address, l.Id, l.Pref, l.ValueMicro)));
        var one = Bytes(1);
        Assert.Equal(one, Bytes(4));
        Assert.Equal(one, Bytes(1));
    }

    [Fact]
    public void A_flipped_label_is_worth_less_than_the_same_label_correct_and_wrong_labels_less_than_right_ones()
    {
        var market = KnownAccuracyMarket.Create(Ukp.Value, 60, Open.InRun!.AssignedSharePpm, seed: 3);
        var before = EvaluationEngine.Evaluate(Open, market.Input, new EvaluationOptions());

        // Across the market, labels that agree with the crowd majority are worth more than those that do not.
        var majority = Ukp.Value.PoolMajority;
        var right = before.Labels!.Where(l => l.Pref == majority[l.Id]).Average(l => (double)l.ValueMicro);
        var wrong = before.Labels!.Where(l => l.Pref != majority[l.Id]).Average(l => (double)l.ValueMicro);
        Assert.True(right > 0 && wrong < 0 && right > wrong, $"mean value of right labels {right:F0}, of wrong labels {wrong:F0}");

        // One curator's most valuable label flipped: it loses value, and so does the curator by about as much.
        var best = market.Accuracy.MaxBy(kv => kv.Value).Key;
        var top = before.Labels!.Where(l => l.Address == best).MaxBy(l => l.ValueMicro)!;
        var curator = market.Input.Curators.Single(c => c.Address == best);
        var flipped = curator with { Labels = [.. curator.Labels.Select(l => l.Id == top.Id ? l with { Pref = l.Pref == Preference.A ? Preference.B : Preference.A } : l)] };
        var after = EvaluationEngine.Evaluate(Open, market.Input with { Curators = [.. market.Input.Curators.Select(c => c.Address == best ? flipped : c)] }, new EvaluationOptions());
        var now = after.Labels!.Single(l => l.Address == best && l.Id == top.Id);
        Assert.True(top.ValueMicro > 0 && now.ValueMicro < 0, $"the label was worth {top.ValueMicro}, flipped {now.ValueMicro}");
        Assert.True(after.Curators.Single(c => c.Address == best).ValueMicro < before.Curators.Single(c => c.Address == best).ValueMicro);
    }

    [Fact]
    public void Shapley_v1_has_no_label_values()
    {
        var input = SyntheticMarket.Create([CuratorKind.Expert, CuratorKind.Expert, CuratorKind.Guesser]);
        Assert.Null(EvaluationEngine.Evaluate(SyntheticMarket.SmallSpec, input, new EvaluationOptions { Backend = EvaluationBackend.Cpu }).Labels);
    }
}
