using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Protocol.Evaluation;

// evaluation-bench [--data DIR] [--spec NAME|FILE] [--backend cpu|cuda|auto|both] [--permutations N] [--threads N] [--repeat N] [--no-peak]
// Runs the UKPConvArg1 market (docs/evaluation.md) and prints wall time, trainings/s, achieved throughput
// against the measured CPU peak, Spearman and AUROC, and the result hash of each backend.
var ci = CultureInfo.InvariantCulture;
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var baseDir = AppContext.BaseDirectory;
string Find(string relative)
{
    for (var dir = new DirectoryInfo(baseDir); dir is not null; dir = dir.Parent)
    {
        var p = Path.Combine(dir.FullName, relative);
        if (File.Exists(p) || Directory.Exists(p))
        {
            return p;
        }
    }

    return relative;
}

var data = Arg("--data", Find(Path.Combine("data", "ukpconvarg1")));
if (args.Contains("--scale"))
{
    return ScaleBench.Run(args, data);
}

var specPath = Arg("--spec", "bt-shapley-v1");
var backendArg = Arg("--backend", "cpu");
var threads = int.Parse(Arg("--threads", Environment.ProcessorCount.ToString(ci)), ci);
var repeat = int.Parse(Arg("--repeat", "1"), ci);
var spec = EvaluationSpecs.Resolve(specPath);
if (Arg("--permutations", "") is { Length: > 0 } perms)
{
    spec = spec with { Permutations = int.Parse(perms, ci) };
}

Console.WriteLine($"spec {spec.Name} {spec.Hash}: dim {spec.Dim}, iterations {spec.Iterations}, warm start {spec.WarmStart} ({spec.WarmIterations}), lr {spec.LearningRate}, l2 {spec.L2}, permutations {spec.Permutations}, antithetic {spec.Antithetic}, truncation {spec.TruncationTolerancePpm} ppm");
Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {RuntimeInfo()}");
var sw = Stopwatch.StartNew();
var market = UkpConvArg1.Load(data);
Console.WriteLine($"market: {market.Input.Curators.Count} curators ({market.Injected.Count} injected bad), {market.Input.TaskPool.Count} pool pairs, {market.Input.Gold.Count} gold pairs, {market.Input.Curators.Sum(c => c.Labels.Count)} labels; loaded in {sw.Elapsed.TotalSeconds:F1} s");

if (!args.Contains("--no-peak"))
{
    var (intPeak, fmaPeak) = Peak(threads);
    Console.WriteLine($"measured CPU peak ({threads} threads): {intPeak / 1e9:F2} G int64 multiply-adds/s (scalar, the CPU path's operation); {fmaPeak / 1e9:F1} GFLOP/s double FMA (Vector<double>, {Vector<double>.Count} lanes)");
}

var backends = backendArg switch
{
    "both" => new[] { EvaluationBackend.Cpu, EvaluationBackend.Cuda },
    "cuda" => [EvaluationBackend.Cuda],
    "auto" => [EvaluationBackend.Auto],
    "kernel-test" => [EvaluationBackend.KernelTest],
    _ => [EvaluationBackend.Cpu],
};
var wall = new Dictionary<EvaluationBackend, double>();
var hashes = new Dictionary<EvaluationBackend, string>();
foreach (var backend in backends)
{
    for (var r = 0; r < repeat; r++)
    {
        sw.Restart();
        EvaluationResult result;
        try
        {
            var last = 0L;
            var progress = new Progress<EvaluationProgress>(p =>
            {
                if (p.TrainingsDone - last >= p.TrainingsTotal / 10)
                {
                    last = p.TrainingsDone;
                    Console.Error.WriteLine($"  {backend}: {p.TrainingsDone}/{p.TrainingsTotal} trainings, {sw.Elapsed.TotalSeconds:F1} s");
                }
            });
            result = EvaluationEngine.Evaluate(spec, market.Input, new EvaluationOptions { Backend = backend, MaxThreads = threads }, progress);
        }
#pragma warning disable CA1031 // report and go on to the next backend
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.WriteLine($"{backend}: FAILED: {e.GetType().Name}: {e.Message}");
            Console.WriteLine(e);
            continue;
        }

        var s = sw.Elapsed.TotalSeconds;
        var m = result.Metrics;
        wall[backend] = wall.TryGetValue(backend, out var prev) ? Math.Min(prev, s) : s;
        hashes[backend] = result.ResultHash();
        Console.WriteLine($"{backend} [{m.Backend}] run {r + 1}: {s:F2} s wall, method {m.Method}, {m.TrainingsRun} trainings ({m.TrainingsRun / s:F1}/s), {m.Truncations} truncated, " +
            $"{m.MultiplyAdds / s / 1e9:F2} G int64 multiply-adds/s, {m.DenseFlops / s / 1e9:F1} dense-equivalent GFLOP/s");
        Console.WriteLine($"  U(all) {m.UtilityAll:F5}, U(empty) {m.UtilityEmpty:F5}, gold accuracy {m.GoldAccuracy:F4}; Spearman(value, agreement) {market.Spearman(result):F3}; AUROC(crowd vs injected) {market.Auroc(result):F3}");
        Console.WriteLine($"  {market.Summary(result)}");
        Console.WriteLine($"  result hash {hashes[backend]}");
    }
}

if (hashes.Count == 2)
{
    Console.WriteLine($"speed-up cuda/cpu: {wall[EvaluationBackend.Cpu] / wall[EvaluationBackend.Cuda]:F1}x; result hashes {(hashes[EvaluationBackend.Cpu] == hashes[EvaluationBackend.Cuda] ? "MATCH" : "DIFFER")}");
}

return hashes.Count == backends.Length ? 0 : 1;

static string RuntimeInfo() =>
    $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}, AVX-512 {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}";

static (double IntMacs, double Flops) Peak(int threads)
{
    const int n = 50_000_000;
    long IntLoop(int seed)
    {
        // Eight independent multiply-add chains: throughput, not latency.
        long a = seed, b = seed + 1, c = seed + 2, d = seed + 3, e = seed + 4, f = seed + 5, g = seed + 6, h = seed + 7;
        for (var i = 0; i < n / 2; i++)
        {
            a = (a * 3) + i; b = (b * 5) + i; c = (c * 7) + i; d = (d * 11) + i;
            e = (e * 13) + i; f = (f * 17) + i; g = (g * 19) + i; h = (h * 23) + i;
        }

        return a + b + c + d + e + f + g + h;
    }

    double FmaLoop(int seed)
    {
        var x = new Vector<double>(1.0 + seed);
        var acc = new Vector<double>[8];
        for (var k = 0; k < acc.Length; k++)
        {
            acc[k] = new Vector<double>(k);
        }

        var y = new Vector<double>(0.999999);
        for (var i = 0; i < n / 8; i++)
        {
            acc[0] = Vector.FusedMultiplyAdd(acc[0], y, x);
            acc[1] = Vector.FusedMultiplyAdd(acc[1], y, x);
            acc[2] = Vector.FusedMultiplyAdd(acc[2], y, x);
            acc[3] = Vector.FusedMultiplyAdd(acc[3], y, x);
            acc[4] = Vector.FusedMultiplyAdd(acc[4], y, x);
            acc[5] = Vector.FusedMultiplyAdd(acc[5], y, x);
            acc[6] = Vector.FusedMultiplyAdd(acc[6], y, x);
            acc[7] = Vector.FusedMultiplyAdd(acc[7], y, x);
        }

        var s = 0.0;
        foreach (var v in acc)
        {
            s += Vector.Sum(v);
        }

        return s;
    }

    IntLoop(0);
    FmaLoop(0);
    var sw = Stopwatch.StartNew();
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => IntLoop(t));
    var intRate = 4.0 * n * threads / sw.Elapsed.TotalSeconds;
    sw.Restart();
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => FmaLoop(t));
    var flopRate = 2.0 * Vector<double>.Count * 8 * (n / 8) * threads / sw.Elapsed.TotalSeconds;
    return (intRate, flopRate);
}
