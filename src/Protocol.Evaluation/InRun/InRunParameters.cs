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

    /// <summary>Prefer the longer response where it has at least 1.25 times the other's UTF-8 bytes (else none).</summary>
    LongerBy125,

    /// <summary>Prefer the longer response where it has at least twice the other's UTF-8 bytes (else none).</summary>
    LongerBy2,

    /// <summary>Prefer the longer response where it has at least four times the other's UTF-8 bytes (else none).</summary>
    LongerBy4,
}

/// <summary>
/// bt-inrun-v3's peer signal: each label is judged against the other curators' labels of its item, each weighted by
/// how well that curator agrees with the gold-trained model (round 1) and then with the consensus (later rounds), plus
/// the model's own vote.
/// </summary>
/// <param name="ModelVotesMilli">The model's vote on an item, in thousandths of a curator of the gold signal's accuracy.</param>
/// <param name="ShrinkMilli">Standard errors (thousandths) taken off a curator's agreement with the previous round's consensus before it becomes a vote weight (rounds 2 and later).</param>
/// <param name="BreakEvenAgreementPpm">κ: the agreement (2·agree − 1, weighted by the peer signal) a label must beat to earn.</param>
/// <param name="Rounds">Rounds of the consensus: the first weighs curators by the model alone, each later one by agreement with the one before.</param>
public sealed record PeerParameters(int ModelVotesMilli, int ShrinkMilli, int BreakEvenAgreementPpm, int Rounds);

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

    /// <summary>
    /// When above 0, the items each address is given (bt-inrun-v3): the share is ceil(assignedItems · 10^6 / pool size) ppm,
    /// at most half the pool, instead of <see cref="AssignedSharePpm"/>, so that every curator labels enough items for its
    /// value to be more than a draw, whatever the pool's size.
    /// </summary>
    public int AssignedItems { get; init; }

    /// <summary>
    /// When above 0, a valid file labels at least this share (ppm) of the items its address is given on average
    /// (floor(share · pool size / 10^6)): a copy or a replica at a second address keeps only the few items both were given.
    /// </summary>
    public int MinLabelsPpm { get; init; }

    /// <summary>The peer signal (bt-inrun-v3), or null for v2's valuation against the model alone.</summary>
    public PeerParameters? Peer { get; init; }

    /// <summary>How the payout sets slashes: linear in value (v2's rule), so noise loses on average.</summary>
    public Protocol.Core.Payouts.SlashRule Slash { get; init; } = Protocol.Core.Payouts.SlashRule.Value;

    /// <summary>Whether items are assigned per address.</summary>
    public bool Assigns => AssignedItems > 0 || AssignedSharePpm < 1_000_000;

    /// <summary>Half the pool: the most a v3 assignment gives one address, so that two addresses share about a quarter.</summary>
    public const int MaxItemSharePpm = 500_000;

    /// <summary>The share of a pool of <paramref name="poolSize"/> items each address is given, in ppm.</summary>
    public int ShareFor(int poolSize) => AssignedItems <= 0 || poolSize <= 0
        ? AssignedSharePpm
        : (int)Math.Min(MaxItemSharePpm, (((long)AssignedItems * 1_000_000) + poolSize - 1) / poolSize);

    /// <summary>The fewest labels a valid file holds in a pool of <paramref name="poolSize"/> items (0: no minimum).</summary>
    public int MinLabelsFor(int poolSize) => MinLabelsPpm <= 0
        ? 0
        : (int)Math.Max(1, (long)ShareFor(poolSize) * poolSize / 1_000_000 * MinLabelsPpm / 1_000_000);

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

        if (AssignedItems < 0 || MinLabelsPpm is < 0 or > 1_000_000)
        {
            throw new ArgumentException($"spec assignedItems {AssignedItems} must be >= 0 and minLabelsPpm {MinLabelsPpm} within 0…1000000");
        }

        if (Peer is { } peer && (peer.ModelVotesMilli is < 0 or > 100_000 || peer.ShrinkMilli is < 0 or > 10_000 || peer.BreakEvenAgreementPpm is < 0 or > 1_000_000 || peer.Rounds is < 1 or > 16))
        {
            throw new ArgumentException($"spec peer parameters out of range (modelVotesMilli 0…100000, peerShrinkMilli 0…10000, breakEvenAgreementPpm 0…1000000, peerRounds 1…16): {peer}");
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
        Heuristic.LongerBy125 => "longer-1.25x",
        Heuristic.LongerBy2 => "longer-2x",
        Heuristic.LongerBy4 => "longer-4x",
        _ => throw new ArgumentOutOfRangeException(nameof(h)),
    };

    /// <summary>Reads a heuristic's spec document name.</summary>
    public static Heuristic Parse(string? name) => name switch
    {
        "a" => Heuristic.PreferA,
        "longer" => Heuristic.Longer,
        "prompt-overlap" => Heuristic.PromptOverlap,
        "longer-1.25x" => Heuristic.LongerBy125,
        "longer-2x" => Heuristic.LongerBy2,
        "longer-4x" => Heuristic.LongerBy4,
        _ => throw new NotSupportedException($"unknown heuristic '{name}' in spec neutralise (known: a, longer, prompt-overlap, longer-1.25x, longer-2x, longer-4x)"),
    };
}
