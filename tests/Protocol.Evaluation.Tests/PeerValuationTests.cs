using Protocol.Evaluation.InRun;
using Xunit.Abstractions;

namespace Protocol.Evaluation.Tests;

/// <summary>
/// bt-inrun-v3 (docs/evaluation.md, "v3: labels judged against a peer consensus"): ~100 items per address with a
/// minimum, labels judged against a model-anchored consensus of the other curators, heuristics taken out in bands.
/// The economics goals at full size are scripts/bench/economics.sh's; these are the same questions at test size.
/// </summary>
public sealed class PeerValuationTests(ITestOutputHelper output)
{
    private static readonly Lazy<UkpConvArg1> Ukp = new(() => UkpConvArg1.Load(UkpConvArg1.DataDirectory(RepositoryFiles.Root)));

    private static EvaluationSpec V3 => EvaluationSpecs.ByName("bt-inrun-v3")!;

    // 1,200 items: 100 per address and ~10 labels per item with 120 curators (the consensus needs several labels per item;
    // the whole 5,329-item pool would give 2, docs/evaluation.md).
    private const int PoolItems = 1_200;

    private static KnownAccuracyMarket Market(int curators, int longer = 0, int seed = 7) =>
        KnownAccuracyMarket.Create(Ukp.Value, curators, V3.InRun!.ShareFor(PoolItems), longerCurators: longer, seed: seed, poolItems: PoolItems);

    [Fact]
    public void Curators_of_known_accuracy_are_ranked_by_it_and_heuristic_and_adversarial_curators_lose()
    {
        var market = Market(120, longer: 8);
        var r = EvaluationEngine.Evaluate(V3, market.Input, new EvaluationOptions());
        var rho = market.Spearman(r);
        output.WriteLine($"pool {market.Input.TaskPool.Count}, share {V3.InRun!.ShareFor(PoolItems)} ppm, min labels {V3.InRun.MinLabelsFor(PoolItems)}; Spearman {rho:F3}, honest {market.SpearmanHonest(r):F3}");
        foreach (var c in r.Curators.OrderBy(c => market.Accuracy.GetValueOrDefault(c.Address, -1)))
        {
            output.WriteLine($"{c.Address} p {market.Accuracy.GetValueOrDefault(c.Address, double.NaN):F2} longer {market.Longer.Contains(c.Address)} labels {c.LabelCount} value {c.ValueMicro} bps {c.ScoreBps} {c.InvalidReason}");
        }

        Assert.All(r.Curators, c => Assert.True(c.Valid, $"{c.Address}: {c.InvalidReason}"));
        Assert.True(rho >= 0.83, $"Spearman(value, p) {rho:F3}");
        Assert.All(r.Curators.Where(c => market.Longer.Contains(c.Address) || market.Adversarial.Contains(c.Address)), c => Assert.True(c.ValueMicro < 0, $"{c.Address} earned {c.ValueMicro}"));
        Assert.All(r.Curators.Where(c => market.Accuracy.GetValueOrDefault(c.Address) >= 0.85), c => Assert.True(c.ValueMicro > 0, $"p {market.Accuracy[c.Address]:F2} lost {c.ValueMicro}"));
        Assert.True(r.Curators.Where(c => market.Accuracy.TryGetValue(c.Address, out var p) && p < 0.6).Average(c => c.ValueMicro) < 0, "near-coin curators should lose on average");
        // Scores measure quality instead of saturating: at most 10% of curators at ±10000 bps.
        Assert.True(r.Curators.Count(c => Math.Abs(c.ScoreBps) == 10_000) <= r.Curators.Count / 10, $"{r.Curators.Count(c => Math.Abs(c.ScoreBps) == 10_000)} of {r.Curators.Count} scores saturated");
        Assert.Equal(["a", "longer", "longer-1.25x", "longer-2x", "longer-4x", "prompt-overlap"], r.Metrics.InRun!.Neutralised);
    }

    [Fact]
    public void A_coalition_labelling_by_a_secret_pattern_agrees_with_itself_and_still_loses_on_average_where_the_gold_signal_is_strong()
    {
        // Ten addresses label every assigned item "a" when the first byte of keccak(id) is even: no heuristic captures it,
        // and its members agree with each other on every item they share. On UKPConvArg1 (the model's gold agreement is
        // high) the signed first-round weights give them no support; on HH-RLHF (weak gold) such a coalition still earns
        // in the economics benchmark (docs/evaluation.md, "A coalition").
        var market = Market(120);
        var assignment = new ItemAssignment(market.Input.MarketId, V3.InRun!.ShareFor(PoolItems));
        var cartel = Enumerable.Range(0, 10).Select(i =>
        {
            var address = "0x" + Convert.ToHexStringLower(Nethereum.Util.Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes($"cartel:{i}")).AsSpan(12));
            var labels = market.Input.TaskPool.Where(t => assignment.IsAssigned(address, t.Id)).Take(100)
                .Select(t => new Label(t.Id, (EvaluationSpec.Keccak(System.Text.Encoding.UTF8.GetBytes(t.Id))[0] & 1) == 0 ? Preference.A : Preference.B));
            return new CuratorLabels(address, [.. labels]);
        }).ToList();
        var input = market.Input with { Curators = [.. market.Input.Curators, .. cartel] };
        var r = EvaluationEngine.Evaluate(V3, input, new EvaluationOptions());
        var members = r.Curators.Where(c => cartel.Any(k => k.Address == c.Address)).ToList();
        output.WriteLine(string.Join(", ", members.Select(c => $"{c.ValueMicro / 1e6:F1}")));
        Assert.All(members, c => Assert.True(c.Valid));
        Assert.True(members.Sum(c => c.ValueMicro) < 0, "the coalition as a whole should lose");
        Assert.True(members.Count(c => c.ValueMicro < 0) >= 8, $"{members.Count(c => c.ValueMicro >= 0)} of 10 coalition members earned");
        Assert.All(r.Curators.Where(c => market.Accuracy.GetValueOrDefault(c.Address) >= 0.85), c => Assert.True(c.ValueMicro > 0, $"p {market.Accuracy[c.Address]:F2} lost {c.ValueMicro}"));
    }

    [Fact]
    public void A_copy_at_a_second_address_keeps_too_few_of_its_items_and_is_invalid()
    {
        var market = Market(30);
        var original = market.Input.Curators[0];
        const string copier = "0x00000000000000000000000000000000c0ffee00";
        var assignment = new ItemAssignment(market.Input.MarketId, V3.InRun!.ShareFor(market.Input.TaskPool.Count));
        // The copier keeps what it may label: the original's labels of items both addresses were given.
        var kept = original.Labels.Where(l => assignment.IsAssigned(copier, l.Id)).ToList();
        var input = market.Input with { Curators = [.. market.Input.Curators, new CuratorLabels(copier, kept)] };
        var r = EvaluationEngine.Evaluate(V3, input, new EvaluationOptions());
        var copy = r.Curators.Single(c => c.Address == copier);
        output.WriteLine($"original {original.Labels.Count} labels, copy keeps {kept.Count}: {copy.InvalidReason}");
        Assert.False(copy.Valid);
        Assert.Contains($"the spec asks each address for at least {V3.InRun.MinLabelsFor(market.Input.TaskPool.Count)} of its assigned items", copy.InvalidReason, StringComparison.Ordinal);
        Assert.Equal(-10_000, copy.ScoreBps);
        Assert.True(r.Curators.Single(c => c.Address == original.Address).Valid);
    }

    [Fact]
    public void The_same_market_gives_the_same_bits_on_any_thread_count_and_label_values_sum_to_each_curator()
    {
        var market = Market(40, longer: 2, seed: 3);
        var one = EvaluationEngine.Evaluate(V3, market.Input, new EvaluationOptions { MaxThreads = 1 });
        var two = EvaluationEngine.Evaluate(V3, market.Input, new EvaluationOptions { MaxThreads = 2 });
        Assert.Equal(one.ToCanonicalText(), two.ToCanonicalText());
        Assert.Equal(one.Labels!.Select(l => (l.Address, l.Id, l.ValueMicro)), two.Labels!.Select(l => (l.Address, l.Id, l.ValueMicro)));
        foreach (var c in one.Curators.Where(c => c.Valid))
        {
            Assert.Equal(c.ValueMicro, one.Labels!.Where(l => l.Address == c.Address).Sum(l => l.ValueMicro));
        }

        // The consensus is what the other curators say: a curator's value moves when another's labels change.
        var flipped = market.Input with
        {
            Curators = [.. market.Input.Curators.Select((c, i) => i == 1 ? c with { Labels = [.. c.Labels.Select(l => l with { Pref = KnownAccuracyMarket.Flip(l.Pref) })] } : c)],
        };
        Assert.NotEqual(one.Curators[0].ValueMicro, EvaluationEngine.Evaluate(V3, flipped, new EvaluationOptions()).Curators.Single(c => c.Address == one.Curators[0].Address).ValueMicro);
    }

    [Theory]
    [InlineData(250, 400_000, 60)]
    [InlineData(1_000, 100_000, 60)]
    [InlineData(150, 500_000, 45)]
    [InlineData(1_000_000, 100, 60)]
    public void An_address_is_given_about_a_hundred_items_at_most_half_the_pool_and_must_label_sixty_percent(int pool, int share, int min)
    {
        Assert.Equal(share, V3.InRun!.ShareFor(pool));
        Assert.Equal(min, V3.InRun.MinLabelsFor(pool));
        Assert.Equal(50_000, EvaluationSpecs.ByName("bt-inrun-v2")!.InRun!.ShareFor(pool));
        Assert.Equal(0, EvaluationSpecs.ByName("bt-inrun-v2")!.InRun!.MinLabelsFor(pool));
    }

    [Theory]
    [InlineData(Heuristic.LongerBy125, "aaaaa", "aaaa", 1)] // 5 >= 1.25 x 4
    [InlineData(Heuristic.LongerBy125, "aaaa", "aaaaa", -1)]
    [InlineData(Heuristic.LongerBy125, "aaaaaaaaa", "aaaaaaaa", 0)] // 9 < 1.25 x 8
    [InlineData(Heuristic.LongerBy2, "aaaaaaaa", "aaaa", 1)]
    [InlineData(Heuristic.LongerBy2, "aaaaaaa", "aaaa", 0)]
    [InlineData(Heuristic.LongerBy4, "aaaaaaaaaaaaaaaa", "aaaa", 1)]
    [InlineData(Heuristic.LongerBy4, "aaaa", "aaaaaaaaaaaaaaa", 0)]
    [InlineData(Heuristic.LongerBy4, "aaa", "aaa", 0)]
    public void Length_bands_prefer_the_longer_answer_only_where_it_is_that_many_times_longer(Heuristic h, string a, string b, int expected)
    {
        Assert.Equal(expected, Heuristics.Label(h, "prompt", a, b));
        Assert.Equal(h, InRunParameters.Parse(InRunParameters.NameOf(h)));
    }
}
