using System.Text;
using Nethereum.Util;
using Protocol.Evaluation;
using Protocol.Evaluation.InRun;

namespace Protocol.Economics.Bench;

/// <summary>
/// Which label files a spec reads: open specs let every address label any pool item, assigned specs only the
/// items assigned to the address (docs/evaluation.md, "Items assigned per address").
/// </summary>
internal enum Family
{
    Open,
    Assigned,
}

/// <summary>One address's label file and the strategy behind it.</summary>
internal sealed record Curator(string Address, Strategy Strategy, IReadOnlyList<Label> Labels);

/// <summary>The same market with a different set of curators (the full market, or a counterfactual).</summary>
internal sealed record Variant(string Name, IReadOnlyList<Curator> Curators);

/// <summary>
/// A group question: (first + others) profit in the full market against first's profit alone in
/// <paramref name="AloneVariant"/>, the market without the others (or, for a split, with the whole file at the first).
/// </summary>
internal sealed record PairCheck(string Name, string First, IReadOnlyList<string> Others, int AloneVariant);

/// <summary>
/// An address grinder's pick: the heuristic, the address, its assigned items, its proxy score against the median
/// candidate's, and (for the report only: the attacker cannot see it) how often the heuristic is right on its items
/// against the whole pool.
/// </summary>
internal sealed record GrindPick(string Heuristic, string Address, int Items, double Proxy, double MedianProxy, double Right, double PoolRight);

/// <summary>A family's curators: variant 0 is the full market.</summary>
internal sealed record Book(Family Family, IReadOnlyList<Variant> Variants, IReadOnlyList<PairCheck> Pairs, IReadOnlyList<GrindPick> Grinds)
{
    public IReadOnlyList<Curator> Full => Variants[0].Curators;
}

/// <summary>
/// A seeded market: pool, gold, the open book of curators, and one assigned book per share of the pool that an
/// assigned spec gives each address at this pool's size (v2 gives 5%, v3 enough items for 50 labels).
/// </summary>
internal sealed record Market(
    int Id, string Dataset, string PoolName, IReadOnlyList<TaskItem> Pool, IReadOnlyList<GoldItem> Gold, byte[] GoldHash, Book Open, IReadOnlyDictionary<int, Book> Assigned)
{
    /// <summary>The book a spec reads: the open one, or the one at the spec's share of this pool.</summary>
    public Book Book(EconSpec spec) => spec.Family == Family.Open ? Open : Assigned[spec.ShareFor(Pool.Count)];

    public MarketInput Input(Book book, int variant, CommittedFeatures? features) => new(
        Id, 0u, GoldHash, Pool, Gold, [.. book.Variants[variant].Curators.Select(c => new CuratorLabels(c.Address, c.Labels))], features);
}

/// <summary>
/// Builds the seeded markets. Each market has two books of curators over the same pool and gold: on open specs
/// an address draws its labels from the whole pool (a copy or replica is the same file); on assigned specs from
/// the items assigned to its address (a copy or replica keeps only the labels of items also assigned to its own
/// address, since the whole file would be invalid there), and two address grinders join.
/// </summary>
internal sealed class MarketBuilder(int labelsPerCurator, int honestPerLevel, int cartel = 0)
{
    /// <summary>Gold pairs per market, held out from the pool.</summary>
    public const int GoldCount = 150;

    public const int FreeCuratorsPerStrategy = 2;

    /// <summary>A market with its open book and one assigned book per share in <paramref name="shares"/> (ppm).</summary>
    public Market Build(Dataset data, string poolName, int poolSize, int marketId, IEnumerable<int> shares)
    {
        // One generator per market, and one per curator drawn from it, so a market depends on its id alone.
        var rng = new Random(marketId);
        var shuffled = data.Comparisons.ToArray();
        rng.Shuffle(shuffled);
        var gold = shuffled[..GoldCount];
        var pool = shuffled[GoldCount..Math.Min(shuffled.Length, GoldCount + poolSize)];
        var goldHash = Keccak(string.Join('\n', gold.Select(g => g.Id)));
        return new Market(marketId, data.Name, poolName, [.. pool.Select(c => c.Task)], [.. gold.Select(c => c.Gold)], goldHash,
            BuildBook(Family.Open, marketId, pool, 1_000_000), shares.Distinct().ToDictionary(share => share, share => BuildBook(Family.Assigned, marketId, pool, share)));
    }

    private Book BuildBook(Family family, int marketId, Comparison[] pool, int sharePpm)
    {
        // The same seed for every assigned book, so books at different shares differ only by what the share changes.
        var rng = new Random((2 * marketId) + (int)family);
        var assignment = family == Family.Assigned ? new ItemAssignment(marketId, sharePpm) : null;
        bool IsAssigned(string address, string id) => assignment is null || assignment.IsAssigned(address, id);

        string Address(string role) => "0x" + Convert.ToHexStringLower(Keccak($"economics/{marketId}/{role}").AsSpan(12));
        Comparison[] Items(string address) => assignment is null ? [.. pool] : [.. pool.Where(c => assignment.IsAssigned(address, c.Id))];
        List<Label> Draw(string address, int count, Random r, Func<Comparison, Preference> label)
        {
            var items = Items(address);
            r.Shuffle(items);
            return [.. items.Take(count).Select(c => new Label(c.Id, label(c)))];
        }

        Curator Honest(string role, Strategy s, double p, int count)
        {
            var address = Address(role);
            var r = new Random(rng.Next());
            return new Curator(address, s, Draw(address, count, r, c => Labellers.Honest(c, p, r)));
        }

        // A file handed to another address: whole on open specs, filtered to that address's items on assigned ones.
        // An address left with no label submits nothing and is not in the market.
        Curator? Resubmit(string role, Strategy s, IReadOnlyList<Label> labels)
        {
            var address = Address(role);
            List<Label> kept = [.. labels.Where(l => IsAssigned(address, l.Id))];
            return kept.Count == 0 ? null : new Curator(address, s, kept);
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

        var grinds = new List<GrindPick>();
        if (assignment is not null)
        {
            foreach (var (strategy, heuristic, label) in new (Strategy, string, Func<Comparison, Preference>)[]
                     {
                         (Strategy.GroundLonger, "longer", Labellers.Longer),
                         (Strategy.GroundShorter, "shorter", Labellers.Shorter),
                     })
            {
                var (curator, pick) = Grind(strategy, heuristic, label, Address, Items, pool);
                grinds.Add(pick);
                full.Add(curator);
            }
        }

        // The copy: a p=0.8 original and its file at a second address.
        var original = Honest("original", Strategy.Original, 0.8, labelsPerCurator);
        full.Add(original);
        var copy = Resubmit("copy", Strategy.Copy, original.Labels);
        if (copy is not null)
        {
            full.Add(copy);
        }

        // The split person does the same work either way: n labels at one address, or n/2 + n/2 at two
        // (n capped by the first address's items, so a small pool does not hand the split more work).
        var s1 = Address("split-1");
        var s2 = Address("split-2");
        var splitRng = new Random(rng.Next());
        var whole = Draw(s1, labelsPerCurator, splitRng, c => Labellers.Honest(c, 0.8, splitRng));
        var half = whole.Count / 2;
        var first = new Curator(s1, Strategy.Split, whole[..half]);
        List<Label> secondLabels = assignment is null
            ? whole[half..]
            : Draw(s2, whole.Count - half, splitRng, c => Labellers.Honest(c, 0.8, splitRng));
        var second = new Curator(s2, Strategy.Split, secondLabels);
        var oneAddress = new Curator(s1, Strategy.Split, whole);
        full.AddRange([first, second]);

        // Replicas: one p=0.8 source's file from k addresses (the source and k-1 extras).
        var replicas = new List<(int K, Curator Source, List<Curator> Extras)>();
        foreach (var k in Strategy.ReplicaCounts)
        {
            var source = Honest($"replica-{k}-source", Strategy.ReplicaSource, 0.8, labelsPerCurator);
            var extras = Enumerable.Range(1, k - 1).Select(j => Resubmit($"replica-{k}-{j}", Strategy.Replica(k), source.Labels)).OfType<Curator>().ToList();
            full.Add(source);
            full.AddRange(extras);
            replicas.Add((k, source, extras));
        }

        // --cartel N: N addresses labelling by one secret pattern, drawn last from their own seed so that every other
        // curator's labels are the same as without them.
        var cartelRng = new Random((7 * marketId) + 3);
        for (var i = 0; i < cartel; i++)
        {
            var address = Address($"cartel-{i}");
            full.Add(new Curator(address, Strategy.Cartel, Draw(address, labelsPerCurator, new Random(cartelRng.Next()), Labellers.Pattern)));
        }

        // A curator with no item (a tiny pool under assignment) submits nothing.
        full.RemoveAll(c => c.Labels.Count == 0);
        List<Curator> Without(IEnumerable<Curator> gone) => [.. full.Where(c => !gone.Contains(c))];
        var variants = new List<Variant>
        {
            new("full", full),
            new("without the copy", Without(copy is null ? [] : [copy])),
            new("split at one address", [.. Without([first, second]), .. oneAddress.Labels.Count > 0 ? new[] { oneAddress } : []]),
        };
        var pairs = new List<PairCheck>
        {
            new("copy", original.Address, copy is null ? [] : [copy.Address], 1),
            new("split over 2", s1, [s2], 2),
        };
        foreach (var (k, source, extras) in replicas)
        {
            variants.Add(new($"replica x{k} alone", Without(extras)));
            pairs.Add(new($"replicas x{k}", source.Address, [.. extras.Select(e => e.Address)], variants.Count - 1));
        }

        if (full.Select(c => c.Address).Distinct(StringComparer.Ordinal).Count() != full.Count)
        {
            throw new InvalidOperationException($"market {marketId}: two curators share an address");
        }

        return new Book(family, variants, pairs, grinds);
    }

    /// <summary>
    /// Address grinding: of <see cref="Strategy.GrindCandidates"/> fresh addresses keep the one whose assigned items
    /// have the largest share with a large length gap (the proxy: the attacker cannot see the truth, and a length
    /// heuristic is surest where the lengths differ most), ties to more items; then label every assigned item (up
    /// to the label count) by the heuristic.
    /// </summary>
    private (Curator Curator, GrindPick Pick) Grind(
        Strategy strategy, string heuristic, Func<Comparison, Preference> label, Func<string, string> address,
        Func<string, Comparison[]> items, Comparison[] pool)
    {
        var candidates = Enumerable.Range(0, Strategy.GrindCandidates).Select(j =>
        {
            var a = address($"grind-{heuristic}-{j}");
            var mine = items(a);
            var proxy = mine.Length == 0 ? -1 : mine.Count(Labellers.LargeLengthGap) / (double)mine.Length;
            return (Address: a, Items: mine, Proxy: proxy);
        }).ToList();
        var best = candidates.OrderByDescending(c => c.Proxy).ThenByDescending(c => c.Items.Length).First();
        var median = candidates.Select(c => c.Proxy).Order().ElementAt(candidates.Count / 2);
        var labels = best.Items.Take(labelsPerCurator).Select(c => new Label(c.Id, label(c))).ToList();
        double Right(IEnumerable<Comparison> cs) => cs.Any() ? cs.Count(c => label(c) == c.Truth) / (double)cs.Count() : double.NaN;
        var taken = best.Items.Take(labelsPerCurator).ToList();
        return (new Curator(best.Address, strategy, labels),
            new GrindPick(heuristic, best.Address, labels.Count, best.Proxy, median, Right(taken), Right(pool)));
    }

    private static byte[] Keccak(string text) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
}
