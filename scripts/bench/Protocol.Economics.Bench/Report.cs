using System.Globalization;
using System.Text.Json;

namespace Protocol.Economics.Bench;

/// <summary>A market's variants evaluated under v1 (null with --v2-only) and v2, in variant order.</summary>
internal sealed record MarketResult(Market Market, IReadOnlyList<VariantRun>? V1, IReadOnlyList<VariantRun> V2);

/// <summary>
/// A pair question over markets: the mean profits of the pair and of the original alone, their ratio, and the
/// mean of the per-market ratios over the markets where the original alone earned (Used of Markets).
/// </summary>
internal sealed record PairFigures(int Markets, int Used, double MeanRatio, double PairProfit, double AloneProfit)
{
    /// <summary>E[pair] / E[alone]: the figure the goal is decided on (undefined unless the original earns on average).</summary>
    public double RatioOfMeans => AloneProfit > 0 ? PairProfit / AloneProfit : double.NaN;
}

/// <summary>A goal's verdict and the figure that decided it.</summary>
internal sealed record Verdict(bool Pass, string Detail);

/// <summary>Turns market results into the tables, the goal lines and the JSON summary.</summary>
internal sealed class Report(IReadOnlyList<MarketResult> results, string specsLine)
{
    public const double PairTolerance = 1.05;

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    // NaN (a ratio with no market to average over) is written as "NaN" rather than failing the write.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly (string Name, Func<MarketResult, IReadOnlyList<VariantRun>?> Runs)[] Specs =
        [("v1", m => m.V1), ("v2", m => m.V2)];

    private static readonly string[] Goals =
    [
        "every free (random, constant, flipped, heuristic) or copying strategy loses on average",
        "honest p>=0.7 earn on average",
        "mean profit rises with p (0.55 < 0.6 < 0.7 < 0.8 < 0.9)",
        $"copy pairs and splits earn <= {PairTolerance:0.00} x the original alone",
    ];

    private IEnumerable<(string Name, IReadOnlyList<MarketResult> Markets)> Scopes =>
        results.Select(r => r.Market.Dataset).Distinct().Select(d => (d, (IReadOnlyList<MarketResult>)[.. results.Where(r => r.Market.Dataset == d)]))
            .Append(("all datasets", results));

    public void Print(TextWriter w)
    {
        var terms = Settlement.Terms(results[0].Market);
        w.WriteLine(specsLine);
        w.WriteLine($"terms: stake {Settlement.StakeTokens} tokens per curator (stake cap {Settlement.StakeTokens}), reward pool = {Settlement.PoolPercentOfStakes}% of the full market's stakes " +
            $"({Settlement.Tokens(terms.RewardPool):0} tokens for {results[0].Market.Full.Count} curators; the same pool in the counterfactual runs), oracle fee {Settlement.OracleFeeBps} bps, slash {Settlement.SlashBps} bps at score -10000");
        w.WriteLine("profit per staked token = (payout - stake) / stake, per curator of the full market; pair figures are profits in tokens");
        foreach (var (name, markets) in Scopes)
        {
            w.WriteLine();
            w.WriteLine($"== {name}: {markets.Count} markets (ids {string.Join(',', markets.Select(m => m.Market.Id))}) ==");
            var honestLabels = markets.SelectMany(m => m.Market.Full.Where(c => c.Strategy.Group == StrategyGroup.Honest && c.Strategy != Strategy.FewItems)).Average(c => c.Labels.Count);
            w.WriteLine($"   per market: pool {markets.Average(m => m.Market.Pool.Count):0} pairs, gold {markets.Average(m => m.Market.Gold.Count):0} pairs, {markets.Average(m => m.Market.Full.Count):0} curators; " +
                $"{honestLabels:0.0} labels per honest curator (100, or fewer when fewer items are assigned to its address)");
            w.WriteLine($"{"strategy",-24} {"n",4} | {"v1 mean",8} {"v1 sd",6} {"v1 min..max",16} {"v1<0",5} | {"v2 mean",8} {"v2 sd",6} {"v2 min..max",16} {"v2<0",5}");
            foreach (var s in Strategy.All)
            {
                var v1 = StrategyStats(markets, 0, s);
                var v2 = StrategyStats(markets, 1, s);
                w.WriteLine($"{s.Name,-24} {Math.Max(v1.N, v2.N),4} | {Cells(v1)} | {Cells(v2)}");
            }
        }

        w.WriteLine();
        w.WriteLine("== pair / original alone: (first + second address) profit in the full market vs the first's profit in the same market without the second ==");
        w.WriteLine("   pair, alone = mean profits in tokens over markets; ratio = pair / alone (the goal's figure); mean ratio = mean of the per-market ratios");
        w.WriteLine("   over the markets where the original alone earned (used/markets): a market where the original barely earned swings it, so it is shown, not judged");
        w.WriteLine($"{"pair",-24} {"datasets",-13} | {"v1 pair",8} {"alone",8} {"ratio",6} {"mean r.",7} {"used",5} | {"v2 pair",8} {"alone",8} {"ratio",6} {"mean r.",7} {"used",5}");
        foreach (var pair in PairNames)
        {
            foreach (var (name, markets) in Scopes)
            {
                w.WriteLine($"{pair,-24} {name,-13} | {PairCells(PairStats(markets, 0, pair))} | {PairCells(PairStats(markets, 1, pair))}");
            }
        }

        w.WriteLine();
        w.WriteLine("== ranking and fit: Spearman(value, true p) over the 30 honest curators of each full market (mean over markets); gold accuracy of the all-curator model ==");
        foreach (var (name, markets) in Scopes)
        {
            w.WriteLine($"{name,-13} v2 Spearman {Num(SpearmanOf(markets, 1), "+0.000")}  v1 Spearman {Num(SpearmanOf(markets, 0), "+0.000")}  |  gold accuracy v2 {Num(GoldAccuracy(markets, 1), "0.0000")}  v1 {Num(GoldAccuracy(markets, 0), "0.0000")}");
        }

        w.WriteLine();
        w.WriteLine("== goals (decided on all datasets; per dataset in brackets) ==");
        for (var g = 0; g < Goals.Length; g++)
        {
            foreach (var (spec, index) in new[] { ("v2", 1), ("v1", 0) })
            {
                if (index == 0 && results.All(r => r.V1 is null))
                {
                    continue;
                }

                var verdicts = Scopes.Select(s => (s.Name, Verdict: Goal(g, s.Markets, index))).ToList();
                var all = verdicts[^1].Verdict;
                var per = string.Join(", ", verdicts.SkipLast(1).Select(v => $"{v.Name} {(v.Verdict.Pass ? "PASS" : "FAIL")}"));
                w.WriteLine($"{spec} {Goals[g]}: {(all.Pass ? "PASS" : "FAIL")} ({all.Detail}) [{per}]");
            }
        }
    }

    /// <summary>
    /// Every address of one full market (--detail ID): labels, their accuracy against the truth, and what each
    /// spec made of them. For checking a surprising row of the tables by hand.
    /// </summary>
    public void PrintDetail(TextWriter w, int marketId, Func<string, Preference> truth)
    {
        var r = results.Single(m => m.Market.Id == marketId);
        w.WriteLine();
        w.WriteLine($"== detail of market {marketId} ({r.Market.Dataset}): full market, every address ==");
        w.WriteLine($"{"address",-42} {"strategy",-24} {"labels",6} {"acc",5} | {"v1 bps",6} {"v1 value",10} {"v1 profit",9} | {"v2 bps",6} {"v2 value",10} {"v2 profit",9} v2 invalid");
        foreach (var c in r.Market.Full.OrderBy(c => Strategy.All.ToList().IndexOf(c.Strategy)))
        {
            var acc = c.Labels.Count == 0 ? double.NaN : c.Labels.Count(l => l.Pref == truth(l.Id)) / (double)c.Labels.Count;
            string Cell(IReadOnlyList<VariantRun>? runs) => runs is null
                ? $"{"-",6} {"-",10} {"-",9}"
                : $"{runs[0].Outcomes[c.Address].ScoreBps,6} {runs[0].Outcomes[c.Address].ValueMicro,10} {Num(runs[0].Outcomes[c.Address].Profit, "+0.00"),9}";
            w.WriteLine($"{c.Address,-42} {c.Strategy.Name,-24} {c.Labels.Count,6} {Num(acc, "0.00"),5} | {Cell(r.V1)} | {Cell(r.V2)} {r.V2[0].Outcomes[c.Address].InvalidReason}");
        }
    }

    /// <summary>The same figures as the printed tables, for out/bench/economics.json.</summary>
    public void WriteJson(string path)
    {
        var specs = Specs.Select((s, i) => (s.Name, Index: i)).ToList();
        object? Figures(Stats s) => s.N == 0 ? null : new { n = s.N, mean = s.Mean, sd = s.Sd, min = s.Min, max = s.Max, shareNegative = s.ShareNegative };
        var doc = new
        {
            specs = specsLine,
            terms = new { stakeTokens = Settlement.StakeTokens, stakeCapTokens = Settlement.StakeTokens, rewardPoolPercentOfStakes = Settlement.PoolPercentOfStakes, oracleFeeBps = Settlement.OracleFeeBps, slashBps = Settlement.SlashBps },
            scopes = Scopes.Select(scope => new
            {
                name = scope.Name,
                markets = scope.Markets.Select(m => m.Market.Id),
                strategies = Strategy.All.Select(s => new
                {
                    strategy = s.Name,
                    bySpec = specs.ToDictionary(x => x.Name, x => Figures(StrategyStats(scope.Markets, x.Index, s))),
                }),
                pairs = PairNames.Select(p => new { pair = p, bySpec = specs.ToDictionary(x => x.Name, x => PairStats(scope.Markets, x.Index, p)) }),
                spearman = specs.ToDictionary(x => x.Name, x => Finite(SpearmanOf(scope.Markets, x.Index))),
                goldAccuracy = specs.ToDictionary(x => x.Name, x => Finite(GoldAccuracy(scope.Markets, x.Index))),
                goals = specs.ToDictionary(x => x.Name, x => Goals.Select((g, i) => new { goal = g, verdict = Goal(i, scope.Markets, x.Index) })),
            }),
            markets = results.Select(r => new
            {
                id = r.Market.Id,
                dataset = r.Market.Dataset,
                pool = r.Market.Pool.Count,
                gold = r.Market.Gold.Count,
                curators = r.Market.Full.Count,
                labels = r.Market.Full.Sum(c => c.Labels.Count),
                seconds = new { v1 = r.V1?.Sum(v => v.Seconds), v2 = r.V2.Sum(v => v.Seconds) },
            }),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(doc, JsonOptions));
    }

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    private IEnumerable<string> PairNames => results[0].Market.Pairs.Select(p => p.Name);

    private static Stats StrategyStats(IReadOnlyList<MarketResult> markets, int spec, Strategy s) =>
        Stats.Of(markets.Select(Specs[spec].Runs).OfType<IReadOnlyList<VariantRun>>()
            .SelectMany(runs => runs[0].Outcomes.Values.Where(o => o.Strategy == s)).Select(o => o.ProfitPerToken));

    private static PairFigures PairStats(IReadOnlyList<MarketResult> markets, int spec, string pair)
    {
        var rows = markets.Where(m => Specs[spec].Runs(m) is not null).Select(m =>
        {
            var runs = Specs[spec].Runs(m)!;
            var p = m.Market.Pairs.Single(x => x.Name == pair);
            var together = runs[0].Outcomes[p.First].Profit + runs[0].Outcomes[p.Second].Profit;
            return (Pair: together, Alone: runs[p.AloneVariant].Outcomes[p.First].Profit);
        }).ToList();
        var used = rows.Where(r => r.Alone > 0).ToList();
        return new PairFigures(rows.Count, used.Count,
            used.Count == 0 ? double.NaN : used.Average(r => r.Pair / r.Alone),
            rows.Count == 0 ? double.NaN : rows.Average(r => r.Pair),
            rows.Count == 0 ? double.NaN : rows.Average(r => r.Alone));
    }

    private static double SpearmanOf(IReadOnlyList<MarketResult> markets, int spec)
    {
        var graded = Strategy.HonestLevels.Select(Strategy.Honest).ToHashSet();
        var rhos = markets.Select(Specs[spec].Runs).OfType<IReadOnlyList<VariantRun>>().Select(runs =>
        {
            var honest = runs[0].Outcomes.Values.Where(o => graded.Contains(o.Strategy)).ToList();
            return Protocol.Evaluation.Tests.UkpConvArg1.Spearman([.. honest.Select(o => (double)o.ValueMicro)], [.. honest.Select(o => o.Strategy.Accuracy!.Value)]);
        }).Where(double.IsFinite).ToList();
        return rhos.Count == 0 ? double.NaN : rhos.Average();
    }

    private static double GoldAccuracy(IReadOnlyList<MarketResult> markets, int spec)
    {
        var acc = markets.Select(Specs[spec].Runs).OfType<IReadOnlyList<VariantRun>>().Select(r => r[0].GoldAccuracy).ToList();
        return acc.Count == 0 ? double.NaN : acc.Average();
    }

    private Verdict Goal(int goal, IReadOnlyList<MarketResult> markets, int spec)
    {
        if (markets.All(m => Specs[spec].Runs(m) is null))
        {
            return new Verdict(false, "not run");
        }

        var levels = Strategy.HonestLevels.Select(p => (P: p, Stats: StrategyStats(markets, spec, Strategy.Honest(p)))).ToList();
        switch (goal)
        {
            case 0:
                var free = Strategy.All.Where(s => s.Group is StrategyGroup.Free or StrategyGroup.Copy)
                    .Select(s => (s.Name, StrategyStats(markets, spec, s).Mean)).OrderByDescending(x => x.Mean).ToList();
                return new Verdict(free.All(x => x.Mean < 0), $"worst: {free[0].Name} {Num(free[0].Mean, "+0.000")}");
            case 1:
                var low = levels.Where(l => l.P >= 0.7).OrderBy(l => l.Stats.Mean).First();
                return new Verdict(levels.Where(l => l.P >= 0.7).All(l => l.Stats.Mean > 0), $"lowest: p={low.P:0.00} {Num(low.Stats.Mean, "+0.000")}");
            case 2:
                var rising = levels.Zip(levels.Skip(1)).All(x => x.Second.Stats.Mean > x.First.Stats.Mean);
                return new Verdict(rising, string.Join(" ", levels.Select(l => $"{l.P:0.00}:{Num(l.Stats.Mean, "+0.000")}")));
            default:
                var pairs = PairNames.Select(p => (Name: p, Figures: PairStats(markets, spec, p))).ToList();
                // Undefined (the original alone does not earn on average) counts as a failure: nothing to compare with.
                double Ratio(PairFigures f) => double.IsNaN(f.RatioOfMeans) ? double.PositiveInfinity : f.RatioOfMeans;
                var worst = pairs.OrderByDescending(p => Ratio(p.Figures)).First();
                return new Verdict(pairs.All(p => Ratio(p.Figures) <= PairTolerance),
                    $"worst: {worst.Name} {Num(worst.Figures.RatioOfMeans, "0.00")}x = {Num(worst.Figures.PairProfit, "+0.0")} / {Num(worst.Figures.AloneProfit, "+0.0")} tokens");
        }
    }

    private static string Cells(Stats s) => s.N == 0
        ? $"{"-",8} {"-",6} {"-",16} {"-",5}"
        : $"{Num(s.Mean, "+0.000"),8} {Num(s.Sd, "0.000"),6} {Num(s.Min, "+0.000") + ".." + Num(s.Max, "+0.000"),16} {Num(s.ShareNegative * 100, "0") + "%",5}";

    private static string PairCells(PairFigures f) => f.Markets == 0
        ? $"{"-",8} {"-",8} {"-",6} {"-",7} {"-",5}"
        : $"{Num(f.PairProfit, "+0.00"),8} {Num(f.AloneProfit, "+0.00"),8} {Num(f.RatioOfMeans, "0.00"),6} {Num(f.MeanRatio, "0.00"),7} {$"{f.Used}/{f.Markets}",5}";

    // A leading '+' in the format asks for an explicit sign (a custom "+0.0" format would print -+0.5).
    private static string Num(double x, string format)
    {
        if (!double.IsFinite(x))
        {
            return "n/a";
        }

        if (!format.StartsWith('+'))
        {
            return x.ToString(format, Ci);
        }

        var text = x.ToString(format[1..], Ci);
        return text.StartsWith('-') ? text : "+" + text;
    }
}
