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
        _ => throw new ArgumentOutOfRangeException(nameof(heuristic)),
    };

    /// <summary>Sign of (distinct tokens of a found in the prompt) − (the same for b), with the featuriser's tokens.</summary>
    private static sbyte PromptOverlap(string? prompt, string? a, string? b)
    {
        var words = Featuriser.Tokenise(prompt ?? string.Empty).Select(Convert.ToHexString).ToHashSet(StringComparer.Ordinal);
        int Shared(string? text) => Featuriser.Tokenise(text ?? string.Empty).Select(Convert.ToHexString).Distinct(StringComparer.Ordinal).Count(words.Contains);
        return (sbyte)Math.Sign(Shared(a) - Shared(b));
    }
}
