using System.Globalization;

namespace Protocol.Core.Files.Import;

/// <summary>The annotation tools' export formats <see cref="LabelImporter"/> reads.</summary>
public enum ExportFormat
{
    /// <summary>Label Studio's JSON export of a project with a <c>&lt;Pairwise&gt;</c> control: a JSON array of tasks.</summary>
    LabelStudio,

    /// <summary>Argilla 2's record export (<c>dataset.records.to_json</c>): a JSON array of records with a RankingQuestion's responses.</summary>
    Argilla,

    /// <summary>TRL's preference form: JSON Lines of <c>{"prompt","chosen","rejected"}</c>.</summary>
    Trl,
}

/// <summary>How an exported preference is matched to a task-pool item.</summary>
public enum ItemMatching
{
    /// <summary>By id when the record carries one, else by the prompt and the two responses.</summary>
    Auto,

    /// <summary>By id only: a record without one is refused.</summary>
    Id,

    /// <summary>By the exact prompt and the two responses (in either order), whatever id the record carries.</summary>
    Text,
}

/// <summary>Which parts of an export hold what. Every field has the default of the tool's usual template.</summary>
public sealed record LabelImportOptions
{
    public required ExportFormat Format { get; init; }

    /// <summary>
    /// The names of the prompt and of the first (left) and second (right) response: keys of a Label Studio task's
    /// <c>data</c> (default prompt, answer1, answer2) or of an Argilla record's <c>fields</c> (default prompt,
    /// response1, response2). TRL lines always use prompt, chosen and rejected.
    /// </summary>
    public IReadOnlyList<string>? Fields { get; init; }

    /// <summary>The Argilla ranking values that stand for the first and the second response field (default response-1, response-2).</summary>
    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>The Label Studio Pairwise control's name (result <c>from_name</c>) or the Argilla RankingQuestion's name; null: the only one there is.</summary>
    public string? Question { get; init; }

    /// <summary>Where a record's task-pool id is: a key of a Label Studio task's <c>data</c> or of a TRL line (Argilla: the record's <c>id</c>).</summary>
    public string IdField { get; init; } = "id";

    public ItemMatching Matching { get; init; } = ItemMatching.Auto;

    /// <summary>The fields in effect: <see cref="Fields"/> or the format's defaults.</summary>
    public IReadOnlyList<string> EffectiveFields => Fields ?? Format switch
    {
        ExportFormat.LabelStudio => ["prompt", "answer1", "answer2"],
        ExportFormat.Argilla => ["prompt", "response1", "response2"],
        _ => ["prompt", "chosen", "rejected"],
    };

    /// <summary>The Argilla ranking values in effect.</summary>
    public IReadOnlyList<string> EffectiveOptions => Options ?? ["response-1", "response-2"];
}

/// <summary>
/// One preference as an export states it, before it is matched to the task pool: its record's number (1-based) and where
/// it is (<c>file:line: record</c>), the id it carries (if any), the prompt (null when the export has none) and the
/// preferred and the other response.
/// </summary>
public sealed record ExportedPreference(int Record, string Where, string? Id, string? Prompt, string Chosen, string Rejected);

/// <summary>Why one record of an export cannot become a label.</summary>
public sealed record ImportProblem(string Where, string Reason)
{
    public override string ToString() => $"{Where}: {Reason}";
}

/// <summary>What an export turned into: the labels in task-pool order, and how each was found.</summary>
public sealed record LabelImportResult(IReadOnlyList<Label> Labels, int Records, int Unlabelled, int ById, int ByText, int Repeated);

/// <summary>An export that does not fit the task pool: every problem found, each naming the file, line, record and reason.</summary>
public sealed class LabelImportException : Exception
{
    public LabelImportException(string fileName, IReadOnlyList<ImportProblem> problems)
        : base(Describe(fileName, problems))
    {
        FileName = fileName;
        Problems = problems;
    }

    public string FileName { get; }

    public IReadOnlyList<ImportProblem> Problems { get; }

    /// <summary>The first problems, one a line (20 at most, then how many more).</summary>
    private static string Describe(string fileName, IReadOnlyList<ImportProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        const int Shown = 20;
        var lines = problems.Take(Shown).Select(p => "  " + p).ToList();
        if (problems.Count > Shown)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  … and {problems.Count - Shown} more"));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{fileName}: {problems.Count} record(s) do not fit the task pool, so no label file was written:\n") + string.Join('\n', lines);
    }
}

/// <summary>
/// Turns an annotation tool's export into a label file's labels for a task pool (docs/curators.md, "Labels from other
/// tools"). Each preference is matched by id where the export carries one, else by the exact prompt and the two
/// responses in either order (chosen = the item's <c>b</c> gives <c>"b"</c>). All or nothing: any record that names no
/// item, more than one, an item whose texts differ, a tie or a missing field makes the whole import fail with every
/// such problem listed.
/// </summary>
public static class LabelImporter
{
    public static LabelImportResult Import(ReadOnlyMemory<byte> export, string fileName, IReadOnlyList<TaskItem> pool, LabelImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(options);
        var read = options.Format switch
        {
            ExportFormat.LabelStudio => LabelStudioExport.Read(export, fileName, options),
            ExportFormat.Argilla => ArgillaExport.Read(export, fileName, options),
            ExportFormat.Trl => TrlPreferences.Read(export, fileName, options),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };

        var index = new TaskPoolIndex(pool);
        var problems = new List<(int Record, ImportProblem Problem)>(read.Problems);
        var chosen = new Dictionary<int, (Preference Pref, string Where)>();
        int byId = 0, byText = 0, repeated = 0;
        foreach (var preference in read.Preferences)
        {
            var (position, pref, reason, usedId) = index.Match(preference, options.Matching);
            if (reason is not null)
            {
                problems.Add((preference.Record, new ImportProblem(preference.Where, reason)));
                continue;
            }

            if (chosen.TryGetValue(position, out var earlier))
            {
                if (earlier.Pref != pref)
                {
                    problems.Add((preference.Record, new ImportProblem(preference.Where, $"item \"{pool[position].Id}\" again, with the other preference than at {earlier.Where} (a label file holds one label per item)")));
                }
                else
                {
                    repeated++;
                }

                continue;
            }

            chosen[position] = (pref, preference.Where);
            if (usedId)
            {
                byId++;
            }
            else
            {
                byText++;
            }
        }

        if (problems.Count > 0)
        {
            throw new LabelImportException(fileName, [.. problems.OrderBy(p => p.Record).Select(p => p.Problem)]);
        }

        var labels = chosen.OrderBy(kv => kv.Key).Select(kv => new Label(pool[kv.Key].Id, kv.Value.Pref)).ToList();
        return new LabelImportResult(labels, read.Records, read.Unlabelled, byId, byText, repeated);
    }
}

/// <summary>What a format reader found: the preferences, the records without a label, and the records it could not read.</summary>
internal sealed record ExportRead(IReadOnlyList<ExportedPreference> Preferences, IReadOnlyList<(int Record, ImportProblem Problem)> Problems, int Records, int Unlabelled);
