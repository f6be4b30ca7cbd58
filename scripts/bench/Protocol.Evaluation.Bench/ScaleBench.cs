using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nethereum.Util;
using Protocol.Core.Hashing;
using Protocol.Evaluation;
using Protocol.Evaluation.InRun;

/// <summary>
/// evaluation-bench --scale 1000,10000,50000 [--spec NAME|FILE ...] [--labels 100] [--pool 100000] [--v1-budget 600] [--dense 384,4096]:
/// markets of N simulated curators × L labels over a pool built from UKPConvArg1 arguments (pairs of two arguments
/// of the same debate), gold = the UKPConvArg1 gold set. Prints time, labels/s and memory per spec and size; v1 runs
/// until its budget and, when it does not finish, its time is extrapolated from the share of trainings done. With --dense
/// (or a committed-features spec among --spec) the committed-features specs run the same markets on synthetic rows of
/// each listed dimension, read from a features file on disk.
/// </summary>
internal static class ScaleBench
{
    public static int Run(string[] args, string data)
    {
        var ci = CultureInfo.InvariantCulture;
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var sizes = Arg("--scale", "1000,10000,50000").Split(',').Select(s => int.Parse(s, ci)).ToArray();
        var labelsPer = int.Parse(Arg("--labels", "100"), ci);
        var poolSize = int.Parse(Arg("--pool", "100000"), ci);
        var budget = TimeSpan.FromSeconds(double.Parse(Arg("--v1-budget", "600"), ci));
        var specs = args.Select((a, i) => (a, i)).Where(x => x.a == "--spec" && x.i + 1 < args.Length).Select(x => EvaluationSpecs.Resolve(args[x.i + 1])).ToList();
        if (specs.Count == 0)
        {
            specs = [EvaluationSpecs.ByName("bt-shapley-v1")!, EvaluationSpecs.ByName("bt-inrun-v2-open")!, EvaluationSpecs.Default];
        }

        // Committed-features specs run on synthetic rows, once per --dense dims; n-gram specs as before.
        var dims = Arg("--dense", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, ci)).ToArray();
        var denseSpecs = specs.Where(s => s.Features == FeatureKind.Committed).ToList();
        specs = [.. specs.Where(s => s.Features == FeatureKind.NGrams)];
        if (dims.Length > 0 && denseSpecs.Count == 0)
        {
            denseSpecs = [EvaluationSpecs.ByName("bt-inrun-v2-features-open")!, EvaluationSpecs.ByName("bt-inrun-v2-features")!];
        }
        else if (dims.Length == 0 && denseSpecs.Count > 0)
        {
            dims = [384];
        }

        var ukp = UkpConvArg1.Load(data);
        var pool = Pool(ukp, poolSize);
        Console.WriteLine($"scale benchmark: {Environment.ProcessorCount} logical CPUs; pool {pool.Count:N0} comparisons (pairs of UKPConvArg1 arguments), gold {ukp.Input.Gold.Count:N0}; {labelsPer} labels per curator");
        Console.WriteLine("| spec | curators | labels | wall | labels/s | peak heap during the run | process peak RSS | note |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var spec in specs)
        {
            foreach (var n in sizes)
            {
                Console.WriteLine(Measure(spec, Market(ukp, pool, spec, n, labelsPer), n, budget, dense: null));
            }
        }

        foreach (var dim in dims)
        {
            using var features = SyntheticFeatures.WriteAsync(pool, ukp.Input.Gold, dim).GetAwaiter().GetResult();
            foreach (var spec in denseSpecs)
            {
                foreach (var n in sizes)
                {
                    var input = Market(ukp, pool, spec, n, labelsPer) with { Features = features.Features };
                    Console.WriteLine(Measure(spec, input, n, budget, dense: (dim, features.Bytes)));
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// One evaluation timed, with the managed heap and the working set sampled while it runs; one table row. Dense rows
    /// also name the dims and the working set's peak during the run (the process peak RSS column never falls, so after
    /// a large run it says nothing about a smaller one).
    /// </summary>
    private static string Measure(EvaluationSpec spec, MarketInput input, int n, TimeSpan budget, (int Dim, long FileBytes)? dense)
    {
        var ci = CultureInfo.InvariantCulture;
        var labels = input.Curators.Sum(c => c.Labels.Count);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var baseline = GC.GetTotalMemory(true);
        long peak = 0;
        long workingSet = 0;
        using var self = Process.GetCurrentProcess();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
                self.Refresh();
                workingSet = Math.Max(workingSet, self.WorkingSet64);
                await Task.Delay(20).ConfigureAwait(false);
            }
        });
        var done = 0L;
        var total = 1L;
        var progress = new SyncProgress(p => (done, total) = (p.TrainingsDone, Math.Max(1, p.TrainingsTotal)));
        using var cancel = new CancellationTokenSource(spec.Method == AttributionMethod.InRun ? Timeout.InfiniteTimeSpan : budget);
        var clock = Stopwatch.StartNew();
        string note;
        try
        {
            var r = EvaluationEngine.Evaluate(spec, input, new EvaluationOptions { Backend = EvaluationBackend.Cpu }, progress, cancel.Token);
            note = $"gold accuracy {r.Metrics.GoldAccuracy:F3}, {r.Metrics.ValidCurators:N0} valid";
        }
        catch (ArgumentException e)
        {
            note = $"refused: {e.Message}";
        }
        catch (OperationCanceledException)
        {
            // TMC trains the prefixes of all permutations side by side, smallest first, and a prefix of k curators
            // costs about k times a one-curator training: the share of the work done is the square of the share of trainings.
            var share = (double)done / total;
            note = $"stopped after {budget.TotalMinutes:F1} min at {done:N0}/{total:N0} trainings: about {clock.Elapsed.TotalSeconds / Math.Max(share * share, 1e-12) / 3600:F0} h in all (work grows with prefix size)";
        }

        var seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        sampler.Wait();
        var finished = !note.StartsWith("stopped", StringComparison.Ordinal) && !note.StartsWith("refused", StringComparison.Ordinal);
        if (dense is var (dim, fileBytes))
        {
            note = string.Create(ci, $"committed features, {dim:N0} dims (task pool file {fileBytes / 1e6:F0} MB, streamed); peak working set during the run {workingSet / 1e6:F0} MB; {note}");
        }

        return string.Create(ci, $"| {spec.Name} | {n:N0} | {labels:N0} | {(finished ? $"{seconds:F1} s" : $"> {seconds:F0} s")} | {(finished ? (labels / seconds).ToString("N0", ci) : "-")} | {peak / 1e6:F0} MB | {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB | {note} |");
    }

    /// <summary>Comparisons of two arguments from the same debate and stance file (the prompt), deterministic.</summary>
    private static List<TaskItem> Pool(UkpConvArg1 ukp, int size)
    {
        var byPrompt = ukp.Input.TaskPool.GroupBy(t => t.Prompt).Select(g => g.SelectMany(t => new[] { t.A, t.B }).Distinct().ToArray()).ToArray();
        var rng = new Random(5);
        var pool = new List<TaskItem>(size);
        for (var i = 0; i < size; i++)
        {
            var texts = byPrompt[i % byPrompt.Length];
            var (a, b) = (texts[rng.Next(texts.Length)], texts[rng.Next(texts.Length)]);
            pool.Add(new TaskItem($"scale-{i}", ukp.Input.TaskPool[i % ukp.Input.TaskPool.Count].Prompt, a, b));
        }

        return pool;
    }

    /// <summary>n curators labelling L items each (among their assigned items when the spec assigns), "longer" with probability p.</summary>
    private static MarketInput Market(UkpConvArg1 ukp, List<TaskItem> pool, EvaluationSpec spec, int n, int labelsPer)
    {
        var assignment = new ItemAssignment(ukp.Input.MarketId, spec.InRun?.AssignedSharePpm ?? 1_000_000);
        var curators = new CuratorLabels[n];
        Parallel.For(0, n, c =>
        {
            var rng = new Random(c);
            var address = "0x" + Convert.ToHexStringLower(new Sha3Keccack().CalculateHash(Encoding.UTF8.GetBytes($"scale:{c}")).AsSpan(12));
            var p = 0.5 + (rng.NextDouble() * 0.45);
            var chosen = new HashSet<int>();
            var labels = new List<Label>(labelsPer);
            while (labels.Count < labelsPer && chosen.Count < pool.Count)
            {
                var i = rng.Next(pool.Count);
                if (chosen.Add(i) && assignment.IsAssigned(address, pool[i].Id))
                {
                    var longer = pool[i].A.Length >= pool[i].B.Length;
                    labels.Add(new Label(pool[i].Id, (rng.NextDouble() < p) == longer ? Preference.A : Preference.B));
                }
            }

            curators[c] = new CuratorLabels(address, labels);
        });
        return ukp.Input with { TaskPool = pool, Curators = curators };
    }

    private sealed class SyncProgress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }
}

/// <summary>
/// Features files of synthetic rows for the scale benchmark's dense case: written with FeaturesFile.WriteAsync to a
/// temporary file and opened with FeaturesReader.Open, so the engine streams them from disk as it would a sponsor's
/// file. Entries have the spread of a difference of two unit vectors (sd √(2/dim), at 2^−14) and entry 0 also
/// carries the sign of the length difference, so the training run has a signal to follow, as n-grams have length.
/// </summary>
internal sealed class SyntheticFeatures : IDisposable
{
    private const int ScaleBits = 14;
    private readonly string folder;

    private SyntheticFeatures(string folder, CommittedFeatures features, long bytes)
    {
        this.folder = folder;
        Features = features;
        Bytes = bytes;
    }

    public CommittedFeatures Features { get; }

    /// <summary>Size of the task pool's file.</summary>
    public long Bytes { get; }

    public static async Task<SyntheticFeatures> WriteAsync(IReadOnlyList<TaskItem> pool, IReadOnlyList<GoldItem> gold, int dim)
    {
        var folder = Directory.CreateTempSubdirectory("scale-features-").FullName;
        var tasks = await WriteAsync(Path.Combine(folder, "tasks.features"), "tasks", dim, [.. pool.Select(t => (t.A, t.B))]).ConfigureAwait(false);
        var goldFile = await WriteAsync(Path.Combine(folder, "gold.features"), "gold", dim, [.. gold.Select(g => (g.A, g.B))]).ConfigureAwait(false);
        return new SyntheticFeatures(folder, new CommittedFeatures(FeaturesReader.Open(tasks), FeaturesReader.Open(goldFile)), new FileInfo(tasks).Length);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static async Task<string> WriteAsync(string path, string kind, int dim, (string A, string B)[] pairs)
    {
        var header = new FeaturesHeader(kind, pairs.Length, dim, ScaleBits, Keccak.Hash(Encoding.UTF8.GetBytes($"scale-bench/{kind}/{pairs.Length}/{dim}")), "synthetic", new Dictionary<string, string>(StringComparer.Ordinal) { ["note"] = "scale benchmark" });
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        await FeaturesFile.WriteAsync(stream, header, pairs.Select((p, r) => Row(p.A, p.B, r, dim, kind))).ConfigureAwait(false);
        return path;
    }

    private static short[] Row(string a, string b, int r, int dim, string kind)
    {
        // Uniform on ±√3·sd has standard deviation sd; xorshift per row so rows are reproducible and cheap to make.
        var sd = Math.ScaleB(Math.Sqrt(2.0 / dim), ScaleBits);
        var half = (int)Math.Round(Math.Sqrt(3) * sd);
        var state = (ulong)(((long)r * 2_654_435_761L) + (kind == "gold" ? 1L << 40 : 0L) + dim) | 1;
        var row = new short[dim];
        for (var j = 0; j < dim; j++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            row[j] = (short)((int)(state % (ulong)((2 * half) + 1)) - half);
        }

        row[0] = (short)Math.Clamp(row[0] + (Math.Sign(a.Length - b.Length) * 2 * half), short.MinValue, short.MaxValue);
        return row;
    }
}
