namespace Protocol.Core.Files;

/// <summary>Which response a label prefers.</summary>
public enum Preference
{
    A,
    B,
}

/// <summary>A comparison to label (task pool line): <c>{"id","prompt","a","b"}</c>.</summary>
public sealed record TaskItem(string Id, string Prompt, string A, string B);

/// <summary>One curator's label (label file line): <c>{"id","pref"}</c>.</summary>
public sealed record Label(string Id, Preference Pref);

/// <summary>A held-out comparison with its trusted label (gold set line): <c>{"id","prompt","a","b","pref"}</c>.</summary>
public sealed record GoldItem(string Id, string Prompt, string A, string B, Preference Pref);
