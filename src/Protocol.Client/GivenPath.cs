namespace Protocol.Client;

/// <summary>How an error names a path the user gave: a relative one also says where it was looked for.</summary>
public static class GivenPath
{
    /// <summary>"; looked for /full/path" where <paramref name="given"/> is relative (read from the current folder), else "".</summary>
    public static string Tried(string given) => Path.IsPathFullyQualified(given) ? "" : $"; looked for {Path.GetFullPath(given)}";
}
