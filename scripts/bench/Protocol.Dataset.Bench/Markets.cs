using System.Text;
using Nethereum.Util;
using Protocol.Evaluation;

namespace Protocol.Dataset.Bench;

/// <summary>
/// One market to export: its task pool and curators, the gold set the oracle values them on, and a disjoint held-out
/// test set that only measures the reward models trained on the export (never seen by the oracle).
/// </summary>
internal sealed record BenchMarket(string Name, int Seed, IReadOnlyList<TaskItem> Pool, IReadOnlyList<GoldItem> Gold, IReadOnlyList<GoldItem> Test, IReadOnlyList<CuratorLabels> Curators, IReadOnlySet<string> Bad)
{
    public MarketInput Valuation() => new(Seed, 0, Hash(Gold), Pool, Gold, Curators);

    public MarketInput Training(IReadOnlyList<CuratorLabels> set) => new(Seed, 0, Hash(Test), Pool, Test, set);

    private static byte[] Hash(IEnumerable<GoldItem> items) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(string.Join('\n', items.Select(g => g.Id))));
}

internal static class Markets
{
    /// <summary>
    /// The UKPConvArg1 market of the tests and docs (138 crowd workers with their own labels, 9 injected random, flipped and
    /// constant-"a" curators); the seed splits its gold set in half: one half the oracle's gold, the other the test set.
    /// </summary>
    public static BenchMarket Crowd(UkpConvArg1 data, int seed)
    {
        var gold = data.Input.Gold.ToArray();
        new Random(seed).Shuffle(gold);
        var half = gold.Length / 2;
        return new BenchMarket("UKPConvArg1 crowd + 9 injected", seed, data.Input.TaskPool, gold[..half], gold[half..], data.Input.Curators, data.Injected);
    }

    /// <summary>
    /// A simulated market on UKPConvArg1's pairs with a strict majority (the truth): 2,500 pairs, 400 gold, 600 test, 1,500 in
    /// the pool; 40 curators with 150 labels each: 28 honest with accuracy ~ U(0.6, 0.9) against the truth, 6 random and
    /// 6 flipped (30% bad).
    /// </summary>
    public static BenchMarket Simulated(UkpConvArg1 data, int seed)
    {
        var truth = data.Input.TaskPool.Where(t => data.PoolMajority.ContainsKey(t.Id))
            .Select(t => new GoldItem(t.Id, t.Prompt, t.A, t.B, data.PoolMajority[t.Id]))
            .Concat(data.Input.Gold).ToArray();
        var rng = new Random(seed);
        rng.Shuffle(truth);
        var gold = truth[..400];
        var test = truth[400..1000];
        var pool = truth[1000..2500];
        var curators = new List<CuratorLabels>();
        for (var c = 0; c < 40; c++)
        {
            var kind = c < 28 ? "honest" : c < 34 ? "random" : "flipped";
            var accuracy = 0.6 + (0.3 * rng.NextDouble());
            var items = pool.ToArray();
            rng.Shuffle(items);
            var labels = items[..150].Select(p => new Label(p.Id, kind switch
            {
                "honest" => rng.NextDouble() < accuracy ? p.Pref : Flip(p.Pref),
                "random" => rng.Next(2) == 0 ? Preference.A : Preference.B,
                _ => Flip(p.Pref),
            })).ToList();
            curators.Add(new CuratorLabels(Address($"simulated/{seed}/{kind}/{c}"), labels));
        }

        var bad = curators.Skip(28).Select(c => c.Address).ToHashSet(StringComparer.Ordinal);
        return new BenchMarket("simulated, 30% random/flipped", seed, [.. pool.Select(p => new TaskItem(p.Id, p.Prompt, p.A, p.B))], gold, test, curators, bad);
    }

    public static string Address(string name) => "0x" + Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(name)).AsSpan(12));

    private static Preference Flip(Preference p) => p == Preference.A ? Preference.B : Preference.A;
}
