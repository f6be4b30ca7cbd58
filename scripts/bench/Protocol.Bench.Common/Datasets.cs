using System.Text.Json;

namespace Protocol.Bench.Common;

/// <summary>A comparison whose true preference is known: a candidate for the gold set or the task pool.</summary>
public sealed record Comparison(string Id, string Prompt, string A, string B, Preference Truth)
{
    public TaskItem Task => new(Id, Prompt, A, B);

    public GoldItem Gold => new(Id, Prompt, A, B, Truth);
}

/// <summary>One dataset's comparisons with a truth; <paramref name="Dropped"/> pairs had none.</summary>
public sealed record Dataset(string Name, IReadOnlyList<Comparison> Comparisons, int Dropped);

/// <summary>
/// Readers of the three human preference sets under data/ (see each folder's NOTICE). Only pairs with a
/// truth are kept: the harness scores strategies against it.
/// </summary>
public static class Datasets
{
    /// <summary>UKPConvArg1: truth = the file's strict majority of the five workers ("equal" or null: dropped).</summary>
    public static Dataset UkpConvArg1(string directory)
    {
        var files = Directory.GetFiles(directory, "*.jsonl").Order(StringComparer.Ordinal);
        return Read("UKPConvArg1", files, r => Parse(r.GetProperty("majority")));
    }

    /// <summary>HH-RLHF harmless-base test: truth = the one human preference.</summary>
    public static Dataset HhRlhf(string file) => Read("HH-RLHF", [file], r => Parse(r.GetProperty("pref")));

    /// <summary>PandaLM test set: truth = a or b when more than half of the annotators' labels say so.</summary>
    public static Dataset PandaLm(string file) => Read("PandaLM", [file], r =>
    {
        var prefs = r.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("pref").GetString()).ToList();
        var a = prefs.Count(p => p == "a");
        var b = prefs.Count(p => p == "b");
        return 2 * a > prefs.Count ? Preference.A : 2 * b > prefs.Count ? Preference.B : null;
    });

    private static Preference? Parse(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "a" => Preference.A, "b" => Preference.B, _ => null }
        : null;

    private static Dataset Read(string name, IEnumerable<string> files, Func<JsonElement, Preference?> truth)
    {
        var kept = new List<Comparison>();
        var dropped = 0;
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                if (truth(r) is { } t)
                {
                    kept.Add(new Comparison(Text(r, "id"), Text(r, "prompt"), Text(r, "a"), Text(r, "b"), t));
                }
                else
                {
                    dropped++;
                }
            }
        }

        if (kept.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count() != kept.Count)
        {
            throw new InvalidDataException($"{name}: an id occurs twice");
        }

        return new Dataset(name, kept, dropped);
    }

    // A few PandaLM responses are JSON booleans (a model answered "True"): keep their text.
    private static string Text(JsonElement r, string field) => r.GetProperty(field) switch
    {
        { ValueKind: JsonValueKind.String } e => e.GetString()!,
        { ValueKind: JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number } e => e.GetRawText(),
        var e => throw new InvalidDataException($"field '{field}' is {e.ValueKind}"),
    };
}
