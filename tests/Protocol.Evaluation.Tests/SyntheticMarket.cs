using System.Numerics;
using System.Text;
using Protocol.Evaluation;

namespace Protocol.Evaluation.Tests;

/// <summary>The kinds of synthetic curators, each with a known quality.</summary>
public enum CuratorKind
{
    Expert,
    Noisy,
    Guesser,
    Flipped,
    Constant,
    Duplicate,
}

/// <summary>
/// A market with a known truth: responses are bags of words from a vocabulary where each word has a hidden
/// value; the better response has the higher total value. Curators label a random subset of the pool.
/// </summary>
public static class SyntheticMarket
{
    public static readonly EvaluationSpec SmallSpec = new()
    {
        Dim = 256,
        Iterations = 40,
        WarmStart = true,
        WarmIterations = 5,
        LearningRate = 4.0,
        L2 = 1e-3,
        Permutations = 16,
        TruncationTolerancePpm = 10_000,
        ExactMaxCurators = 12,
    };

    public static string Address(int i) => "0x" + (0x1000 + (i * 7919)).ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    public static MarketInput Create(IReadOnlyList<CuratorKind> kinds, int seed = 1, int items = 160, int gold = 120, int labelsPerCurator = 60)
    {
        var rng = new Random(seed);
        const int vocabulary = 40;
        var values = new double[vocabulary];
        for (var v = 0; v < vocabulary; v++)
        {
            values[v] = (rng.NextDouble() * 2) - 1;
        }

        (string Text, double Value) Response()
        {
            var sb = new StringBuilder();
            var value = 0.0;
            var len = 6 + rng.Next(6);
            for (var k = 0; k < len; k++)
            {
                var w = rng.Next(vocabulary);
                value += values[w];
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"w{w} ");
            }

            return (sb.ToString(), value);
        }

        var pool = new List<TaskItem>();
        var truth = new List<Preference>();
        for (var i = 0; i < items; i++)
        {
            var a = Response();
            var b = Response();
            pool.Add(new TaskItem($"t{i}", "Which is better?", a.Text, b.Text));
            truth.Add(a.Value >= b.Value ? Preference.A : Preference.B);
        }

        var goldItems = new List<GoldItem>();
        for (var i = 0; i < gold; i++)
        {
            var a = Response();
            var b = Response();
            goldItems.Add(new GoldItem($"g{i}", "Which is better?", a.Text, b.Text, a.Value >= b.Value ? Preference.A : Preference.B));
        }

        var curators = new List<CuratorLabels>();
        List<Label>? firstExpert = null;
        for (var c = 0; c < kinds.Count; c++)
        {
            var chosen = Enumerable.Range(0, items).OrderBy(_ => rng.Next()).Take(labelsPerCurator).OrderBy(i => i).ToList();
            List<Label> labels;
            if (kinds[c] == CuratorKind.Duplicate && firstExpert is not null)
            {
                labels = [.. firstExpert];
            }
            else
            {
                labels = chosen.Select(i => new Label($"t{i}", kinds[c] switch
                {
                    CuratorKind.Expert => rng.NextDouble() < 0.95 ? truth[i] : Flip(truth[i]),
                    CuratorKind.Noisy => rng.NextDouble() < 0.75 ? truth[i] : Flip(truth[i]),
                    CuratorKind.Flipped => rng.NextDouble() < 0.95 ? Flip(truth[i]) : truth[i],
                    CuratorKind.Constant => Preference.A,
                    _ => rng.Next(2) == 0 ? Preference.A : Preference.B,
                })).ToList();
            }

            if (kinds[c] == CuratorKind.Expert)
            {
                firstExpert ??= labels;
            }

            curators.Add(new CuratorLabels(Address(c), labels));
        }

        var goldHash = new byte[32];
        goldHash[31] = (byte)seed;
        return new MarketInput(new BigInteger(7), 0, goldHash, pool, goldItems, curators);
    }

    private static Preference Flip(Preference p) => p == Preference.A ? Preference.B : Preference.A;
}
