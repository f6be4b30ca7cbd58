using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Nethereum.Util;
using Protocol.Evaluation;

namespace Protocol.CrowdMarkets;

/// <summary>
/// The UKPConvArg1 market (docs/evaluation.md): gold = the pairs with a strict majority whose
/// FNV-1a 64 hash of the id is 0 mod 6 (pref = majority); task pool = every other pair; curators = crowd
/// workers with at least 30 a/b labels on the pool (their own labels; "equal" dropped), plus injected bad
/// curators (random, flipped-majority and constant-"a" labels on 120 pool pairs each). A worker's quality
/// is its agreement with the strict majority of the OTHER workers on the same pairs.
/// </summary>
public sealed class UkpConvArg1
{
    private UkpConvArg1(MarketInput input, Dictionary<string, double> agreement, HashSet<string> injected, Dictionary<string, string> kind, Dictionary<string, Preference> majority)
    {
        Input = input;
        PoolMajority = majority;
        Agreement = agreement;
        Injected = injected;
        Kind = kind;
    }

    public MarketInput Input { get; }

    /// <summary>Crowd worker address → agreement with the other workers' majority.</summary>
    public Dictionary<string, double> Agreement { get; }

    /// <summary>Addresses of the injected bad curators.</summary>
    public HashSet<string> Injected { get; }

    /// <summary>Task-pool id → the strict majority of its crowd labels (pairs without one are absent).</summary>
    public Dictionary<string, Preference> PoolMajority { get; }

    /// <summary>Address → "crowd", "random", "flipped" or "constant".</summary>
    public Dictionary<string, string> Kind { get; }

    public static string DataDirectory(string root) => Path.Combine(root, "data", "ukpconvarg1");

    public static UkpConvArg1 Load(string directory, int minLabels = 30, int injectedPerKind = 3, int maxCrowd = int.MaxValue)
    {
        var pairs = new List<(string Id, string Prompt, string A, string B, string? Majority, List<(string Worker, string Pref)> Labels)>();
        foreach (var file in Directory.GetFiles(directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                var labels = r.GetProperty("labels").EnumerateArray()
                    .Select(l => (l.GetProperty("worker").GetString()!, l.GetProperty("pref").GetString()!)).ToList();
                var majority = r.GetProperty("majority").ValueKind == JsonValueKind.String ? r.GetProperty("majority").GetString() : null;
                pairs.Add((r.GetProperty("id").GetString()!, r.GetProperty("prompt").GetString()!, r.GetProperty("a").GetString()!, r.GetProperty("b").GetString()!, majority, labels));
            }
        }

        static bool IsGold(string id, string? majority) => majority is "a" or "b" && Protocol.Evaluation.Model.Featuriser.Fnv1a64(Encoding.UTF8.GetBytes(id)) % 6 == 0;
        var gold = pairs.Where(p => IsGold(p.Id, p.Majority))
            .Select(p => new GoldItem(p.Id, p.Prompt, p.A, p.B, p.Majority == "a" ? Preference.A : Preference.B)).ToList();
        var pool = pairs.Where(p => !IsGold(p.Id, p.Majority)).ToList();
        var byWorker = new Dictionary<string, List<Label>>(StringComparer.Ordinal);
        foreach (var p in pool)
        {
            foreach (var (worker, pref) in p.Labels.Where(l => l.Pref is "a" or "b"))
            {
                if (!byWorker.TryGetValue(worker, out var list))
                {
                    byWorker[worker] = list = [];
                }

                if (list.All(l => l.Id != p.Id))
                {
                    list.Add(new Label(p.Id, pref == "a" ? Preference.A : Preference.B));
                }
            }
        }

        var crowd = byWorker.Where(kv => kv.Value.Count >= minLabels).OrderBy(kv => kv.Key, StringComparer.Ordinal).Take(maxCrowd).ToList();
        var poolById = pool.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var curators = new List<CuratorLabels>();
        var agreement = new Dictionary<string, double>(StringComparer.Ordinal);
        var kind = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (worker, labels) in crowd)
        {
            var address = AddressOf("worker:" + worker);
            curators.Add(new CuratorLabels(address, labels));
            kind[address] = "crowd";
            int agree = 0, total = 0;
            foreach (var l in labels)
            {
                var others = poolById[l.Id].Labels.Where(o => o.Worker != worker);
                var a = others.Count(o => o.Pref == "a");
                var b = others.Count(o => o.Pref == "b");
                if (a != b)
                {
                    total++;
                    agree += (a > b) == (l.Pref == Preference.A) ? 1 : 0;
                }
            }

            agreement[address] = total == 0 ? 0.5 : (double)agree / total;
        }

        var injected = new HashSet<string>(StringComparer.Ordinal);
        var rng = new Random(20161);
        var withMajority = pool.Where(p => p.Majority is "a" or "b").ToList();
        foreach (var k in new[] { "random", "flipped", "constant" })
        {
            for (var i = 0; i < injectedPerKind; i++)
            {
                var address = AddressOf($"{k}:{i}");
                var chosen = withMajority.OrderBy(_ => rng.Next()).Take(120).ToList();
                var labels = chosen.Select(p => new Label(p.Id, k switch
                {
                    "random" => rng.Next(2) == 0 ? Preference.A : Preference.B,
                    "flipped" => p.Majority == "a" ? Preference.B : Preference.A,
                    _ => Preference.A,
                })).ToList();
                curators.Add(new CuratorLabels(address, labels));
                injected.Add(address);
                kind[address] = k;
            }
        }

        var goldBytes = Encoding.UTF8.GetBytes(string.Join('\n', gold.Select(g => g.Id)));
        var input = new MarketInput(
            new BigInteger(1),
            0,
            new Sha3Keccack().CalculateHash(goldBytes),
            pool.Select(p => new TaskItem(p.Id, p.Prompt, p.A, p.B)).ToList(),
            gold,
            curators);
        var poolMajority = pool.Where(p => p.Majority is "a" or "b").ToDictionary(p => p.Id, p => p.Majority == "a" ? Preference.A : Preference.B, StringComparer.Ordinal);
        return new UkpConvArg1(input, agreement, injected, kind, poolMajority);
    }

    /// <summary>Spearman rank correlation of the crowd workers' values with their agreement (average ranks for ties).</summary>
    public double Spearman(EvaluationResult result)
    {
        var values = result.Curators.Where(c => Agreement.ContainsKey(c.Address)).ToList();
        return Spearman(values.Select(c => c.Shapley).ToArray(), values.Select(c => Agreement[c.Address]).ToArray());
    }

    /// <summary>Spearman of the crowd workers' value per label with their agreement.</summary>
    public double SpearmanPerLabel(EvaluationResult result)
    {
        var values = result.Curators.Where(c => Agreement.ContainsKey(c.Address)).ToList();
        return Spearman(values.Select(c => c.Shapley / c.LabelCount).ToArray(), values.Select(c => Agreement[c.Address]).ToArray());
    }

    /// <summary>
    /// Payouts under the demo's terms (pool 10,000 tokens, fee 5%, slash 50%, every curator staking the cap of 100),
    /// by address: what each curator would take home.
    /// </summary>
    public static Dictionary<string, Protocol.Core.Payouts.CuratorPayout> Payouts(EvaluationSpec spec, EvaluationResult result)
    {
        var token = BigInteger.Pow(10, 18);
        var terms = new Protocol.Core.Payouts.MarketTerms(10_000 * token, 500, 5_000, 100 * token);
        var table = Protocol.Core.Payouts.PayoutCalculator.Compute(terms, result.Curators.Select(c => new Protocol.Core.Payouts.CuratorOutcome(c.Address, 100 * token, c.ScoreBps, c.ValueMicro)), spec.SlashRule);
        return table.Curators.ToDictionary(c => c.Account, StringComparer.Ordinal);
    }

    /// <summary>Spearman rank correlation of two samples (average ranks for ties).</summary>
    public static double Spearman(double[] first, double[] second)
    {
        var x = Ranks(first);
        var y = Ranks(second);
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>AUROC of "crowd worker has a higher value than an injected bad curator" (ties count half).</summary>
    public double Auroc(EvaluationResult result)
    {
        var bad = result.Curators.Where(c => Injected.Contains(c.Address)).Select(c => c.Shapley).ToList();
        var good = result.Curators.Where(c => Agreement.ContainsKey(c.Address)).Select(c => c.Shapley).ToList();
        double wins = 0;
        foreach (var g in good)
        {
            foreach (var b in bad)
            {
                wins += g > b ? 1 : g == b ? 0.5 : 0;
            }
        }

        return wins / (good.Count * bad.Count);
    }

    public string Summary(EvaluationResult result)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        foreach (var k in new[] { "crowd", "random", "flipped", "constant" })
        {
            var vs = result.Curators.Where(c => Kind.TryGetValue(c.Address, out var kk) && kk == k).Select(c => c.Shapley).ToList();
            sb.Append(ci, $"{k}: n={vs.Count} mean φ={vs.Average():E3} min={vs.Min():E3} max={vs.Max():E3}; ");
        }

        return sb.ToString();
    }

    private static string AddressOf(string name) =>
        "0x" + Convert.ToHexStringLower(new Sha3Keccack().CalculateHash(Encoding.UTF8.GetBytes(name)).AsSpan(12));

    private static double[] Ranks(double[] v)
    {
        var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]])
            {
                j++;
            }

            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = (i + j) / 2.0;
            }

            i = j + 1;
        }

        return ranks;
    }
}
