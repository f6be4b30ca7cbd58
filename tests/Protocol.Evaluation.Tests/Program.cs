using System.Globalization;
using Protocol.Evaluation;

namespace Protocol.Evaluation.Tests;

/// <summary>
/// Entry point used when the test assembly runs as a child process (the determinism tests start it with
/// different DOTNET_* settings and compare what it prints).
/// </summary>
public static class Program
{
    private static void Explore(string[] args)
    {
        var kinds = new[]
        {
            CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Guesser, CuratorKind.Flipped, CuratorKind.Constant,
            CuratorKind.Duplicate, CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Noisy, CuratorKind.Guesser,
        };
        var input = SyntheticMarket.Create(kinds, seed: 5, items: int.Parse(args[1], CultureInfo.InvariantCulture), gold: 200, labelsPerCurator: int.Parse(args[2], CultureInfo.InvariantCulture));
        var spec = SyntheticMarket.SmallSpec with
        {
            Iterations = int.Parse(args[3], CultureInfo.InvariantCulture),
            WarmIterations = int.Parse(args[4], CultureInfo.InvariantCulture),
            LearningRate = double.Parse(args[5], CultureInfo.InvariantCulture),
            L2 = double.Parse(args[6], CultureInfo.InvariantCulture),
            Permutations = int.Parse(args[7], CultureInfo.InvariantCulture),
            Method = args[8] switch { "tmc" => AttributionMethod.Tmc, "loo" => AttributionMethod.LeaveOneOut, _ => AttributionMethod.Exact },
            ExactMaxCurators = args[8] == "exact" ? 12 : 0,
            TruncationTolerancePpm = int.Parse(args[9], CultureInfo.InvariantCulture),
        };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = EvaluationEngine.Evaluate(spec, input, new EvaluationOptions { Backend = EvaluationBackend.Cpu });
        Console.WriteLine($"{sw.ElapsedMilliseconds} ms uAll={r.Metrics.UtilityAll:F5} uEmpty={r.Metrics.UtilityEmpty:F5} acc={r.Metrics.GoldAccuracy:F3} trainings={r.Metrics.TrainingsRun} trunc={r.Metrics.Truncations} method={r.Metrics.Method}");
        for (var c = 0; c < kinds.Length; c++)
        {
            var res = r.Curators.Single(x => x.Address == SyntheticMarket.Address(c));
            Console.WriteLine($"{kinds[c],-10} phi={res.Shapley,12:F6} bps={res.ScoreBps}");
        }

        Console.WriteLine($"sum phi={r.Curators.Sum(x => x.Shapley):F6} range={r.Metrics.UtilityAll - r.Metrics.UtilityEmpty:F6}");
    }

    private static void Ukp(string[] args)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var market = UkpConvArg1.Load(UkpConvArg1.DataDirectory(RepositoryFiles.Root));
        Console.WriteLine($"load {sw.ElapsedMilliseconds} ms: {market.Input.Curators.Count} curators, {market.Input.TaskPool.Count} pool, {market.Input.Gold.Count} gold, {market.Input.Curators.Sum(c => c.Labels.Count)} labels");
        var spec = EvaluationSpec.Load(RepositoryFiles.SpecPath) with
        {
            Iterations = int.Parse(args[1], CultureInfo.InvariantCulture),
            WarmIterations = int.Parse(args[2], CultureInfo.InvariantCulture),
            LearningRate = double.Parse(args[3], CultureInfo.InvariantCulture),
            L2 = double.Parse(args[4], CultureInfo.InvariantCulture),
            Permutations = int.Parse(args[5], CultureInfo.InvariantCulture),
            TruncationTolerancePpm = int.Parse(args[6], CultureInfo.InvariantCulture),
            Method = args.Length > 7 && args[7] == "loo" ? AttributionMethod.LeaveOneOut : AttributionMethod.Tmc,
            WarmStart = !(args.Length > 7 && args[7] == "cold"),
        };
        sw.Restart();
        var input = market.Input with { MarketId = int.Parse(Environment.GetEnvironmentVariable("UKP_MARKET") ?? "1", CultureInfo.InvariantCulture) };
        var r = EvaluationEngine.Evaluate(spec, input, new EvaluationOptions { Backend = EvaluationBackend.Cpu });
        var s = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"{s:F1} s uAll={r.Metrics.UtilityAll:F5} acc={r.Metrics.GoldAccuracy:F4} trainings={r.Metrics.TrainingsRun} trunc={r.Metrics.Truncations} items={r.Metrics.LabelledItems} labels={r.Metrics.Labels} GMAC/s={r.Metrics.MultiplyAdds / s / 1e9:F2} denseGFLOP/s={r.Metrics.DenseFlops / s / 1e9:F1}");
        Console.WriteLine($"spearman={market.Spearman(r):F3} auroc={market.Auroc(r):F3} {market.Summary(r)}");
        Console.WriteLine(r.ResultHash());
        var dump = Environment.GetEnvironmentVariable("UKP_DUMP");
        if (!string.IsNullOrEmpty(dump))
        {
            File.WriteAllLines(dump, r.Curators.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Address}\t{market.Kind[c.Address]}\t{c.LabelCount}\t{c.Shapley:R}\t{(market.Agreement.TryGetValue(c.Address, out var a) ? a : -1):R}")));
        }
    }

    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        switch (args.FirstOrDefault())
        {
            case "sample":
                var threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
                Console.WriteLine("determinism sample (v1, then v2)");
                Console.Write(DeterminismSample.Text(threads));
                Console.WriteLine($"vector={System.Numerics.Vector<byte>.Count * 8} avx2={System.Runtime.Intrinsics.X86.Avx2.IsSupported} avx512={System.Runtime.Intrinsics.X86.Avx512F.IsSupported}");
                return 0;
            case "explore":
                Explore(args);
                return 0;
            case "ukp":
                Ukp(args);
                return 0;
            case "sigmoid-hash":
                Console.WriteLine(EvaluationSpec.SigmoidTableHash());
                return 0;
            default:
                Console.Error.WriteLine("usage: Protocol.Evaluation.Tests sample [threads] | sigmoid-hash");
                Console.Error.WriteLine("  developer tools: explore ITEMS LABELS ITER WARM LR L2 PERMS exact|tmc|loo TOLPPM (synthetic market);");
                Console.Error.WriteLine("  ukp ITER WARM LR L2 PERMS TOLPPM [loo|cold] (UKPConvArg1; UKP_DUMP=file.tsv, UKP_MARKET=id)");
                return 2;
        }
    }
}

/// <summary>
/// The small evaluations that the determinism matrix compares: v1 (TMC with truncation, 14 curators) and v2 (the
/// default spec's arithmetic, neutralisation included, with every item open so the synthetic curators stay valid).
/// </summary>
public static class DeterminismSample
{
    /// <summary>Both evaluations' canonical text, v1 then v2.</summary>
    public static string Text(int threads) => Run(threads).ToCanonicalText() + RunInRun(threads).ToCanonicalText();

    public static EvaluationResult RunInRun(int threads)
    {
        var kinds = new[]
        {
            CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Guesser, CuratorKind.Flipped, CuratorKind.Constant,
            CuratorKind.Duplicate, CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Noisy, CuratorKind.Guesser,
            CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Flipped, CuratorKind.Noisy, CuratorKind.Expert, CuratorKind.Noisy,
        };
        var input = SyntheticMarket.Create(kinds, seed: 4, items: 400, gold: 150, labelsPerCurator: 80);
        var v2 = EvaluationSpecs.ByName("bt-inrun-v2")!;
        var spec = v2 with { InRun = v2.InRun! with { AssignedSharePpm = 1_000_000 } };
        return EvaluationEngine.Evaluate(spec, input, new EvaluationOptions { MaxThreads = threads });
    }

    public static EvaluationResult Run(int threads, EvaluationBackend backend = EvaluationBackend.Cpu)
    {
        var kinds = new[]
        {
            CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Guesser, CuratorKind.Flipped, CuratorKind.Constant,
            CuratorKind.Duplicate, CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Noisy, CuratorKind.Guesser,
            CuratorKind.Expert, CuratorKind.Noisy, CuratorKind.Flipped, CuratorKind.Noisy,
        };
        var input = SyntheticMarket.Create(kinds, seed: 3, items: 120, gold: 80, labelsPerCurator: 40);
        var spec = SyntheticMarket.SmallSpec with { Permutations = 6, WarmIterations = 3, Iterations = 20 };
        return EvaluationEngine.Evaluate(spec, input, new EvaluationOptions { Backend = backend, MaxThreads = threads });
    }
}
