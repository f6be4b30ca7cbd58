using System.Globalization;
using System.Text.Json;

namespace Protocol.Features.Bench;

/// <summary>The printed tables, the goal line and out/bench/features.json.</summary>
internal sealed class Report(IReadOnlyList<DatasetResult> results, int seeds, int curators, int labels, string settings)
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    // A Spearman over equal values is NaN; write it rather than fail.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Print(TextWriter w)
    {
        w.WriteLine(settings);
        foreach (var r in results)
        {
            PrintDataset(w, r);
        }

        w.WriteLine();
        w.WriteLine(GoalLine());
    }

    /// <summary>
    /// HH-RLHF is where the bag-of-words signal is nearly a coin (docs/evaluation.md); MiniLM beats n-grams when each
    /// MiniLM spec has the higher mean gold accuracy and mean Spearman than the n-gram spec with the same item rule.
    /// </summary>
    public string GoalLine()
    {
        var hh = results.FirstOrDefault(r => r.Data.Name == "HH-RLHF");
        if (hh is null)
        {
            return "HH-RLHF: not run";
        }

        var pairs = new[] { ("v2 MiniLM open", "v2 n-grams open"), ("v2 MiniLM", "v2 n-grams") };
        var beats = pairs.All(p => hh.Of(p.Item1).Accuracy.Mean > hh.Of(p.Item2).Accuracy.Mean && hh.Of(p.Item1).Spearman.Mean > hh.Of(p.Item2).Spearman.Mean);
        var figures = string.Join("; ", pairs.Select(p => string.Create(Ci,
            $"{p.Item1} vs {p.Item2}: gold accuracy {hh.Of(p.Item1).Accuracy.Mean:F3} vs {hh.Of(p.Item2).Accuracy.Mean:F3}, Spearman {hh.Of(p.Item1).Spearman.Mean:F3} vs {hh.Of(p.Item2).Spearman.Mean:F3}")));
        var v1 = hh.Of("v1 n-grams");
        return string.Create(Ci, $"HH-RLHF: MiniLM beats n-grams in gold accuracy and Spearman: {(beats ? "yes" : "no")} ({figures}; v1 n-grams {v1.Accuracy.Mean:F3}, {v1.Spearman.Mean:F3}; means over {seeds} seeds)");
    }

    private void PrintDataset(TextWriter w, DatasetResult r)
    {
        var assigned = Stats.Of(r.AssignedLabels.Select(n => (double)n));
        w.WriteLine();
        w.WriteLine(string.Create(Ci, $"== {r.Data.Name}: {r.Data.Comparisons.Count:N0} comparisons with a truth ({r.Data.Dropped:N0} without one dropped); per seed pool {r.Pool:N0}, gold {r.Gold:N0}; {curators} honest curators, p ~ U(0.5, 0.95), {labels} labels each from the pool; MiniLM features {(r.EmbedSeconds > 0 ? $"embedded in {r.EmbedSeconds:F0} s" : "from the cache")}"));
        if (assigned.Min < labels)
        {
            w.WriteLine(string.Create(Ci, $"   pool too small for {labels} assigned labels: an address is assigned 5% of {r.Pool:N0} items, so the assigned specs (v2 n-grams, v2 MiniLM) see {assigned.Mean:F1} labels per curator (min {assigned.Min:F0}, max {assigned.Max:F0}); the open specs see {labels}"));
        }

        w.WriteLine($"| spec | document | labels / curator | gold accuracy | Spearman(value, p), honest | s / evaluation |");
        w.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var s in r.Specs)
        {
            var spec = s.Spec.Spec;
            var doc = spec.Method == Protocol.Evaluation.AttributionMethod.InRun ? spec.Name : $"{spec.Name} ({spec.Permutations} permutations)";
            w.WriteLine(string.Create(Ci, $"| {s.Spec.Label} | {doc} | {s.LabelsPerCurator(curators).Mean:F1} | {Pm(s.Accuracy)} | {Pm(s.Spearman)} | {s.Seconds.Mean:F2} |"));
        }

        if (r.Crowd.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"   {r.Data.Name} real crowd ({r.Crowd[0].Workers} workers with their own labels + 9 injected bad curators; quality = agreement with the other workers' majority; fixed gold split of UkpConvArg1.cs):");
            w.WriteLine("| spec | document | Spearman(value per label, quality) | Spearman(total value, quality) | AUROC crowd vs injected | gold accuracy | workers at ±10000 | s |");
            w.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var c in r.Crowd)
            {
                w.WriteLine(string.Create(Ci, $"| {c.Label} | {c.Spec} | {c.SpearmanPerLabel:F3} | {c.SpearmanTotal:F3} | {c.Auroc:F3} | {c.GoldAccuracy:F3} | {c.Saturated} of {c.Workers} | {c.Seconds:F2} |"));
            }
        }

        w.WriteLine();
        var crowd = r.Grid.Any(g => g.Crowd is not null);
        w.WriteLine($"   hyperparameters of bt-inrun-v2-features-open on {r.Data.Name} (open labels, mean ± sd over {seeds} seeds{(crowd ? "; crowd = the real crowd's Spearman per label" : "")}):");
        w.WriteLine($"| learning rate | iterations | gold accuracy | Spearman(value, p), honest |{(crowd ? " crowd Spearman per label | crowd gold accuracy |" : "")} s / evaluation |");
        w.WriteLine($"| --- | --- | --- | --- |{(crowd ? " --- | --- |" : "")} --- |");
        foreach (var g in r.Grid)
        {
            var c = g.Crowd is { } f ? string.Create(Ci, $" {f.SpearmanPerLabel:F3} | {f.GoldAccuracy:F3} |") : "";
            w.WriteLine(string.Create(Ci, $"| {g.LearningRate:0.##} | {g.Iterations} | {Pm(g.Accuracy)} | {Pm(g.Spearman)} |{c} {g.Seconds.Mean:F2} |"));
        }
    }

    private static string Pm(Stats s) => string.Create(Ci, $"{s.Mean:F3} ± {s.Sd:F3}");

    public void WriteJson(string path, double wallSeconds)
    {
        static object Figures(Stats s) => new { mean = s.Mean, sd = s.Sd, min = s.Min, max = s.Max, n = s.N };
        var doc = new
        {
            settings,
            seeds,
            curators,
            labelsPerCurator = labels,
            wallSeconds,
            goal = GoalLine(),
            datasets = results.Select(r => new
            {
                name = r.Data.Name,
                comparisons = r.Data.Comparisons.Count,
                pool = r.Pool,
                gold = r.Gold,
                embedSeconds = r.EmbedSeconds,
                assignedLabelsPerCurator = Figures(Stats.Of(r.AssignedLabels.Select(n => (double)n))),
                specs = r.Specs.Select(s => new
                {
                    label = s.Spec.Label,
                    spec = s.Spec.Spec.Name,
                    specHash = s.Spec.Spec.Hash,
                    permutations = s.Spec.Spec.Method == Protocol.Evaluation.AttributionMethod.InRun ? (int?)null : s.Spec.Spec.Permutations,
                    goldAccuracy = Figures(s.Accuracy),
                    spearmanHonest = Figures(s.Spearman),
                    seconds = Figures(s.Seconds),
                    labelsPerCurator = Figures(s.LabelsPerCurator(curators)),
                    runs = s.Runs,
                }),
                crowd = r.Crowd,
                hyperparameters = new
                {
                    spec = "bt-inrun-v2-features-open",
                    grid = r.Grid.Select(g => new
                    {
                        learningRate = g.LearningRate,
                        iterations = g.Iterations,
                        goldAccuracy = Figures(g.Accuracy),
                        spearmanHonest = Figures(g.Spearman),
                        seconds = Figures(g.Seconds),
                        crowd = g.Crowd,
                        runs = g.Runs,
                    }),
                },
            }),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(doc, JsonOptions));
    }
}
