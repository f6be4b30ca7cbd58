using System.Text.Json;

namespace Protocol.Core.Files;

/// <summary>
/// A JsonException as a person reads it. .NET's message ends in "LineNumber: 0 | BytePositionInLine: 12.", counted
/// from zero, while every other error here names lines from one: the position is given once, from one, in words.
/// </summary>
public static class JsonErrors
{
    /// <summary>"line 3, column 7: &lt;what is wrong&gt;", or only the column inside one line of a JSON Lines file.</summary>
    public static string Describe(JsonException e, bool singleLine = false)
    {
        ArgumentNullException.ThrowIfNull(e);
        var what = e.Message;
        var cut = what.IndexOf(" Path:", StringComparison.Ordinal) is >= 0 and var p ? p : what.IndexOf(" LineNumber:", StringComparison.Ordinal);
        what = (cut >= 0 ? what[..cut] : what).TrimEnd(' ', '.');
        var column = e.BytePositionInLine is { } b ? $"column {b + 1}" : null;
        var line = e.LineNumber is { } l ? $"line {l + 1}" : null;
        var at = singleLine ? column : string.Join(", ", new[] { line, column }.Where(s => s is not null));
        return string.IsNullOrEmpty(at) ? what : $"{at}: {what}";
    }
}
