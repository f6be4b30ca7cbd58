using System.Numerics;
using System.Text;
using Nethereum.Util;
using Protocol.Evaluation.InRun;

namespace Protocol.Features.Bench;

/// <summary>
/// A simulated curator of known accuracy p: its labels drawn from the whole pool (for the open specs) and, separately,
/// from the items the assigned specs give its address (fewer when the pool holds too few of them).
/// </summary>
internal sealed record KnownCurator(string Address, double P, IReadOnlyList<Label> Open, IReadOnlyList<Label> Assigned);

/// <summary>One seeded market of a dataset: a gold/pool split of its comparisons and the curators' labels on the pool.</summary>
internal sealed record KnownMarket(string Dataset, int Seed, BigInteger MarketId, IReadOnlyList<Comparison> Pool, IReadOnlyList<Comparison> Gold, byte[] GoldHash, IReadOnlyList<KnownCurator> Curators)
{
    /// <summary>The engine's input: the open labels or the assigned ones, with committed features when given.</summary>
    public MarketInput Input(bool assigned, CommittedFeatures? features) => new(
        MarketId, 0u, GoldHash, [.. Pool.Select(c => c.Task)], [.. Gold.Select(c => c.Gold)],
        [.. Curators.Select(c => new CuratorLabels(c.Address, assigned ? c.Assigned : c.Open))], features);

    /// <summary>Honest p by address (every curator here is honest).</summary>
    public Dictionary<string, double> Accuracy => Curators.ToDictionary(c => c.Address, c => c.P, StringComparer.Ordinal);
}

/// <summary>
/// Builds the known-accuracy markets: per seed a fresh split (15% of the comparisons as gold, at least 150) and
/// curators of accuracy p ~ U(0.5, 0.95) against the dataset's truth, each labelling up to L items.
/// </summary>
internal static class KnownAccuracy
{
    public const double GoldShare = 0.15;
    public const int MinGold = 150;

    public static KnownMarket Build(Dataset data, int datasetIndex, int seed, int curators, int labels, int assignedSharePpm)
    {
        // Market id and every generator derive from (dataset, seed) alone, so a rerun builds the same markets.
        var marketId = new BigInteger((1000 * (datasetIndex + 1)) + seed);
        var rng = new Random((int)marketId);
        var shuffled = data.Comparisons.ToArray();
        rng.Shuffle(shuffled);
        var goldCount = Math.Max(MinGold, (int)Math.Round(GoldShare * shuffled.Length));
        var gold = shuffled[..goldCount];
        var pool = shuffled[goldCount..];
        var assignment = new ItemAssignment(marketId, assignedSharePpm);
        var list = new List<KnownCurator>(curators);
        for (var c = 0; c < curators; c++)
        {
            var address = "0x" + Convert.ToHexStringLower(Keccak($"features/{data.Name}/{seed}/{c}").AsSpan(12));
            var r = new Random(rng.Next());
            var p = 0.5 + (r.NextDouble() * 0.45);
            var open = pool.ToArray();
            r.Shuffle(open);
            var mine = pool.Where(t => assignment.IsAssigned(address, t.Id)).ToArray();
            r.Shuffle(mine);
            Label Answer(Comparison t) => new(t.Id, r.NextDouble() < p ? t.Truth : Flip(t.Truth));
            list.Add(new KnownCurator(address, p, [.. open.Take(labels).Select(Answer)], [.. mine.Take(labels).Select(Answer)]));
        }

        return new KnownMarket(data.Name, seed, marketId, pool, gold, Keccak(string.Join('\n', gold.Select(g => g.Id))), list);
    }

    /// <summary>Spearman of value with p over the honest curators (all of them here; an invalid one would count at value 0).</summary>
    public static double Spearman(KnownMarket market, EvaluationResult result)
    {
        var p = market.Accuracy;
        var rows = result.Curators.Where(c => p.ContainsKey(c.Address)).ToList();
        return UkpConvArg1.Spearman([.. rows.Select(c => c.Shapley)], [.. rows.Select(c => p[c.Address])]);
    }

    private static Preference Flip(Preference p) => p == Preference.A ? Preference.B : Preference.A;

    private static byte[] Keccak(string text) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
}
