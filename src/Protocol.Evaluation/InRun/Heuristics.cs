using System.Text;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.InRun;

/// <summary>The free heuristics' labels on a comparison: +1 prefers a, −1 prefers b, 0 no preference.</summary>
internal static class Heuristics
{
    public static sbyte Label(Heuristic heuristic, string? prompt, string? a, string? b) => heuristic switch
    {
        Heuristic.PreferA => 1,
        Heuristic.Longer => (sbyte)Math.Sign(Encoding.UTF8.GetByteCount(a ?? string.Empty) - Encoding.UTF8.GetByteCount(b ?? string.Empty)),
        Heuristic.PromptOverlap => PromptOverlap(prompt, a, b),
        Heuristic.LongerBy125 => LongerBy(125, a, b),
        Heuristic.LongerBy2 => LongerBy(200, a, b),
        Heuristic.LongerBy4 => LongerBy(400, a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(heuristic)),
    };

    /// <summary>
    /// 'longer' where the longer response has at least <paramref name="percent"/>% of the shorter's UTF-8 bytes
    /// (100 · longer ≥ percent · shorter, integers), else 0. Nested bands of the length ratio: with 'longer' they let the
    /// neutralisation take out what length predicts in each band, so an address ground for large gaps gains nothing.
    /// </summary>
    private static sbyte LongerBy(long percent, string? a, string? b)
    {
        long la = Encoding.UTF8.GetByteCount(a ?? string.Empty), lb = Encoding.UTF8.GetByteCount(b ?? string.Empty);
        return (100 * Math.Max(la, lb)) >= percent * Math.Min(la, lb) ? (sbyte)Math.Sign(la - lb) : (sbyte)0;
    }

    /// <summary>Sign of (distinct tokens of a found in the prompt) − (the same for b), with the featuriser's tokens.</summary>
    private static sbyte PromptOverlap(string? prompt, string? a, string? b)
    {
        var words = Featuriser.Tokenise(prompt ?? string.Empty).Select(Convert.ToHexString).ToHashSet(StringComparer.Ordinal);
        int Shared(string? text) => Featuriser.Tokenise(text ?? string.Empty).Select(Convert.ToHexString).Distinct(StringComparer.Ordinal).Count(words.Contains);
        return (sbyte)Math.Sign(Shared(a) - Shared(b));
    }
}
