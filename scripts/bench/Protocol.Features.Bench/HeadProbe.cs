using System.Globalization;
using Protocol.Embeddings;

namespace Protocol.Features.Bench;

/// <summary>
/// features-bench --heads: what each ingredient of a stronger head adds, measured outside the engine (double precision,
/// no market): per dataset, 5 seeds of a fresh 85/15 split, a head trained on the 85% with the true labels ("clean") or
/// with each label right with probability p ~ U(0.5, 0.95) ("noisy", the known-accuracy markets' curators), and its
/// accuracy on the 15%. Features: MiniLM or arctic-xs response differences, both side by side, and either with prompt
/// interactions (e(prompt) ⊙ (e(a) − e(b)), the prompt's last human turn). Heads: v2's schedule (50 full-batch steps at
/// learning rate 8 from zero), logistic regression run to convergence (Adam, L2 0.01), and a 32-unit tanh MLP on the
/// difference (on HH-RLHF and PandaLM only: on UKPConvArg1's 6,311 pairs it takes minutes per seed). Only the heads that win here are worth exact integer arithmetic in a spec (docs/evaluation.md).
/// </summary>
internal static class HeadProbe
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static int Run(string dataDir, string cacheDir, TextWriter output)
    {
        var sets = new[]
        {
            Datasets.UkpConvArg1(Path.Combine(dataDir, "ukpconvarg1")),
            Datasets.HhRlhf(Path.Combine(dataDir, "hh-rlhf", "hh-rlhf-harmless-test.jsonl")),
            Datasets.PandaLm(Path.Combine(dataDir, "pandalm", "pandalm-testset.jsonl")),
        };
        output.WriteLine("| dataset | labels | features | v2 schedule | converged L2 | MLP 32 |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var data in sets)
        {
            var comparisons = data.Comparisons;
            var texts = comparisons.SelectMany(c => new[] { c.A, c.B, LastTurn(c.Prompt) }).Distinct(StringComparer.Ordinal).ToList();
            var index = texts.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
            var mini = Vectors(cacheDir, data.Name, "minilm", texts);
            var arctic = Vectors(cacheDir, data.Name, "arctic-xs", texts);
            double[] Diff(float[][] e, Comparison c) => [.. e[index[c.A]].Zip(e[index[c.B]], (x, y) => (double)x - y)];
            double[] Prompted(float[][] e, Comparison c)
            {
                var d = Diff(e, c);
                var p = e[index[LastTurn(c.Prompt)]];
                return [.. d, .. d.Select((x, j) => 10 * x * p[j])]; // ×10: the products of two unit vectors' entries are small
            }

            var features = new (string Name, double[][] X, bool Mlp)[]
            {
                ("MiniLM", [.. comparisons.Select(c => Diff(mini, c))], comparisons.Count <= 3_000), // the MLP: minutes per seed on UKPConvArg1
                ("arctic-xs", [.. comparisons.Select(c => Diff(arctic, c))], false),
                ("both", [.. comparisons.Select(c => Diff(mini, c).Concat(Diff(arctic, c)).ToArray())], false),
                ("MiniLM + prompt", [.. comparisons.Select(c => Prompted(mini, c))], false),
                ("both + prompt", [.. comparisons.Select(c => Prompted(mini, c).Concat(Prompted(arctic, c)).ToArray())], false),
            };
            var y = comparisons.Select(c => c.Truth == Preference.A ? 1.0 : 0.0).ToArray();
            foreach (var noisy in new[] { false, true })
            {
                foreach (var (name, x, mlp) in features)
                {
                    var cells = new List<string>();
                    foreach (var head in new[] { "v2", "converged", "mlp" })
                    {
                        if (head == "mlp" && !mlp)
                        {
                            cells.Add("");
                            continue;
                        }

                        var accuracy = Stats.Of(Enumerable.Range(1, 5).Select(seed => HeldOut(x, y, seed, noisy, head)));
                        cells.Add(string.Create(Ci, $"{accuracy.Mean:F3} ± {accuracy.Sd:F3}"));
                    }

                    output.WriteLine($"| {data.Name} | {(noisy ? "noisy" : "clean")} | {name} | {string.Join(" | ", cells)} |");
                }
            }
        }

        return 0;
    }

    private static string LastTurn(string prompt)
    {
        var k = prompt.LastIndexOf("Human:", StringComparison.Ordinal);
        return k >= 0 ? prompt[k..] : prompt;
    }

    /// <summary>Each distinct text's vector under one packaged model, cached as raw floats beside the features cache.</summary>
    private static float[][] Vectors(string cacheDir, string dataset, string model, List<string> texts)
    {
        var path = Path.Combine(cacheDir, "heads", $"{dataset}-{model}-{texts.Count}.f32");
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"{dataset}: embedding {texts.Count:N0} texts with {model}");
            using var embedder = PackagedEmbedders.Load(model, MiniLmOptions.ForThreads(Environment.ProcessorCount));
            var vectors = embedder.Embed(texts, null);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [.. vectors.SelectMany(v => v).SelectMany(BitConverter.GetBytes)]);
        }

        var bytes = File.ReadAllBytes(path);
        var dim = bytes.Length / 4 / texts.Count;
        return [.. Enumerable.Range(0, texts.Count).Select(i => Enumerable.Range(0, dim).Select(j => BitConverter.ToSingle(bytes, ((i * dim) + j) * 4)).ToArray())];
    }

    private static double HeldOut(double[][] x, double[] y, int seed, bool noisy, string head)
    {
        var rng = new Random(seed);
        var order = Enumerable.Range(0, x.Length).ToArray();
        rng.Shuffle(order);
        var test = order[..(x.Length * 15 / 100)];
        var train = order[test.Length..];
        var labels = train.Select(i => noisy && rng.NextDouble() > 0.5 + (0.45 * rng.NextDouble()) ? 1 - y[i] : y[i]).ToArray();
        var rows = train.Select(i => x[i]).ToArray();
        Func<double[], double> score = head switch
        {
            "v2" => Linear(rows, labels, l2: 0, steps: 50, adam: false),
            "converged" => Linear(rows, labels, l2: 0.01, steps: 400, adam: true),
            _ => Mlp(rows, labels, hidden: 32, seed),
        };
        return test.Average(i => (score(x[i]) > 0 ? 1.0 : 0.0) == y[i] ? 1.0 : 0.0);
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Dot(double[] a, double[] b)
    {
        var s = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            s += a[j] * b[j];
        }

        return s;
    }

    /// <summary>Bradley–Terry on the difference, no bias: plain steps at learning rate 8 (v2's), or Adam to convergence.</summary>
    private static Func<double[], double> Linear(double[][] x, double[] y, double l2, int steps, bool adam)
    {
        var d = x[0].Length;
        var (w, m, v) = (new double[d], new double[d], new double[d]);
        for (var t = 1; t <= steps; t++)
        {
            var g = new double[d];
            for (var i = 0; i < x.Length; i++)
            {
                var r = Sigmoid(Dot(w, x[i])) - y[i];
                for (var j = 0; j < d; j++)
                {
                    g[j] += r * x[i][j];
                }
            }

            for (var j = 0; j < d; j++)
            {
                g[j] = (g[j] / x.Length) + (l2 * w[j]);
                if (!adam)
                {
                    w[j] -= 8 * g[j];
                    continue;
                }

                m[j] = (0.9 * m[j]) + (0.1 * g[j]);
                v[j] = (0.999 * v[j]) + (0.001 * g[j] * g[j]);
                w[j] -= 0.01 * (m[j] / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v[j] / (1 - Math.Pow(0.999, t))) + 1e-8);
            }
        }

        return row => Dot(w, row);
    }

    /// <summary>margin = v · tanh(W x): odd in x, so swapping a and b flips it, as Bradley–Terry needs. Adam, 300 steps.</summary>
    private static Func<double[], double> Mlp(double[][] x, double[] y, int hidden, int seed)
    {
        var rng = new Random(seed * 7919);
        var d = x[0].Length;
        var w = new double[hidden][];
        var v = new double[hidden];
        for (var k = 0; k < hidden; k++)
        {
            v[k] = (rng.NextDouble() - 0.5) * 0.2;
            w[k] = [.. Enumerable.Range(0, d).Select(_ => (rng.NextDouble() - 0.5) * 6 / Math.Sqrt(d))];
        }

        var (mw, vw) = (Enumerable.Range(0, hidden).Select(_ => new double[d]).ToArray(), Enumerable.Range(0, hidden).Select(_ => new double[d]).ToArray());
        var (mv, vv) = (new double[hidden], new double[hidden]);
        double Forward(double[] row, double[] a)
        {
            var z = 0.0;
            for (var k = 0; k < hidden; k++)
            {
                a[k] = Math.Tanh(Dot(w[k], row));
                z += v[k] * a[k];
            }

            return z;
        }

        void Adam(ref double p, ref double m, ref double s, double g, int t)
        {
            g += 1e-3 * p;
            m = (0.9 * m) + (0.1 * g);
            s = (0.999 * s) + (0.001 * g * g);
            p -= 0.01 * (m / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(s / (1 - Math.Pow(0.999, t))) + 1e-8);
        }

        var act = new double[hidden];
        for (var t = 1; t <= 300; t++)
        {
            var gw = Enumerable.Range(0, hidden).Select(_ => new double[d]).ToArray();
            var gv = new double[hidden];
            for (var i = 0; i < x.Length; i++)
            {
                var r = Sigmoid(Forward(x[i], act)) - y[i];
                for (var k = 0; k < hidden; k++)
                {
                    gv[k] += r * act[k];
                    var q = r * v[k] * (1 - (act[k] * act[k]));
                    for (var j = 0; j < d; j++)
                    {
                        gw[k][j] += q * x[i][j];
                    }
                }
            }

            for (var k = 0; k < hidden; k++)
            {
                Adam(ref v[k], ref mv[k], ref vv[k], gv[k] / x.Length, t);
                for (var j = 0; j < d; j++)
                {
                    Adam(ref w[k][j], ref mw[k][j], ref vw[k][j], gw[k][j] / x.Length, t);
                }
            }
        }

        return row => Forward(row, new double[hidden]);
    }
}
