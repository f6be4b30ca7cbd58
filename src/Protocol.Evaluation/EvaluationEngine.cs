using System.Numerics;
using Protocol.Evaluation.Attribution;
using Protocol.Evaluation.Backends;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation;

/// <summary>
/// The evaluation engine. bt-shapley-v1: featurise, train Bradley–Terry models on coalitions of curators,
/// measure gold log-likelihood, attribute it by Shapley value, quantise values and scores. bt-inrun-v2
/// (method inrun): one training run, every label valued from its trajectory (<see cref="InRun.InRunEvaluation"/>).
/// </summary>
public static class EvaluationEngine
{
    /// <summary>Denominator floor of the score: 0.001 in units of 2^−32 (rounded half away).</summary>
    public static readonly long MinScoreRange = FixedPoint.RoundHalfAway(Math.ScaleB(0.001, FixedPoint.UtilityBits));

    /// <summary>Evaluates a market. Results are sorted by address; identical on every backend and machine.</summary>
    public static Task<EvaluationResult> EvaluateAsync(
        EvaluationSpec spec,
        MarketInput input,
        EvaluationOptions? options = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        return Task.Run(() => Evaluate(spec, input, options ?? new EvaluationOptions(), progress, cancellationToken), cancellationToken);
    }

    /// <summary>The synchronous form of <see cref="EvaluateAsync"/>.</summary>
    public static EvaluationResult Evaluate(
        EvaluationSpec spec,
        MarketInput input,
        EvaluationOptions options,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        spec.Validated();
        var addresses = NormaliseAddresses(input.Curators);
        if (spec.Method == AttributionMethod.InRun)
        {
            return InRun.InRunEvaluation.Evaluate(spec, input, addresses, options, progress, cancellationToken);
        }

        var reasons = input.Curators.Select(c => c.InvalidReason).ToArray();
        var threads = Math.Max(1, options.MaxThreads);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var market = PreparedMarket.Build(spec, input, reasons, addresses, threads, cancellationToken);
        var seed = PermutationSampler.Seed(input.MarketId, input.Round, input.GoldHash.Span);
        var n = market.CuratorCount;

        var method = spec.Method;
        if (method == AttributionMethod.Tmc && n <= spec.ExactMaxCurators)
        {
            method = AttributionMethod.Exact;
        }
        else if (method == AttributionMethod.Exact && n > spec.ExactMaxCurators)
        {
            method = AttributionMethod.Tmc; // too many to enumerate: the spec's sampling method instead
        }

        var capacity = method switch
        {
            AttributionMethod.Tmc => Math.Min(spec.Permutations, options.MaxBatch),
            AttributionMethod.Exact => Math.Min(1 << n, options.MaxBatch),
            _ => Math.Min(n + 1, options.MaxBatch),
        };
        capacity = Math.Max(1, capacity);
        var prepared = clock.Elapsed.TotalSeconds;
        using var batch = BackendSelector.Create(options, market, capacity, spec.LearningRate, spec.L2);
        var created = clock.Elapsed.TotalSeconds;
        var attributor = new Attributor(batch, spec, progress, threads, cancellationToken);
        var outcome = method switch
        {
            AttributionMethod.Tmc => attributor.Tmc(seed),
            AttributionMethod.Exact => attributor.Exact(),
            _ => attributor.LeaveOneOut(),
        };

        if (Environment.GetEnvironmentVariable("FMP_EVALUATION_PROFILE") == "1")
        {
            Console.Error.WriteLine($"evaluation profile: featurise {prepared:F3} s, backend start {created - prepared:F3} s, attribution {clock.Elapsed.TotalSeconds - created:F3} s (utilities {attributor.UtilitySeconds:F3} s)");
        }

        var range = Math.Max(Math.Abs(outcome.UtilityAll - outcome.UtilityEmpty), MinScoreRange);
        var results = new CuratorResult[input.Curators.Count];
        for (var v = 0; v < n; v++)
        {
            var c = market.ValidCurators[v];
            var num = outcome.Numerators[v];
            var den = outcome.Denominator;
            var micro = (long)FixedPoint.DivRoundHalfAway(num * 1_000_000, den << FixedPoint.UtilityBits);
            var bps = FixedPoint.DivRoundHalfAway(num * n * 10_000, den * range);
            results[c] = new CuratorResult(
                addresses[c],
                true,
                null,
                input.Curators[c].Labels.Count,
                num,
                Math.ScaleB((double)num / (double)den, -FixedPoint.UtilityBits),
                micro,
                (int)Int128.Clamp(bps, -10_000, 10_000));
        }

        EvaluationEngine.CompleteWithInvalid(results, input, addresses, reasons);
        var metrics = new EvaluationMetrics
        {
            Spec = spec.Name,
            SpecHash = spec.Hash,
            Method = outcome.Method,
            Seed = "0x" + Convert.ToHexStringLower(seed),
            ValidCurators = n,
            Labels = market.TotalLabels,
            LabelledItems = market.Items.Count,
            GoldItems = market.Gold.Count,
            UtilityAllFixed = outcome.UtilityAll,
            UtilityEmptyFixed = outcome.UtilityEmpty,
            GoldCorrectHalves = outcome.GoldCorrectHalves,
            ValueDenominator = outcome.Denominator,
            TrainingsRun = attributor.TrainingsRun,
            Permutations = outcome.Permutations,
            Truncations = outcome.Truncations,
            MultiplyAdds = attributor.MultiplyAdds,
            DenseFlops = attributor.DenseFlops,
            Backend = batch.Name,
        };
        return new EvaluationResult(results, metrics);
    }

    /// <summary>Fills the curators that took no part (score −10000, value 0, with their reason) and sorts by address.</summary>
    internal static void CompleteWithInvalid(CuratorResult[] results, MarketInput input, string[] addresses, string?[] reasons)
    {
        for (var c = 0; c < results.Length; c++)
        {
            results[c] ??= new CuratorResult(addresses[c], false, reasons[c], input.Curators[c].Labels?.Count ?? 0, 0, 0, 0, -10_000);
        }

        Array.Sort(results, (x, y) => string.CompareOrdinal(x.Address, y.Address));
    }

    private static string[] NormaliseAddresses(IReadOnlyList<CuratorLabels> curators)
    {
        var addresses = new string[curators.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < curators.Count; i++)
        {
            var a = curators[i]?.Address ?? throw new ArgumentException($"curator {i} has no address");
            if (a.Length != 42 || !a.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || !a.AsSpan(2).ContainsOnlyHex())
            {
                throw new ArgumentException($"curator address '{a}' is not 0x + 40 hex digits");
            }

            addresses[i] = "0x" + a[2..].ToLowerInvariant();
            if (!seen.Add(addresses[i]))
            {
                throw new ArgumentException($"curator {addresses[i]} appears twice");
            }
        }

        return addresses;
    }
}

file static class HexExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> s)
    {
        foreach (var ch in s)
        {
            if (!char.IsAsciiHexDigit(ch))
            {
                return false;
            }
        }

        return true;
    }
}
