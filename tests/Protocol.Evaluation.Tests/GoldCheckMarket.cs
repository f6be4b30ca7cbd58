using System.Numerics;
using System.Text;
using System.Text.Json;
using Nethereum.Util;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation.InRun;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Tests;

/// <summary>
/// Seeded UKPConvArg1 markets for the gold check (issue 24; docs/evaluation.md "A gold set the labels contradict"),
/// the shape the review measured: truth = the strict majority of the five crowd workers; a market samples 2,500
/// pairs, holds out 15% as gold and pools the rest; 30 honest curators each label 100 of the pool items assigned to
/// their address (bt-inrun-v2's 5% assignment, so every spec accepts the files) with the truth at a probability drawn
/// uniformly from 0.7–0.9; optionally 10 Sybils label the opposite of the truth. The gold set is the truth, or has a
/// share of its prefs flipped (all of them: the inverted gold set of the review).
/// </summary>
internal static class GoldCheckMarket
{
    public const int Pairs = 2_500, Honest = 30, Sybils = 10, LabelsPerCurator = 100;

    private static readonly Lazy<List<(TaskItem Task, Preference Truth)>> Comparisons = new(Load);

    /// <summary>A market's input; <paramref name="flippedGoldShare"/> of the gold prefs flipped (the first ones after the shuffle).</summary>
    public static MarketInput Build(int seed, double flippedGoldShare, bool sybils, int honest = Honest, int labelsPerCurator = LabelsPerCurator, double minP = 0.7, double maxP = 0.9, int sharePpm = 50_000)
    {
        var rng = new Random(seed);
        var shuffled = Comparisons.Value.ToArray();
        rng.Shuffle(shuffled);
        shuffled = shuffled[..Pairs];
        var goldCount = (int)Math.Round(0.15 * Pairs);
        var flipped = (int)Math.Round(flippedGoldShare * goldCount);
        var gold = shuffled[..goldCount].Select((c, i) => new GoldItem(c.Task.Id, c.Task.Prompt, c.Task.A, c.Task.B, i < flipped ? Flip(c.Truth) : c.Truth)).ToList();
        var pool = shuffled[goldCount..];
        var assignment = new ItemAssignment(seed, sharePpm);

        string Address(string role) => "0x" + Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes($"gold-check/{seed}/{role}")).AsSpan(12));
        CuratorLabels Curator(string role, Func<Preference, Random, Preference> label)
        {
            var address = Address(role);
            var r = new Random(rng.Next());
            var items = pool.Where(c => assignment.IsAssigned(address, c.Task.Id)).ToArray();
            r.Shuffle(items);
            return new CuratorLabels(address, [.. items.Take(labelsPerCurator).Select(c => new Label(c.Task.Id, label(c.Truth, r)))]);
        }

        var curators = new List<CuratorLabels>();
        for (var i = 0; i < honest; i++)
        {
            var p = minP + (maxP - minP) * rng.NextDouble();
            curators.Add(Curator($"honest-{i}", (t, r) => r.NextDouble() < p ? t : Flip(t)));
        }

        for (var i = 0; sybils && i < Sybils; i++)
        {
            curators.Add(Curator($"sybil-{i}", (t, _) => Flip(t)));
        }

        var goldHash = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(string.Join('\n', gold.Select(g => g.Id + g.Pref))));
        return new MarketInput(seed, 0, goldHash, [.. pool.Select(c => c.Task)], gold, [.. curators.OrderBy(c => c.Address, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// The share of the pool a spec assigns each address in these markets: bt-inrun-v3's ~100 items (4.7% of the 2,125-item
    /// pool), else v2's 5%, which every other spec accepts.
    /// </summary>
    public static int ShareFor(EvaluationSpec spec) =>
        spec.InRun is { AssignedItems: > 0 } p ? p.ShareFor(Pairs - (int)Math.Round(0.15 * Pairs)) : 50_000;

    /// <summary>
    /// The input as a spec reads it: committed-features specs get features files of the same n-gram integers, under the
    /// model the spec names when it names one (bt-inrun-v3-features-duo).
    /// </summary>
    public static MarketInput For(EvaluationSpec spec, MarketInput input) =>
        spec.Features == FeatureKind.Committed ? input with { Features = NGramFeatures(input, spec.FeaturesModel ?? "fnv-ngrams-4096") } : input;

    public static Preference Flip(Preference p) => p == Preference.A ? Preference.B : Preference.A;

    // Stand-in for the sponsor's committed features (MiniLM embeddings in practice, which need the model files): the
    // n-gram integers bt-inrun-v2 computes, written in the committed-features format, as CommittedFeaturesTests does.
    private static CommittedFeatures NGramFeatures(MarketInput input, string model)
    {
        const int dim = 4096;
        var featuriser = new Featuriser(dim);
        short[] Row(string a, string b) => [.. featuriser.Comparison(a, b).Select(x => checked((short)x))];
        FeaturesReader File(string kind, IEnumerable<short[]> rows, int count) => FeaturesReader.FromBytes(
            FeaturesFile.ToBytes(new FeaturesHeader(kind, count, dim, 15, Keccak.Hash([]), model, new Dictionary<string, string>()), rows), kind);
        return new CommittedFeatures(
            File("tasks", input.TaskPool.Select(t => Row(t.A, t.B)), input.TaskPool.Count),
            File("gold", input.Gold.Select(g => Row(g.A, g.B)), input.Gold.Count));
    }

    private static List<(TaskItem, Preference)> Load()
    {
        var list = new List<(TaskItem, Preference)>();
        foreach (var file in Directory.GetFiles(UkpConvArg1.DataDirectory(RepositoryFiles.Root), "*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file).Where(l => !string.IsNullOrWhiteSpace(l)))
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                if (r.GetProperty("majority") is { ValueKind: JsonValueKind.String } m && m.GetString() is "a" or "b")
                {
                    list.Add((new TaskItem(r.GetProperty("id").GetString()!, r.GetProperty("prompt").GetString()!, r.GetProperty("a").GetString()!, r.GetProperty("b").GetString()!),
                        m.GetString() == "a" ? Preference.A : Preference.B));
                }
            }
        }

        return list;
    }
}
