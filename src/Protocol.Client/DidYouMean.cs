namespace Protocol.Client;

/// <summary>"Did you mean" for a misspelt field or option: the nearest known name.</summary>
public static class DidYouMean
{
    /// <summary>The candidate nearest to <paramref name="name"/> by edit distance, ignoring case (for "did you mean").</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates) =>
        candidates.MinBy(c => Distance(c.ToLowerInvariant(), name.ToLowerInvariant()));

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
