using System.Globalization;
using System.Text.Json;

namespace Protocol.Economics.Bench;

/// <summary>A market's variants evaluated under each spec (by its column label), in variant order.</summary>
internal sealed record MarketResult(Market Market, IReadOnlyDictionary<string, IReadOnlyList<VariantRun>> Runs);

/// <summary>
/// A group question over markets: the mean profits of the group (first + others) and of the first alone, their ratio,
/// and whether the group gained: pair ≤ tolerance × alone when the original alone earns, else pair ≤ alone.
/// </summary>
internal sealed record PairFigures(int Markets, double PairProfit, double AloneProfit)
{
    /// <summary>E[group] / E[alone]: undefined unless the original earns on average.</summary>
    public double Ratio => AloneProfit > 0 ? PairProfit / AloneProfit : double.NaN;

    public bool Pass => Markets == 0 || (AloneProfit > 0 ? PairProfit <= Report.PairTolerance * AloneProfit : PairProfit <= AloneProfit);
}

/// <summary>A goal's verdict and the figure that decided it.</summary>
internal sealed record Verdict(bool Pass, string Detail);

/// <summary>Turns market results into the tables, the goal lines and the JSON summary.</summary>
internal sealed class Report(IReadOnlyList<MarketResult> results, IReadOnlyList<EconSpec> specs, string command)
{
    public const double PairTolerance = 1.05;
    public const double MaxLosersP9 = 0.05;
    public const double MaxLosersP8 = 0.15;

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static readonly string[] Goals =
    [
        "G1 every non-informative, heuristic, copying, replicating and grinding strategy loses on average",
        "G2 honest p>=0.7 earn on average",
        "G3 mean profit rises with p (0.6 < 0.7 < 0.8 < 0.9)",
        $"G4 copies, splits and replicas earn the group <= {PairTolerance:0.00} x the original alone (pair <= alone when the original alone loses)",
        $"G5 honest losers: p=0.9 <= {MaxLosersP9:P0}, p=0.8 <= {MaxLosersP8:P0}",
    ];

    private static readonly StrategyGroup[] Cheats = [StrategyGroup.Free, StrategyGroup.Grind, StrategyGroup.Copy, StrategyGroup.Replica];

    private IEnumerable<(string Name, IReadOnlyList<MarketResult> Markets)> Scopes =>
        results.Select(r => (r.Market.Dataset, r.Market.PoolName)).Distinct()
            .Select(s => ($"{s.Dataset} {s.PoolName}", (IReadOnlyList<MarketResult>)[.. results.Where(r => r.Market.Dataset == s.Dataset && r.Market.PoolName == s.PoolName)]));

    public void Print(TextWriter w)
    {
        w.WriteLine($"command: {command}");
        foreach (var s in specs)
        {
            w.WriteLine($"spec {s.Label,-9} = {s.Spec.Name} {s.Spec.Hash?[..10]} ({(s.Family == Family.Open ? "open: labels from the whole pool" : (s.Spec.InRun!.AssignedItems > 0 ? $"assigned: {s.Spec.InRun.AssignedItems} items per address (at most half the pool), files of fewer than {s.Spec.InRun.MinLabelsPpm / 10_000.0:0.#}% of them invalid" : $"assigned: {s.Spec.InRun.AssignedSharePpm / 10_000.0:0.#}% of the pool per address"))}" +
                $"{(s.Spec.Method == Protocol.Evaluation.AttributionMethod.Tmc ? $", {s.Spec.Permutations} permutations" : "")})");
        }

        w.WriteLine($"terms: stake {Settlement.StakeTokens} tokens per curator, reward pool = {Settlement.PoolPercentOfStakes}% of the full market's stakes (the same pool in the counterfactual runs), " +
            $"oracle fee {Settlement.OracleFeeBps} bps, slash {Settlement.SlashBps} bps; gold {MarketBuilder.GoldCount} pairs per market");
        w.WriteLine("cells: mean profit per staked token [10th..90th percentile over the kind's curators in every market] share that lost; '-' = the kind is not in that spec's market");
        w.WriteLine($"grinding: of {Strategy.GrindCandidates} addresses keep the one whose assigned items have the largest share with a length gap >= {Labellers.LargeGap}x (ties: more items); moot on open specs (every address sees every item)");
        foreach (var (name, markets) in Scopes)
        {
            PrintScope(w, name, markets);
        }

        w.WriteLine();
        w.WriteLine("== goal summary: per dataset and pool, per spec, G1..G5 as P (pass) or F (fail) ==");
        foreach (var (i, g) in Goals.Index())
        {
            w.WriteLine($"   {g}");
        }

        w.WriteLine($"{"dataset pool",-28} | {string.Join(" | ", specs.Select(s => $"{s.Label,-9}"))}");
        foreach (var (name, markets) in Scopes)
        {
            w.WriteLine($"{name,-28} | {string.Join(" | ", specs.Select(s => $"{string.Concat(Enumerable.Range(0, Goals.Length).Select(g => Goal(g, markets, s.Label).Pass ? "P" : "F")),-9}"))}");
        }
    }

    private void PrintScope(TextWriter w, string name, IReadOnlyList<MarketResult> markets)
    {
        w.WriteLine();
        var poolItems = markets[0].Market.Pool.Count;
        double Labels(EconSpec s) => markets.SelectMany(m => m.Market.Book(s).Full.Where(c => c.Strategy.Group == StrategyGroup.Honest)).Average(c => c.Labels.Count);
        w.WriteLine($"== {name}: {markets.Count} markets (ids {string.Join(',', markets.Select(m => m.Market.Id))}); {poolItems} pool items; " +
            $"labels per honest curator / curators: {string.Join(", ", specs.Select(s => $"{s.Label} {Labels(s):0.0}/{markets.Average(m => m.Market.Book(s).Full.Count):0}"))} ==");
        w.WriteLine($"{"strategy",-26} | {string.Join(" | ", specs.Select(s => $"{s.Label,-30}"))}");
        foreach (var strategy in Strategy.All)
        {
            w.WriteLine($"{strategy.Name,-26} | {string.Join(" | ", specs.Select(s => Cells(StrategyStats(markets, s.Label, strategy))))}");
        }

        w.WriteLine($"{"group / alone (tokens)",-26} | {string.Join(" | ", specs.Select(s => $"{"ratio = group / alone",-30}"))}");
        foreach (var pair in PairNames)
        {
            w.WriteLine($"{pair,-26} | {string.Join(" | ", specs.Select(s => PairCells(PairStats(markets, s.Label, pair))))}");
        }

        var grinds = markets.SelectMany(m => m.Market.Assigned.Select(b => (Share: b.Key, Grinds: b.Value.Grinds)))
            .SelectMany(b => b.Grinds.Select(g => (b.Share, Grind: g))).GroupBy(x => (x.Share, x.Grind.Heuristic), x => x.Grind);
        foreach (var g in grinds)
        {
            w.WriteLine($"   grind '{g.Key.Heuristic}' at {g.Key.Share / 10_000.0:0.#}% of the pool: proxy {g.Average(x => x.Proxy):P0} of items with a large gap (median address {g.Average(x => x.MedianProxy):P0}), {g.Average(x => x.Items):0.0} items; " +
                $"heuristic right on them {g.Average(x => x.Right):P0} (whole pool {g.Average(x => x.PoolRight):P0})");
        }

        w.WriteLine($"   gold accuracy of the all-curator model: {string.Join(", ", specs.Select(s => $"{s.Label} {Num(GoldAccuracy(markets, s.Label), "0.000")}"))}");
        foreach (var s in specs)
        {
            w.WriteLine($"   {s.Label,-9} {string.Join("; ", Enumerable.Range(0, Goals.Length).Select(g => (g, v: Goal(g, markets, s.Label))).Select(x => $"G{x.g + 1} {(x.v.Pass ? "PASS" : "FAIL")} ({x.v.Detail})"))}");
        }
    }

    /// <summary>
    /// Every address of one market (--detail ID) in every spec's full run: labels, their accuracy against the truth,
    /// score, value and profit. For checking a surprising row of the tables by hand.
    /// </summary>
    public void PrintDetail(TextWriter w, int marketId, Func<string, Preference> truth)
    {
        var r = results.Single(m => m.Market.Id == marketId);
        foreach (var s in specs)
        {
            w.WriteLine();
            w.WriteLine($"== detail of market {marketId} ({r.Market.Dataset} {r.Market.PoolName}) under {s.Label}: full market, every address ==");
            w.WriteLine($"{"address",-42} {"strategy",-26} {"labels",6} {"acc",5} | {"bps",6} {"value",10} {"profit",9} invalid");
            foreach (var c in r.Market.Book(s).Full.OrderBy(c => Strategy.All.ToList().IndexOf(c.Strategy)))
            {
                var acc = c.Labels.Count == 0 ? double.NaN : c.Labels.Count(l => l.Pref == truth(l.Id)) / (double)c.Labels.Count;
                var o = r.Runs[s.Label][0].Outcomes[c.Address];
                w.WriteLine($"{c.Address,-42} {c.Strategy.Name,-26} {c.Labels.Count,6} {Num(acc, "0.00"),5} | {o.ScoreBps,6} {o.ValueMicro,10} {Num(o.Profit, "+0.00"),9} {o.InvalidReason}");
            }
        }
    }

    /// <summary>The same figures as the printed tables, for out/bench/economics.json.</summary>
    public void WriteJson(string path, double wallSeconds)
    {
        object? Figures(Stats s) => s.N == 0 ? null : new { n = s.N, mean = s.Mean, sd = s.Sd, p10 = s.P10, p90 = s.P90, min = s.Min, max = s.Max, shareLost = s.ShareNegative };
        var doc = new
        {
            command,
            wallSeconds,
            terms = new { stakeTokens = Settlement.StakeTokens, poolPercentOfStakes = Settlement.PoolPercentOfStakes, oracleFeeBps = Settlement.OracleFeeBps, slashBps = Settlement.SlashBps, gold = MarketBuilder.GoldCount },
            specs = specs.Select(s => new { label = s.Label, name = s.Spec.Name, hash = s.Spec.Hash, family = s.Family.ToString().ToLowerInvariant(), permutations = s.Spec.Permutations }),
            goals = Goals,
            grinding = new { candidates = Strategy.GrindCandidates, proxy = $"share of assigned items whose longer answer has >= {Labellers.LargeGap}x the shorter's UTF-8 bytes; ties: more items" },
            scopes = Scopes.Select(sc => new
            {
                name = sc.Name,
                dataset = sc.Markets[0].Market.Dataset,
                poolItems = sc.Markets[0].Market.Pool.Count,
                markets = sc.Markets.Select(m => m.Market.Id),
                bySpec = specs.Select(s => new
                {
                    spec = s.Label,
                    goldAccuracy = Finite(GoldAccuracy(sc.Markets, s.Label)),
                    strategies = Strategy.All.Select(st => new { strategy = st.Name, group = st.Group.ToString(), figures = Figures(StrategyStats(sc.Markets, s.Label, st)) }),
                    groups = PairNames.Select(p => PairStats(sc.Markets, s.Label, p)).Zip(PairNames, (f, p) => new { group = p, f.Markets, pairProfit = f.PairProfit, aloneProfit = f.AloneProfit, ratio = Finite(f.Ratio), pass = f.Pass }),
                    goals = Enumerable.Range(0, Goals.Length).Select(g => Goal(g, sc.Markets, s.Label)).Select((v, g) => new { goal = $"G{g + 1}", pass = v.Pass, detail = v.Detail }),
                }),
                grinds = sc.Markets.SelectMany(m => m.Market.Assigned.SelectMany(b => b.Value.Grinds.Select(g => new { market = m.Market.Id, sharePpm = b.Key, g.Heuristic, g.Address, g.Items, g.Proxy, g.MedianProxy, right = g.Right, poolRight = g.PoolRight }))),
            }),
            markets = results.Select(r => new
            {
                id = r.Market.Id,
                dataset = r.Market.Dataset,
                pool = r.Market.Pool.Count,
                gold = r.Market.Gold.Count,
                curators = new { open = r.Market.Open.Full.Count, assigned = r.Market.Assigned.ToDictionary(b => b.Key.ToString(CultureInfo.InvariantCulture), b => b.Value.Full.Count) },
                seconds = r.Runs.ToDictionary(x => x.Key, x => x.Value.Sum(v => v.Seconds)),
            }),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(doc, JsonOptions));
    }

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    private IReadOnlyList<string> PairNames => [.. results[0].Market.Open.Pairs.Select(p => p.Name)];

    private static Stats StrategyStats(IReadOnlyList<MarketResult> markets, string spec, Strategy s) =>
        Stats.Of(markets.SelectMany(m => m.Runs.TryGetValue(spec, out var runs) ? runs[0].Outcomes.Values.Where(o => o.Strategy == s) : []).Select(o => o.ProfitPerToken));

    private PairFigures PairStats(IReadOnlyList<MarketResult> markets, string spec, string pair)
    {
        var econ = specs.Single(s => s.Label == spec);
        var rows = markets.Where(m => m.Runs.ContainsKey(spec)).Select(m =>
        {
            var runs = m.Runs[spec];
            var p = m.Market.Book(econ).Pairs.Single(x => x.Name == pair);
            var together = runs[0].Outcomes[p.First].Profit + p.Others.Sum(o => runs[0].Outcomes[o].Profit);
            return (Pair: together, Alone: runs[p.AloneVariant].Outcomes[p.First].Profit);
        }).ToList();
        return new PairFigures(rows.Count, rows.Count == 0 ? double.NaN : rows.Average(r => r.Pair), rows.Count == 0 ? double.NaN : rows.Average(r => r.Alone));
    }

    private static double GoldAccuracy(IReadOnlyList<MarketResult> markets, string spec)
    {
        var acc = markets.Where(m => m.Runs.ContainsKey(spec)).Select(m => m.Runs[spec][0].GoldAccuracy).ToList();
        return acc.Count == 0 ? double.NaN : acc.Average();
    }

    private Verdict Goal(int goal, IReadOnlyList<MarketResult> markets, string spec)
    {
        var levels = Strategy.HonestLevels.Select(p => (P: p, Stats: StrategyStats(markets, spec, Strategy.Honest(p)))).ToList();
        switch (goal)
        {
            case 0:
                var cheats = Strategy.All.Where(s => Cheats.Contains(s.Group))
                    .Select(s => (s.Name, Stats: StrategyStats(markets, spec, s))).Where(x => x.Stats.N > 0).OrderByDescending(x => x.Stats.Mean).ToList();
                var earners = cheats.Where(x => x.Stats.Mean >= 0).ToList();
                return new Verdict(earners.Count == 0, earners.Count == 0
                    ? $"best: {cheats[0].Name} {Num(cheats[0].Stats.Mean, "+0.000")}"
                    : "earn: " + string.Join(", ", earners.Select(x => $"{x.Name} {Num(x.Stats.Mean, "+0.000")}")));
            case 1:
                var low = levels.Where(l => l.P >= 0.7).OrderBy(l => l.Stats.Mean).First();
                return new Verdict(levels.Where(l => l.P >= 0.7).All(l => l.Stats.Mean > 0), $"lowest p={low.P:0.0} {Num(low.Stats.Mean, "+0.000")}");
            case 2:
                var rising = levels.Zip(levels.Skip(1)).All(x => x.Second.Stats.Mean > x.First.Stats.Mean);
                return new Verdict(rising, string.Join(" ", levels.Select(l => $"{l.P:0.0}:{Num(l.Stats.Mean, "+0.00")}")));
            case 3:
                var pairs = PairNames.Select(p => (Name: p, Figures: PairStats(markets, spec, p))).ToList();
                var failed = pairs.Where(p => !p.Figures.Pass).ToList();
                string Show((string Name, PairFigures Figures) p) => $"{p.Name} {Num(p.Figures.Ratio, "0.00")}x ({Num(p.Figures.PairProfit, "+0.0")}/{Num(p.Figures.AloneProfit, "+0.0")})";
                return new Verdict(failed.Count == 0, failed.Count == 0
                    ? "worst " + Show(pairs.OrderByDescending(p => p.Figures.PairProfit - p.Figures.AloneProfit).First())
                    : "over: " + string.Join(", ", failed.Select(Show)));
            default:
                var p9 = levels.Single(l => l.P == 0.9).Stats.ShareNegative;
                var p8 = levels.Single(l => l.P == 0.8).Stats.ShareNegative;
                return new Verdict(p9 <= MaxLosersP9 && p8 <= MaxLosersP8, $"lost: p=0.9 {Num(p9 * 100, "0")}%, p=0.8 {Num(p8 * 100, "0")}%");
        }
    }

    private static string Cells(Stats s) => s.N == 0
        ? $"{"-",-30}"
        : $"{Num(s.Mean, "+0.000"),7} [{Num(s.P10, "+0.00")}..{Num(s.P90, "+0.00")}] {Num(s.ShareNegative * 100, "0") + "%",4}".PadRight(30);

    private static string PairCells(PairFigures f) => f.Markets == 0
        ? $"{"-",-30}"
        : $"{Num(f.Ratio, "0.00") + "x",6} ({Num(f.PairProfit, "+0.0")}/{Num(f.AloneProfit, "+0.0")}) {(f.Pass ? "ok" : "OVER")}".PadRight(30);

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
