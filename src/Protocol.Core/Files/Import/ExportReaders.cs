using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Protocol.Core.Files.Import;

/// <summary>JSON helpers the export readers share: elements with their line numbers, and typed field access.</summary>
internal static class ExportJson
{
    /// <summary>The elements of a file that holds one JSON array, each with the 1-based line it starts on.</summary>
    public static List<(int Line, JsonElement Element)> ArrayElements(ReadOnlyMemory<byte> bytes, string fileName, string expected)
    {
        var span = bytes.Span;
        var bom = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        span = span[bom..];
        if (!Utf8.IsValid(span))
        {
            throw new FileFormatException(fileName, 0, "not valid UTF-8");
        }

        var elements = new List<(int, JsonElement)>();
        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = 64 });
        int line = 1;
        long counted = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FileFormatException(fileName, 1, $"not a JSON array ({expected})");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = reader.TokenStartIndex;
                line += span[(int)counted..(int)start].Count((byte)'\n');
                counted = start;
                elements.Add((line, JsonElement.ParseValue(ref reader)));
            }

            if (reader.Read())
            {
                throw new FileFormatException(fileName, 0, "content after the JSON array");
            }
        }
        catch (JsonException e)
        {
            throw new FileFormatException(fileName, (int)(e.LineNumber ?? 0) + 1, "malformed JSON: " + e.Message);
        }

        return elements;
    }

    /// <summary>A string property: its value, or why not (missing, not a string).</summary>
    /// <summary>
    /// The prompt (optional), first and second texts of a record, from the fields <paramref name="fields"/> names under
    /// <paramref name="container"/> (<paramref name="prefix"/> names that object in messages); the first problem, if any.
    /// </summary>
    public static (string? Prompt, string? First, string? Second, string? Problem) Texts(JsonElement container, string prefix, IReadOnlyList<string> fields)
    {
        var first = Text(container, fields[1], prefix + fields[1], out var p1);
        var second = Text(container, fields[2], prefix + fields[2], out var p2);
        string? p3 = null;
        var prompt = container.TryGetProperty(fields[0], out _) ? Text(container, fields[0], prefix + fields[0], out p3) : null;
        return (prompt, first, second, p1 ?? p2 ?? p3);
    }

    public static string? Text(JsonElement parent, string name, string path, out string? problem)
    {
        problem = null;
        if (!parent.TryGetProperty(name, out var value))
        {
            problem = $"missing field \"{path}\"";
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problem = $"field \"{path}\" must be a string, not {Describe(value)}";
            return null;
        }

        return value.GetString();
    }

    /// <summary>An id: a string, or a JSON integer's digits; null when absent (or null).</summary>
    public static string? Id(JsonElement parent, string name, string path, out string? problem)
    {
        problem = null;
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() is { Length: > 0 } id:
                return id;
            case JsonValueKind.Number when value.TryGetInt64(out var n):
                return n.ToString(CultureInfo.InvariantCulture);
            default:
                problem = $"field \"{path}\" must be a non-empty string, not {Describe(value)}";
                return null;
        }
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => value.ValueKind.ToString(),
    };
}

/// <summary>
/// Label Studio's JSON export of a project whose labeling config has a <c>&lt;Pairwise&gt;</c> control: a JSON array of
/// tasks, each with <c>data</c> (the texts its <c>&lt;Text&gt;</c> tags show) and <c>annotations</c>, each annotation's
/// <c>result</c> holding a region of <c>"type": "pairwise"</c> whose <c>value.selected</c> is <c>"left"</c> (the first
/// name in the control's <c>toName</c>) or <c>"right"</c>. Cancelled (skipped) annotations and model predictions are not
/// labels; a task several annotators labelled must agree.
/// </summary>
internal static class LabelStudioExport
{
    public static ExportRead Read(ReadOnlyMemory<byte> bytes, string fileName, LabelImportOptions options)
    {
        var fields = options.EffectiveFields;
        var preferences = new List<ExportedPreference>();
        var problems = new List<(int, ImportProblem)>();
        var tasks = ExportJson.ArrayElements(bytes, fileName, "Label Studio's JSON export: an array of tasks");
        var unlabelled = 0;
        for (var k = 0; k < tasks.Count; k++)
        {
            var (line, task) = tasks[k];
            var where = string.Create(CultureInfo.InvariantCulture, $"{fileName}:{line}: task {k + 1}")
                + (task.ValueKind == JsonValueKind.Object && task.TryGetProperty("id", out var lsId) && lsId.ValueKind == JsonValueKind.Number ? $" (Label Studio id {lsId.GetRawText()})" : "");
            void Problem(string reason) => problems.Add((k + 1, new ImportProblem(where, reason)));
            if (task.ValueKind != JsonValueKind.Object)
            {
                Problem("not a JSON object (a Label Studio task)");
                continue;
            }

            var selected = Selection(task, options.Question, out var problem);
            if (problem is not null)
            {
                Problem(problem);
                continue;
            }

            if (selected is null)
            {
                unlabelled++;
                continue;
            }

            if (!task.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                Problem("missing field \"data\" (the task's texts)");
                continue;
            }

            var (prompt, left, right, textProblem) = ExportJson.Texts(data, "data.", fields);
            var id = ExportJson.Id(data, options.IdField, "data." + options.IdField, out var idProblem);
            if ((textProblem ?? idProblem) is { } missing)
            {
                Problem(missing + (left is null || right is null ? " (--fields names the prompt and the left and right texts' data fields)" : ""));
                continue;
            }

            if (left == right)
            {
                Problem("the left and the right text are the same");
                continue;
            }

            preferences.Add(selected == "left"
                ? new ExportedPreference(k + 1, where, id, prompt, left!, right!)
                : new ExportedPreference(k + 1, where, id, prompt, right!, left!));
        }

        return new ExportRead(preferences, problems, tasks.Count, unlabelled);
    }

    // "left" or "right" as the task's annotations agree on it; null when no annotation picked one.
    private static string? Selection(JsonElement task, string? control, out string? problem)
    {
        problem = null;
        if (!task.TryGetProperty("annotations", out var annotations) || annotations.ValueKind != JsonValueKind.Array)
        {
            problem = "missing field \"annotations\" (is this Label Studio's JSON export?)";
            return null;
        }

        var picks = new List<string>();
        foreach (var annotation in annotations.EnumerateArray())
        {
            if (annotation.ValueKind != JsonValueKind.Object
                || (annotation.TryGetProperty("was_cancelled", out var cancelled) && cancelled.ValueKind == JsonValueKind.True))
            {
                continue;
            }

            if (!annotation.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
            {
                problem = "an annotation without a \"result\" array";
                return null;
            }

            var pairwise = result.EnumerateArray()
                .Where(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "pairwise")
                .Where(r => control is null || (r.TryGetProperty("from_name", out var f) && f.ValueKind == JsonValueKind.String && f.GetString() == control))
                .ToList();
            if (pairwise.Count > 1)
            {
                problem = control is null
                    ? "an annotation with several pairwise results: name the Pairwise control with --question"
                    : $"an annotation with several pairwise results of control \"{control}\"";
                return null;
            }

            if (pairwise.Count == 0)
            {
                continue;
            }

            var pick = pairwise[0].TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object
                && value.TryGetProperty("selected", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (pick is not ("left" or "right"))
            {
                problem = pick is null ? "a pairwise result without \"value.selected\"" : $"a pairwise result selects \"{pick}\" (expected \"left\" or \"right\")";
                return null;
            }

            picks.Add(pick);
        }

        if (picks.Distinct().Count() > 1)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the annotations disagree ({picks.Count(p => p == "left")} left, {picks.Count(p => p == "right")} right): a label file holds one label per item");
            return null;
        }

        return picks.Count > 0 ? picks[0] : null;
    }
}

/// <summary>
/// Argilla 2's record export (<c>dataset.records.to_json(path)</c>, the records of <c>to_list(flatten=False)</c>): a JSON
/// array of records <c>{"id", "fields", "metadata", "suggestions", "responses", …}</c>, <c>responses</c> mapping each
/// question's name to a list of <c>{"value", "user_id"}</c>. A RankingQuestion's value is its options, best first (or,
/// as the server stores it, <c>[{"value", "rank"}]</c>, rank 1 the best). Responses with a <c>status</c> other than
/// <c>submitted</c> (drafts, discarded) and suggestions are not labels; several users' responses must agree.
/// </summary>
internal static class ArgillaExport
{
    public static ExportRead Read(ReadOnlyMemory<byte> bytes, string fileName, LabelImportOptions options)
    {
        var fields = options.EffectiveFields;
        var values = options.EffectiveOptions;
        var preferences = new List<ExportedPreference>();
        var problems = new List<(int, ImportProblem)>();
        var records = ExportJson.ArrayElements(bytes, fileName, "Argilla's record export: an array of records");
        var unlabelled = 0;
        for (var k = 0; k < records.Count; k++)
        {
            var (line, record) = records[k];
            var where = string.Create(CultureInfo.InvariantCulture, $"{fileName}:{line}: record {k + 1}");
            void Problem(string reason) => problems.Add((k + 1, new ImportProblem(where, reason)));
            if (record.ValueKind != JsonValueKind.Object)
            {
                Problem("not a JSON object (an Argilla record)");
                continue;
            }

            var best = Best(record, options.Question, values, out var problem);
            if (problem is not null)
            {
                Problem(problem);
                continue;
            }

            if (best is null)
            {
                unlabelled++;
                continue;
            }

            if (!record.TryGetProperty("fields", out var texts) || texts.ValueKind != JsonValueKind.Object)
            {
                Problem("missing field \"fields\" (the record's texts)");
                continue;
            }

            var (prompt, first, second, textProblem) = ExportJson.Texts(texts, "fields.", fields);
            var id = ExportJson.Id(record, "id", "id", out var idProblem);
            if ((textProblem ?? idProblem) is { } missing)
            {
                Problem(missing + (first is null || second is null ? " (--fields names the prompt and the two responses' fields)" : ""));
                continue;
            }

            if (first == second)
            {
                Problem("the two responses are the same text");
                continue;
            }

            preferences.Add(best == 0
                ? new ExportedPreference(k + 1, where, id, prompt, first!, second!)
                : new ExportedPreference(k + 1, where, id, prompt, second!, first!));
        }

        return new ExportRead(preferences, problems, records.Count, unlabelled);
    }

    // 0 when the first option ranks above the second, 1 the other way round, null when no submitted response ranks them.
    private static int? Best(JsonElement record, string? question, IReadOnlyList<string> values, out string? problem)
    {
        problem = null;
        if (!record.TryGetProperty("responses", out var responses) || responses.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (responses.ValueKind != JsonValueKind.Object)
        {
            problem = $"field \"responses\" must be an object of questions, not {ExportJson.Describe(responses)}";
            return null;
        }

        JsonElement answers;
        if (question is not null)
        {
            if (!responses.TryGetProperty(question, out answers))
            {
                return null;
            }
        }
        else
        {
            // The ranking question: the one whose responses hold lists.
            var rankings = responses.EnumerateObject()
                .Where(q => q.Value.ValueKind == JsonValueKind.Array && q.Value.EnumerateArray().Any(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array))
                .ToList();
            if (rankings.Count > 1)
            {
                problem = $"several ranking questions ({string.Join(", ", rankings.Select(q => q.Name))}): name one with --question";
                return null;
            }

            if (rankings.Count == 0)
            {
                return null;
            }

            question = rankings[0].Name;
            answers = rankings[0].Value;
        }

        if (answers.ValueKind != JsonValueKind.Array)
        {
            problem = $"field \"responses.{question}\" must be a list of responses, not {ExportJson.Describe(answers)}";
            return null;
        }

        var picks = new List<int>();
        foreach (var answer in answers.EnumerateArray())
        {
            if (answer.ValueKind != JsonValueKind.Object)
            {
                problem = $"a response to \"{question}\" is not an object";
                return null;
            }

            if (answer.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() != "submitted")
            {
                continue;
            }

            if (!answer.TryGetProperty("value", out var ranking))
            {
                problem = $"a response to \"{question}\" without a \"value\"";
                return null;
            }

            var pick = Ranked(ranking, values, out problem);
            if (problem is not null)
            {
                problem = $"responses.{question}: {problem}";
                return null;
            }

            picks.Add(pick);
        }

        if (picks.Distinct().Count() > 1)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the responses to \"{question}\" disagree ({picks.Count(p => p == 0)} rank {values[0]} first, {picks.Count(p => p == 1)} {values[1]}): a label file holds one label per item");
            return null;
        }

        return picks.Count > 0 ? picks[0] : null;
    }

    // Which of the two options a ranking puts first: a list of option values best first, or of {"value","rank"}.
    private static int Ranked(JsonElement ranking, IReadOnlyList<string> values, out string? problem)
    {
        problem = null;
        if (ranking.ValueKind != JsonValueKind.Array)
        {
            problem = $"a ranking must be a list, not {ExportJson.Describe(ranking)}";
            return -1;
        }

        var ranks = new Dictionary<string, long>(StringComparer.Ordinal);
        var position = 0;
        foreach (var entry in ranking.EnumerateArray())
        {
            position++;
            string? value;
            long rank = position;
            if (entry.ValueKind == JsonValueKind.String)
            {
                value = entry.GetString();
            }
            else if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String)
            {
                value = v.GetString();
                if (entry.TryGetProperty("rank", out var r) && r.ValueKind != JsonValueKind.Null)
                {
                    if (r.ValueKind != JsonValueKind.Number || !r.TryGetInt64(out rank))
                    {
                        problem = $"the rank of \"{value}\" must be an integer, not {ExportJson.Describe(r)}";
                        return -1;
                    }
                }
            }
            else
            {
                problem = $"a ranking entry must be an option's value or {{\"value\",\"rank\"}}, not {ExportJson.Describe(entry)}";
                return -1;
            }

            if (!values.Contains(value!, StringComparer.Ordinal))
            {
                problem = $"the ranking holds \"{value}\", not one of the options {string.Join(" and ", values.Select(x => $"\"{x}\""))} (--options names the values that stand for the two responses)";
                return -1;
            }

            if (!ranks.TryAdd(value!, rank))
            {
                problem = $"the ranking holds \"{value}\" twice";
                return -1;
            }
        }

        if (ranks.Count < 2)
        {
            problem = $"the ranking does not rank both {values[0]} and {values[1]}";
            return -1;
        }

        if (ranks[values[0]] == ranks[values[1]])
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"a tie: {values[0]} and {values[1]} share rank {ranks[values[0]]}, and a label prefers one");
            return -1;
        }

        return ranks[values[0]] < ranks[values[1]] ? 0 : 1;
    }
}

/// <summary>
/// TRL's preference form, JSON Lines: <c>{"prompt","chosen","rejected"}</c> per line, texts as strings or, in the
/// conversational form, as message lists (a prompt of one user message, responses of one assistant message each). Other
/// fields are ignored, except the id field (<c>id</c> by default) when present.
/// </summary>
internal static class TrlPreferences
{
    public static ExportRead Read(ReadOnlyMemory<byte> bytes, string fileName, LabelImportOptions options)
    {
        var preferences = new List<ExportedPreference>();
        var problems = new List<(int, ImportProblem)>();
        var span = bytes.Span;
        var number = 0;
        var records = 0;
        while (!span.IsEmpty)
        {
            number++;
            var end = span.IndexOf((byte)'\n');
            var line = end < 0 ? span : span[..end];
            span = end < 0 ? [] : span[(end + 1)..];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (number == 1 && line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                line = line[3..];
            }

            var where = string.Create(CultureInfo.InvariantCulture, $"{fileName}:{number}");
            void Problem(string reason) => problems.Add((number, new ImportProblem(where, reason)));
            records++;
            if (line.IsEmpty)
            {
                Problem("empty line");
                continue;
            }

            JsonElement row;
            try
            {
                using var document = JsonDocument.Parse(line.ToArray());
                row = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                Problem("malformed JSON: " + e.Message);
                continue;
            }

            if (row.ValueKind != JsonValueKind.Object)
            {
                Problem("not a JSON object");
                continue;
            }

            var prompt = Content(row, "prompt", "user", out var p1);
            var chosen = Content(row, "chosen", "assistant", out var p2);
            var rejected = Content(row, "rejected", "assistant", out var p3);
            var id = ExportJson.Id(row, options.IdField, options.IdField, out var p4);
            if ((p1 ?? p2 ?? p3 ?? p4) is { } problem)
            {
                Problem(problem);
                continue;
            }

            if (chosen == rejected)
            {
                Problem("chosen and rejected are the same text");
                continue;
            }

            preferences.Add(new ExportedPreference(number, where, id, prompt, chosen!, rejected!));
        }

        return new ExportRead(preferences, problems, records, 0);
    }

    // A text field: a string, or a list of one message of the given role (the conversational form).
    private static string? Content(JsonElement row, string name, string role, out string? problem)
    {
        problem = null;
        if (!row.TryGetProperty(name, out var value))
        {
            problem = $"missing field \"{name}\"" + (name == "prompt" ? " (a preference without a prompt cannot be matched to a task-pool item)" : "");
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            if (value.GetArrayLength() != 1)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"field \"{name}\" holds {value.GetArrayLength()} messages; a task-pool item's {(role == "user" ? "prompt" : "response")} is one {role} message");
                return null;
            }

            var message = value[0];
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String
                && message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            {
                if (r.GetString() != role)
                {
                    problem = $"field \"{name}\" holds a message of role \"{r.GetString()}\", expected \"{role}\"";
                    return null;
                }

                return c.GetString();
            }

            problem = $"field \"{name}\" must hold a message {{\"role\",\"content\"}} with string content";
            return null;
        }

        problem = $"field \"{name}\" must be a string or a list of messages, not {ExportJson.Describe(value)}";
        return null;
    }
}
