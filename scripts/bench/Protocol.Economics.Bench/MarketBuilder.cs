using System.Numerics;
using System.Text;
using Nethereum.Util;
using Protocol.Evaluation;
using Protocol.Evaluation.InRun;

namespace Protocol.Economics.Bench;

/// <summary>One address's label file and the strategy behind it.</summary>
internal sealed record Curator(string Address, Strategy Strategy, IReadOnlyList<Label> Labels);

/// <summary>The same market with a different set of curators (the full market, or a counterfactual).</summary>
internal sealed record Variant(string Name, IReadOnlyList<Curator> Curators);

/// <summary>
/// A pair question: (first + second) profit in the full market against first's profit alone in
/// <paramref name="AloneVariant"/>, the market without the second address.
/// </summary>
internal sealed record PairCheck(string Name, string First, string Second, int AloneVariant);

/// <summary>A seeded market: pool, gold and its variants. Variant 0 is the full market.</summary>
internal sealed record Market(
    int Id, string Dataset, IReadOnlyList<TaskItem> Pool, IReadOnlyList<GoldItem> Gold, byte[] GoldHash,
    IReadOnlyList<Variant> Variants, IReadOnlyList<PairCheck> Pairs)
{
    public IReadOnlyList<Curator> Full => Variants[0].Curators;

    public MarketInput Input(int variant) => new(
        Id, 0u, GoldHash, Pool, Gold, [.. Variants[variant].Curators.Select(c => new CuratorLabels(c.Address, c.Labels))]);
}

/// <summary>
/// Builds the seeded markets. Every curator labels items drawn from the items assigned to its own address
/// under the v2 assignment, so its file is valid under v2 and (having no assignment) v1 alike; only the
/// copiers hand a file to an address it was not drawn for.
/// </summary>
internal sealed class MarketBuilder(int assignedSharePpm, int labelsPerCurator, int honestPerLevel)
{
    /// <summary>Share of the known-truth pairs held out as gold (at least <see cref="MinGold"/>).</summary>
    public const double GoldShare = 0.15;

    public const int MinGold = 150;

    /// <summary>
    /// A market samples at most this many pairs: UKPConvArg1's 6,311 would make its markets three times as
    /// slow under v1 as HH-RLHF's 2,307, and 2,500 still gives each address over 100 assigned items at 5%.
    /// </summary>
    public const int MaxPairs = 2500;
    public const int FewItems = 10;
    public const double CopyChangedShare = 0.05;
    public const int FreeCuratorsPerStrategy = 2;

    private static readonly string[] CopyKinds = ["identical", "changed", "filtered"];

    public Market Build(Dataset data, int marketId)
    {
        // One generator per market, and one per curator drawn from it, so a market depends on its id alone.
        var rng = new Random(marketId);
        var shuffled = data.Comparisons.ToArray();
        rng.Shuffle(shuffled);
        shuffled = shuffled[..Math.Min(MaxPairs, shuffled.Length)];
        var goldCount = Math.Max(MinGold, (int)Math.Round(GoldShare * shuffled.Length));
        var gold = shuffled[..goldCount];
        var pool = shuffled[goldCount..];
        var goldHash = Keccak(string.Join('\n', gold.Select(g => g.Id)));
        var assignment = new ItemAssignment(marketId, assignedSharePpm);

        string Address(string role) => "0x" + Convert.ToHexStringLower(Keccak($"economics/{marketId}/{role}").AsSpan(12));
        Comparison[] Assigned(string address) => [.. pool.Where(c => assignment.IsAssigned(address, c.Id))];
        List<Label> Draw(string address, int count, Random r, Func<Comparison, Preference> label)
        {
            var items = Assigned(address);
            r.Shuffle(items);
            return [.. items.Take(count).Select(c => new Label(c.Id, label(c)))];
        }

        Curator Honest(string role, Strategy s, double p, int count)
        {
            var address = Address(role);
            var r = new Random(rng.Next());
            return new Curator(address, s, Draw(address, count, r, c => Labellers.Honest(c, p, r)));
        }

        var full = new List<Curator>();
        foreach (var p in Strategy.HonestLevels)
        {
            for (var i = 0; i < honestPerLevel; i++)
            {
                full.Add(Honest($"honest-{p}-{i}", Strategy.Honest(p), p, labelsPerCurator));
            }
        }

        foreach (var (strategy, label) in Strategy.Free)
        {
            for (var i = 0; i < FreeCuratorsPerStrategy; i++)
            {
                var address = Address($"{strategy.Name}-{i}");
                var r = new Random(rng.Next());
                full.Add(new Curator(address, strategy, Draw(address, labelsPerCurator, r, c => label(c, r))));
            }
        }

        full.Add(Honest("few-items", Strategy.FewItems, 0.8, FewItems));

        // Three originals, one per copy kind, so each pair question has its own counterfactual.
        var original = CopyKinds
            .Select(k => Honest($"original-{k}", Strategy.Original, 0.8, labelsPerCurator)).ToArray();
        full.AddRange(original);

        var copyIdentical = new Curator(Address("copy-identical"), Strategy.CopyIdentical, original[0].Labels);
        var changed = original[1].Labels.ToArray();
        var flip = Math.Max(1, (int)Math.Round(CopyChangedShare * changed.Length));
        var flipRng = new Random(rng.Next());
        foreach (var i in Enumerable.Range(0, changed.Length).OrderBy(_ => flipRng.Next()).Take(flip))
        {
            changed[i] = changed[i] with { Pref = Labellers.Opposite(changed[i].Pref) };
        }

        var copyChanged = new Curator(Address("copy-changed"), Strategy.CopyChanged, changed);
        var filteredAddress = Address("copy-filtered");
        var copyFiltered = new Curator(filteredAddress, Strategy.CopyFiltered,
            [.. original[2].Labels.Where(l => assignment.IsAssigned(filteredAddress, l.Id))]);
        full.AddRange([copyIdentical, copyChanged, copyFiltered]);

        // The split person does the same work either way: n labels at one address, or n/2 + n/2 at two
        // (n capped by the first address's assigned items, so a small pool does not hand the split more work).
        var s1 = Address("split-1");
        var s2 = Address("split-2");
        var splitRng = new Random(rng.Next());
        var whole = Draw(s1, labelsPerCurator, splitRng, c => Labellers.Honest(c, 0.8, splitRng));
        var half = whole.Count / 2;
        var first = new Curator(s1, Strategy.Split, whole[..half]);
        var second = new Curator(s2, Strategy.Split, Draw(s2, whole.Count - half, splitRng, c => Labellers.Honest(c, 0.8, splitRng)));
        var oneAddress = new Curator(s1, Strategy.Split, whole);
        full.AddRange([first, second]);

        List<Curator> Without(params Curator[] gone) => [.. full.Where(c => !gone.Contains(c))];
        var variants = new List<Variant>
        {
            new("full", full),
            new("without copy identical", Without(copyIdentical)),
            new("without copy 5% changed", Without(copyChanged)),
            new("without copy filtered", Without(copyFiltered)),
            new("split at one address", [.. Without(first, second), oneAddress]),
        };
        var pairs = new List<PairCheck>
        {
            new(Strategy.CopyIdentical.Name, original[0].Address, copyIdentical.Address, 1),
            new(Strategy.CopyChanged.Name, original[1].Address, copyChanged.Address, 2),
            new(Strategy.CopyFiltered.Name, original[2].Address, copyFiltered.Address, 3),
            new("split over 2 addresses", s1, s2, 4),
        };

        if (full.Select(c => c.Address).Distinct(StringComparer.Ordinal).Count() != full.Count)
        {
            throw new InvalidOperationException($"market {marketId}: two curators share an address");
        }

        return new Market(marketId, data.Name, [.. pool.Select(c => c.Task)], [.. gold.Select(c => c.Gold)], goldHash, variants, pairs);
    }

    private static byte[] Keccak(string text) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
}
