using System.Globalization;

namespace Protocol.Features.Bench;

/// <summary>
/// features-bench --flipped [--datasets ukp,hh] [--seeds 3] [--flip-rates 10,20,30] [--no-features] [--unneutralised]: label-level detection.
/// Per dataset and seed, the known-accuracy market's split, addresses and item choices (KnownAccuracy.Build), but every file
/// honest (each label = the dataset's truth) except a random rate% of its labels flipped. Each in-run spec values every label
/// (labels.jsonl's values); the figure is the AUROC of label value for telling correct labels from flipped ones over all
/// labels of the market: P(value of a correct label &gt; value of a flipped one), ties counting half.
/// </summary>
internal static class FlipBench
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args, string dataDir, string cacheDir, Func<Protocol.Embeddings.MiniLmEmbedder> embedder)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.LastIndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var seeds = int.Parse(Arg("--seeds", "3"), Ci);
        var curators = int.Parse(Arg("--curators", "100"), Ci);
        var labels = int.Parse(Arg("--labels", "100"), Ci);
        int[] rates = [.. Arg("--flip-rates", "10,20,30").Split(',').Select(r => int.Parse(r, Ci))];
        var wanted = Arg("--datasets", "ukp,hh").Split(',');
        var withFeatures = !args.Contains("--no-features");
        // MiniLM features only: the other packaged models' heads are compared on known-accuracy markets (features.sh without --flipped).
        var specs = BenchSpec.SideBySide(null).Where(s => s.Spec.InRun is not null && s.Model == "minilm" && (withFeatures || !s.Committed)).ToList();
        if (args.Contains("--unneutralised"))
        {
            // Diagnostic, not a shipped spec: the assigned n-gram spec with no heuristic taken out of the signal, which
            // separates what neutralisation costs label detection from what the smaller per-address pool costs.
            var v2 = BenchSpec.Named("bt-inrun-v2");
            specs.Add(new BenchSpec("v2 n-grams, nothing neutralised", v2 with { InRun = v2.InRun! with { Neutralise = [] } }));
        }

        var datasets = new List<(Dataset Data, int Index)>();
        if (wanted.Contains("ukp"))
        {
            datasets.Add((Datasets.UkpConvArg1(Path.Combine(dataDir, "ukpconvarg1")), 0));
        }

        if (wanted.Contains("hh"))
        {
            datasets.Add((Datasets.HhRlhf(Path.Combine(dataDir, "hh-rlhf", "hh-rlhf-harmless-test.jsonl")), 1));
        }

        Console.WriteLine(string.Create(Ci, $"label detection: {Environment.ProcessorCount} logical CPUs; {seeds} seeds; {curators} honest curators x {labels} labels, each file with a random {string.Join("/", rates)}% of its labels flipped; AUROC of label value, correct vs flipped, over every label of the market (mean ± sd over seeds; gold accuracy in brackets)"));
        Console.WriteLine($"| dataset | spec | {string.Join(" | ", rates.Select(r => $"{r}% flipped"))} |");
        Console.WriteLine($"| --- | --- | {string.Join(" | ", rates.Select(_ => "---"))} |");
        foreach (var (data, index) in datasets)
        {
            FeatureCache? cache = null;
            if (withFeatures)
            {
                IReadOnlyList<TaskItem> items = [.. data.Comparisons.Select(c => c.Task)];
                cache = await FeatureCache.OpenAsync(cacheDir, data.Name, items, embedder).ConfigureAwait(false);
            }

            var cells = specs.ToDictionary(s => s.Label, _ => rates.ToDictionary(r => r, _ => new List<(double Auroc, double Gold)>()));
            var assignedShare = specs.Select(s => s.Spec.InRun!.AssignedSharePpm).Min();
            for (var seed = 1; seed <= seeds; seed++)
            {
                var market = KnownAccuracy.Build(data, index, seed, curators, labels, assignedShare);
                var truth = market.Pool.ToDictionary(c => c.Id, c => c.Truth, StringComparer.Ordinal);
                var features = cache is null ? null : await cache.MarketAsync([.. market.Pool.Select(c => c.Id)], [.. market.Gold.Select(c => c.Id)]).ConfigureAwait(false);
                foreach (var rate in rates)
                {
                    var flipped = new HashSet<(string, string)>();
                    var rng = new Random((seed * 1000) + rate);
                    IReadOnlyList<Label> Honest(string address, IReadOnlyList<Label> chosen)
                    {
                        // Exactly round(rate% of n) labels flipped, chosen at random; the rest are the truth.
                        var order = Enumerable.Range(0, chosen.Count).ToArray();
                        rng.Shuffle(order);
                        var flip = order.Take((int)Math.Round(chosen.Count * rate / 100.0)).ToHashSet();
                        return [.. chosen.Select((l, i) =>
                        {
                            var t = truth[l.Id];
                            if (!flip.Contains(i))
                            {
                                return new Label(l.Id, t);
                            }

                            flipped.Add((address, l.Id));
                            return new Label(l.Id, t == Preference.A ? Preference.B : Preference.A);
                        })];
                    }

                    var honest = market with { Curators = [.. market.Curators.Select(c => c with { Open = Honest(c.Address, c.Open), Assigned = Honest(c.Address, c.Assigned) })] };
                    foreach (var s in specs)
                    {
                        var (result, _) = await SpecRuns.TimedAsync(s.Spec, honest.Input(s.Assigned, s.Committed ? features : null)).ConfigureAwait(false);
                        var values = result.Labels!;
                        var auroc = Auroc(values.Where(l => !flipped.Contains((l.Address, l.Id))).Select(l => l.ValueMicro).ToArray(), values.Where(l => flipped.Contains((l.Address, l.Id))).Select(l => l.ValueMicro).ToArray());
                        cells[s.Label][rate].Add((auroc, result.Metrics.GoldAccuracy));
                    }
                }

                Console.Error.WriteLine(string.Create(Ci, $"{data.Name} seed {seed}/{seeds}: {string.Join(", ", specs.Select(s => $"{s.Label} {string.Join('/', rates.Select(r => cells[s.Label][r][^1].Auroc.ToString("F3", Ci)))}"))}"));
            }

            foreach (var s in specs)
            {
                var row = rates.Select(r =>
                {
                    var a = Stats.Of(cells[s.Label][r].Select(x => x.Auroc));
                    var g = cells[s.Label][r].Average(x => x.Gold);
                    return string.Create(Ci, $"{a.Mean:F3} ± {a.Sd:F3} ({g:F3})");
                });
                Console.WriteLine($"| {data.Name} | {s.Label} (`{s.Spec.Name}`) | {string.Join(" | ", row)} |");
            }
        }

        return 0;
    }

    /// <summary>P(x &gt; y) + ½ P(x = y) for x a correct label's value and y a flipped one's: the Mann–Whitney statistic with average ranks.</summary>
    public static double Auroc(long[] correct, long[] flipped)
    {
        if (correct.Length == 0 || flipped.Length == 0)
        {
            return double.NaN;
        }

        var all = correct.Select(v => (V: v, Correct: true)).Concat(flipped.Select(v => (V: v, Correct: false))).OrderBy(x => x.V).ToArray();
        double rankSum = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j < all.Length && all[j].V == all[i].V)
            {
                j++;
            }

            var rank = (i + 1 + j) / 2.0; // average of ranks i+1 … j
            for (var k = i; k < j; k++)
            {
                if (all[k].Correct)
                {
                    rankSum += rank;
                }
            }

            i = j;
        }

        return (rankSum - (correct.Length * (correct.Length + 1) / 2.0)) / ((double)correct.Length * flipped.Length);
    }
}
