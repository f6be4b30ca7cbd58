using System.Text;

namespace Protocol.Economics.Bench;

/// <summary>What a strategy is, for the goals: informative labour, a free signal, or someone else's labour.</summary>
internal enum StrategyGroup
{
    /// <summary>Labels the truth with some accuracy (honest, originals, replica sources).</summary>
    Honest,

    /// <summary>Carries no information about the truth beyond what anyone can compute (random, constant, heuristics).</summary>
    Free,

    /// <summary>A free heuristic at an address ground for items that suit it (assigned specs only).</summary>
    Grind,

    /// <summary>Resubmits another curator's labels from a second address.</summary>
    Copy,

    /// <summary>The extra addresses of one curator's labels submitted from k addresses.</summary>
    Replica,

    /// <summary>One honest person's labels spread over two addresses.</summary>
    Split,
}

/// <summary>A table row: the strategy's name, its group and (honest labour only) its accuracy.</summary>
internal sealed record Strategy(string Name, StrategyGroup Group, double? Accuracy = null)
{
    public static readonly double[] HonestLevels = [0.6, 0.7, 0.8, 0.9];

    public static readonly int[] ReplicaCounts = [2, 5, 10];

    /// <summary>Addresses an address grinder tries (an address costs one keccak).</summary>
    public const int GrindCandidates = 1000;

    public static Strategy Honest(double p) => new($"honest p={p:0.0}", StrategyGroup.Honest, p);

    public static readonly Strategy Random = new("random", StrategyGroup.Free);
    public static readonly Strategy AlwaysA = new("always a", StrategyGroup.Free);
    public static readonly Strategy AlwaysB = new("always b", StrategyGroup.Free);
    public static readonly Strategy Longer = new("longer answer", StrategyGroup.Free);
    public static readonly Strategy Shorter = new("shorter answer", StrategyGroup.Free);
    public static readonly Strategy GroundLonger = new($"longer, ground x{GrindCandidates}", StrategyGroup.Grind);
    public static readonly Strategy GroundShorter = new($"shorter, ground x{GrindCandidates}", StrategyGroup.Grind);
    public static readonly Strategy Original = new("original p=0.8 (copied)", StrategyGroup.Honest, 0.8);
    public static readonly Strategy Copy = new("copy of p=0.8 file", StrategyGroup.Copy);
    public static readonly Strategy Split = new("split p=0.8 (per addr)", StrategyGroup.Split, 0.8);
    public static readonly Strategy ReplicaSource = new("replica source p=0.8", StrategyGroup.Honest, 0.8);

    public static Strategy Replica(int k) => new($"replica x{k} (each extra)", StrategyGroup.Replica);

    /// <summary>
    /// A coalition that labels every item by one secret pattern no free heuristic captures ("a" when keccak of the id
    /// is even): its members agree with each other on the items they share, which a peer signal could pay.
    /// </summary>
    public static readonly Strategy Cartel = new("cartel (secret pattern)", StrategyGroup.Free);

    /// <summary>Every row, in table order.</summary>
    public static IReadOnlyList<Strategy> All { get; } =
    [
        .. HonestLevels.Select(Honest), Random, AlwaysA, AlwaysB, Longer, Shorter, GroundLonger, GroundShorter,
        Original, Copy, Split, ReplicaSource, .. ReplicaCounts.Select(Replica), Cartel,
    ];

    /// <summary>The free labellers: label from the pair alone (random uses the curator's coin).</summary>
    public static IReadOnlyList<(Strategy Strategy, Func<Comparison, System.Random, Preference> Label)> Free { get; } =
    [
        (Random, (_, rng) => rng.Next(2) == 0 ? Preference.A : Preference.B),
        (AlwaysA, (_, _) => Preference.A),
        (AlwaysB, (_, _) => Preference.B),
        (Longer, (c, _) => Labellers.Longer(c)),
        (Shorter, (c, _) => Labellers.Shorter(c)),
    ];
}

/// <summary>The labels each strategy gives a comparison.</summary>
internal static class Labellers
{
    public static Preference Opposite(Preference p) => p == Preference.A ? Preference.B : Preference.A;

    /// <summary>The truth with probability p, else its opposite.</summary>
    public static Preference Honest(Comparison c, double p, Random rng) => rng.NextDouble() < p ? c.Truth : Opposite(c.Truth);

    /// <summary>The cartel's secret pattern: "a" when the first byte of keccak256(utf8(id)) is even.</summary>
    public static Preference Pattern(Comparison c) =>
        (Nethereum.Util.Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(c.Id))[0] & 1) == 0 ? Preference.A : Preference.B;

    /// <summary>The answer with more UTF-8 bytes; a on a tie.</summary>
    public static Preference Longer(Comparison c) =>
        Encoding.UTF8.GetByteCount(c.A) >= Encoding.UTF8.GetByteCount(c.B) ? Preference.A : Preference.B;

    /// <summary>The answer with fewer UTF-8 bytes; a on a tie.</summary>
    public static Preference Shorter(Comparison c) =>
        Encoding.UTF8.GetByteCount(c.A) <= Encoding.UTF8.GetByteCount(c.B) ? Preference.A : Preference.B;

    /// <summary>
    /// The grinder's proxy for an item: the longer answer has at least <see cref="LargeGap"/> times the shorter's UTF-8
    /// bytes. Computable from the task pool alone (no truth).
    /// </summary>
    public static bool LargeLengthGap(Comparison c)
    {
        var a = Math.Max(1, Encoding.UTF8.GetByteCount(c.A));
        var b = Math.Max(1, Encoding.UTF8.GetByteCount(c.B));
        return Math.Max(a, b) >= LargeGap * Math.Min(a, b);
    }

    public const int LargeGap = 2;

    /// <summary>The answer sharing more distinct words (lower-case letter/digit runs) with the prompt; a on a tie.</summary>
    public static Preference PromptOverlap(Comparison c)
    {
        var prompt = Words(c.Prompt);
        return Words(c.A).Count(prompt.Contains) >= Words(c.B).Count(prompt.Contains) ? Preference.A : Preference.B;
    }

    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }

        return words;
    }
}
