namespace Protocol.Evaluation.InRun;

/// <summary>A free heuristic: a label anyone can compute from the task pool alone (docs/evaluation.md).</summary>
public enum Heuristic
{
    /// <summary>Always prefer response a (position bias).</summary>
    PreferA,

    /// <summary>Prefer the response with more UTF-8 bytes (no preference when equal).</summary>
    Longer,

    /// <summary>Prefer the response that shares more distinct tokens with the prompt (no preference when equal).</summary>
    PromptOverlap,
}

/// <summary>
/// The parameters of an in-run evaluation spec (bt-inrun-v2): one training run on every valid label, each
/// label valued by its first-order effect on the gold log-likelihood along the trajectory.
/// </summary>
public sealed record InRunParameters
{
    /// <summary>Free heuristics whose information is removed from every item's gold signal, in this order.</summary>
    public IReadOnlyList<Heuristic> Neutralise { get; init; } = [Heuristic.PreferA, Heuristic.Longer];

    /// <summary>
    /// The break-even accuracy (parts per million): a curator's labels earn only when they agree with the gold
    /// signal more than a labeller right this often would, measured with the signal's own accuracy on the gold set.
    /// </summary>
    public int BreakEvenAccuracyPpm { get; init; } = 650_000;

    /// <summary>
    /// The noise floor, in thousandths of a standard error: a curator's signal-weighted agreement must also beat
    /// this many standard errors of a coin-flipping curator on the same items, √(Σ s²) / Σ |s|, before it earns.
    /// </summary>
    public int NoiseFloorMilli { get; init; } = 1_000;

    /// <summary>
    /// Share of the task pool (parts per million) assigned to each address; 1,000,000 = every item is open to
    /// everyone. Below that a label on an item not assigned to its address makes the file invalid, so a copied
    /// file is worth (almost) nothing at a second address.
    /// </summary>
    public int AssignedSharePpm { get; init; } = 1_000_000;

    /// <summary>How the payout sets slashes: linear in value (v2's rule), so noise loses on average.</summary>
    public Protocol.Core.Payouts.SlashRule Slash { get; init; } = Protocol.Core.Payouts.SlashRule.Value;

    /// <summary>Whether items are assigned per address.</summary>
    public bool Assigns => AssignedSharePpm < 1_000_000;

    /// <summary>Checks the ranges; returns this.</summary>
    public InRunParameters Validated()
    {
        if (BreakEvenAccuracyPpm is < 500_000 or > 1_000_000)
        {
            throw new ArgumentException($"spec breakEvenAccuracyPpm {BreakEvenAccuracyPpm} is outside 500000…1000000");
        }

        if (NoiseFloorMilli is < 0 or > 10_000)
        {
            throw new ArgumentException($"spec noiseFloorMilli {NoiseFloorMilli} is outside 0…10000");
        }

        if (AssignedSharePpm is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"spec assignedSharePpm {AssignedSharePpm} is outside 1…1000000");
        }

        if (Neutralise.Distinct().Count() != Neutralise.Count)
        {
            throw new ArgumentException("spec neutralise lists a heuristic twice");
        }

        return this;
    }

    /// <summary>Reads the spec document's slash rule ("value" or "score").</summary>
    public static Protocol.Core.Payouts.SlashRule ParseSlash(string? name) => name switch
    {
        "value" => Protocol.Core.Payouts.SlashRule.Value,
        "score" => Protocol.Core.Payouts.SlashRule.Score,
        _ => throw new NotSupportedException($"unknown slash rule '{name}' in spec (known: value, score)"),
    };

    /// <summary>The spec document's name of a heuristic.</summary>
    public static string NameOf(Heuristic h) => h switch
    {
        Heuristic.PreferA => "a",
        Heuristic.Longer => "longer",
        Heuristic.PromptOverlap => "prompt-overlap",
        _ => throw new ArgumentOutOfRangeException(nameof(h)),
    };

    /// <summary>Reads a heuristic's spec document name.</summary>
    public static Heuristic Parse(string? name) => name switch
    {
        "a" => Heuristic.PreferA,
        "longer" => Heuristic.Longer,
        "prompt-overlap" => Heuristic.PromptOverlap,
        _ => throw new NotSupportedException($"unknown heuristic '{name}' in spec neutralise (known: a, longer, prompt-overlap)"),
    };
}
