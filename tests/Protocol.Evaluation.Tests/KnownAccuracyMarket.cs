using System.Text;
using Nethereum.Util;
using Protocol.Evaluation.InRun;

namespace Protocol.Evaluation.Tests;

/// <summary>
/// Simulated curators of KNOWN accuracy on real comparisons: the UKPConvArg1 task pool and gold set, each curator
/// labelling 100 pool pairs with accuracy p ~ U(0.5, 0.95) against the crowd majority; every 20th curator is
/// adversarial (always the opposite). Curators pick their pairs among the ones the spec assigns them, so the same
/// market works with and without item assignment. Extra heuristic curators label by "the longer answer".
/// </summary>
public sealed class KnownAccuracyMarket
{
    private KnownAccuracyMarket(MarketInput input, Dictionary<string, double> accuracy, HashSet<string> adversarial, HashSet<string> longer)
    {
        Input = input;
        Accuracy = accuracy;
        Adversarial = adversarial;
        Longer = longer;
    }

    public MarketInput Input { get; }

    /// <summary>Honest curators' accuracy p.</summary>
    public Dictionary<string, double> Accuracy { get; }

    public HashSet<string> Adversarial { get; }

    /// <summary>Curators that always prefer the response with more bytes.</summary>
    public HashSet<string> Longer { get; }

    // poolItems, when given, cuts the task pool to its first that many items with a majority: bt-inrun-v3's consensus needs
    // several labels per item, and the whole pool holds 5,329.
    public static KnownAccuracyMarket Create(UkpConvArg1 ukp, int curators, int assignedSharePpm, int longerCurators = 0, int seed = 7, int labels = 100, int? poolItems = null)
    {
        var pool = ukp.Input.TaskPool.Where(t => ukp.PoolMajority.ContainsKey(t.Id)).Take(poolItems ?? int.MaxValue).ToList();
        var assignment = new ItemAssignment(ukp.Input.MarketId, assignedSharePpm);
        var rng = new Random(seed);
        var list = new List<CuratorLabels>();
        var accuracy = new Dictionary<string, double>(StringComparer.Ordinal);
        var adversarial = new HashSet<string>(StringComparer.Ordinal);
        var longer = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < curators + longerCurators; c++)
        {
            var address = "0x" + Convert.ToHexStringLower(new Sha3Keccack().CalculateHash(Encoding.UTF8.GetBytes($"known:{seed}:{c}")).AsSpan(12));
            var items = pool.Where(t => assignment.IsAssigned(address, t.Id)).OrderBy(_ => rng.Next()).Take(labels).ToList();
            Func<TaskItem, Preference> label;
            if (c >= curators)
            {
                longer.Add(address);
                label = t => Encoding.UTF8.GetByteCount(t.A) >= Encoding.UTF8.GetByteCount(t.B) ? Preference.A : Preference.B;
            }
            else if (c % 20 == 19)
            {
                adversarial.Add(address);
                label = t => Flip(ukp.PoolMajority[t.Id]);
            }
            else
            {
                var p = 0.5 + (rng.NextDouble() * 0.45);
                accuracy[address] = p;
                label = t => rng.NextDouble() < p ? ukp.PoolMajority[t.Id] : Flip(ukp.PoolMajority[t.Id]);
            }

            list.Add(new CuratorLabels(address, [.. items.Select(t => new Label(t.Id, label(t)))]));
        }

        var input = poolItems is null ? ukp.Input with { Curators = list } : ukp.Input with { TaskPool = pool, Curators = list };
        return new KnownAccuracyMarket(input, accuracy, adversarial, longer);
    }

    /// <summary>Spearman of value with p over every curator, adversarial ones at p = 0.</summary>
    public double Spearman(EvaluationResult result)
    {
        var rows = result.Curators.Where(c => !Longer.Contains(c.Address)).ToList();
        return UkpConvArg1.Spearman(rows.Select(c => c.Shapley).ToArray(), rows.Select(c => Accuracy.GetValueOrDefault(c.Address)).ToArray());
    }

    /// <summary>Spearman of value with p among the honest curators only.</summary>
    public double SpearmanHonest(EvaluationResult result)
    {
        var rows = result.Curators.Where(c => Accuracy.ContainsKey(c.Address)).ToList();
        return UkpConvArg1.Spearman(rows.Select(c => c.Shapley).ToArray(), rows.Select(c => Accuracy[c.Address]).ToArray());
    }

    public static Preference Flip(Preference p) => p == Preference.A ? Preference.B : Preference.A;
}
