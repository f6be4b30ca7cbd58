using System.Text;
using Protocol.Core.Files;
using Protocol.Core.Files.Import;

namespace Protocol.Core.Tests;

/// <summary>
/// Label Studio, Argilla and TRL exports turned into labels for a task pool. The fixtures are written by hand by each
/// format's documented shape: Label Studio's JSON export (tasks with data, annotations[].result[] of type pairwise with
/// value.selected), Argilla 2's records.to_json (records with fields and responses per question, a RankingQuestion's
/// value its options best first, or the server's [{value, rank}]), TRL's prompt/chosen/rejected lines.
/// </summary>
public sealed class LabelImportTests
{
    private static readonly TaskItem[] Pool =
    [
        new("t1", "What is the capital of France?", "Paris.", "Lyon."),
        new("t2", "2+2?", "4", "5"),
        new("t3", "Name a colour.", "Blue", "Seven"),
        // Two items that differ only in order: a record with these texts and no id names both.
        new("t4", "Say hi", "Hi", "Yo"),
        new("t5", "Say hi", "Yo", "Hi"),
    ];

    private static LabelImportResult Import(ExportFormat format, string text, ItemMatching matching = ItemMatching.Auto, string? question = null) =>
        LabelImporter.Import(Encoding.UTF8.GetBytes(text), "export.json", Pool, new LabelImportOptions { Format = format, Matching = matching, Question = question });

    private static List<string> Problems(ExportFormat format, string text, ItemMatching matching = ItemMatching.Auto) =>
        [.. Assert.Throws<LabelImportException>(() => Import(format, text, matching)).Problems.Select(p => p.ToString())];

    private static string Labels(LabelImportResult r) => string.Join(" ", r.Labels.Select(l => $"{l.Id}={(l.Pref == Preference.A ? "a" : "b")}"));

    // ---- Label Studio ----

    private static string LsTask(int id, string data, string annotations) =>
        $$"""
          {
            "id": {{id}},
            "data": {{data}},
            "annotations": {{annotations}},
            "predictions": [],
            "project": 3
          }
        """;

    private static string LsAnnotation(string selected, bool cancelled = false, string control = "comparison") =>
        $$$"""
        {"id": 100, "completed_by": 1, "was_cancelled": {{{(cancelled ? "true" : "false")}}}, "ground_truth": false, "lead_time": 4.2,
         "result": [{"id": "r1", "from_name": "{{{control}}}", "to_name": "prompt", "type": "pairwise", "origin": "manual", "value": {"selected": "{{{selected}}}"}}]}
        """;

    [Fact]
    public void Label_Studio_pairwise_selections_become_labels_matched_by_data_id_or_by_prompt_and_texts_in_either_order()
    {
        var export = "[\n" + string.Join(",\n",
            // Left is the pool's a: "a".
            LsTask(11, """{"prompt": "What is the capital of France?", "answer1": "Paris.", "answer2": "Lyon."}""", $"[{LsAnnotation("left")}]"),
            // Shown the other way round; right ("4") is the pool's a: "a".
            LsTask(12, """{"prompt": "2+2?", "answer1": "5", "answer2": "4"}""", $"[{LsAnnotation("right")}]"),
            // By id: right is "Seven", the pool's b; two annotators agree, a cancelled one is not a label.
            LsTask(13, """{"id": "t3", "prompt": "Name a colour.", "answer1": "Blue", "answer2": "Seven"}""", $"[{LsAnnotation("right")}, {LsAnnotation("right")}, {LsAnnotation("left", cancelled: true)}]"),
            // Not labelled yet, or only skipped: no label.
            LsTask(14, """{"prompt": "Say hi", "answer1": "Hi", "answer2": "Yo"}""", "[]"),
            LsTask(15, """{"prompt": "Say hi", "answer1": "Hi", "answer2": "Yo"}""", $"[{LsAnnotation("left", cancelled: true)}]")) + "\n]\n";

        var result = Import(ExportFormat.LabelStudio, export);

        Assert.Equal("t1=a t2=a t3=b", Labels(result));
        Assert.Equal((5, 2, 1, 2), (result.Records, result.Unlabelled, result.ById, result.ByText));
    }

    [Fact]
    public void Label_Studio_records_that_do_not_fit_the_pool_are_all_named_by_line_and_task_and_nothing_is_returned()
    {
        var export = "[\n" + string.Join(",\n",
            LsTask(21, """{"prompt": "What is the capital of Spain?", "answer1": "Madrid", "answer2": "Lyon."}""", $"[{LsAnnotation("left")}]"),
            LsTask(22, """{"prompt": "What is the capital of France?", "answer1": "Paris", "answer2": "Lyon."}""", $"[{LsAnnotation("left")}]"),
            LsTask(23, """{"prompt": "Say hi", "answer1": "Hi", "answer2": "Yo"}""", $"[{LsAnnotation("left")}]"),
            LsTask(24, """{"prompt": "2+2?", "answer1": "4"}""", $"[{LsAnnotation("left")}]"),
            LsTask(25, """{"prompt": "2+2?", "answer1": "4", "answer2": "5"}""", $"[{LsAnnotation("left")}, {LsAnnotation("right")}]"),
            LsTask(26, """{"id": "nope", "prompt": "2+2?", "answer1": "4", "answer2": "5"}""", $"[{LsAnnotation("left")}]"),
            LsTask(27, """{"prompt": "Name a colour.", "answer1": "Blue", "answer2": "Seven"}""", $"[{LsAnnotation("middle")}]"),
            LsTask(28, """{"prompt": "Name a colour.", "answer1": "Blue", "answer2": "Seven"}""", $"[{LsAnnotation("left")}]")) + "\n]\n";

        var problems = Problems(ExportFormat.LabelStudio, export);

        Assert.Equal(
        [
            "export.json:2: task 1 (Label Studio id 21): no such item: no task-pool item has this prompt",
            "export.json:10: task 2 (Label Studio id 22): the prompt matches item(s) \"t1\", but the responses differ",
            "export.json:18: task 3 (Label Studio id 23): ambiguous: the prompt and responses match items \"t4\", \"t5\" (an export that carries the task pool's ids tells them apart)",
            "export.json:26: task 4 (Label Studio id 24): missing field \"data.answer2\" (--fields names the prompt and the left and right texts' data fields)",
            "export.json:34: task 5 (Label Studio id 25): the annotations disagree (1 left, 1 right): a label file holds one label per item",
            "export.json:43: task 6 (Label Studio id 26): no such item: id \"nope\" is not in the task pool (if the export's ids are not the task pool's, --match text matches by prompt and responses)",
            "export.json:51: task 7 (Label Studio id 27): a pairwise result selects \"middle\" (expected \"left\" or \"right\")",
        ], problems);
    }

    [Fact]
    public void Label_Studio_fields_and_control_name_follow_the_projects_config_and_a_file_that_is_no_export_is_refused_whole()
    {
        var export = "[" + LsTask(1, """{"question": "2+2?", "text1": "5", "text2": "4"}""", "[" + LsAnnotation("left", control: "other").Replace("\"result\": [", "\"result\": [" + """{"from_name": "pw", "to_name": "text1", "type": "pairwise", "value": {"selected": "right"}}, """, StringComparison.Ordinal) + "]") + "]";
        var options = new LabelImportOptions { Format = ExportFormat.LabelStudio, Fields = ["question", "text1", "text2"], Question = "pw" };
        Assert.Equal("t2=a", Labels(LabelImporter.Import(Encoding.UTF8.GetBytes(export), "ls.json", Pool, options)));

        // Two Pairwise controls and no --question: which one is the label is not guessed.
        var guessed = Assert.Throws<LabelImportException>(() => LabelImporter.Import(Encoding.UTF8.GetBytes(export), "ls.json", Pool, options with { Question = null }));
        Assert.Contains("several pairwise results: name the Pairwise control with --question", Assert.Single(guessed.Problems).Reason, StringComparison.Ordinal);

        var notArray = Assert.Throws<FileFormatException>(() => Import(ExportFormat.LabelStudio, """{"tasks": []}"""));
        Assert.Equal("export.json:1: not a JSON array (Label Studio's JSON export: an array of tasks)", notArray.Message);
        var truncated = Assert.Throws<FileFormatException>(() => Import(ExportFormat.LabelStudio, "[\n{\"id\": 1,\n"));
        Assert.StartsWith("export.json:", truncated.Message, StringComparison.Ordinal);
        Assert.Contains("malformed JSON", truncated.Message, StringComparison.Ordinal);
    }

    // ---- Argilla ----

    private static string ArgillaRecord(string id, string fields, string responses) =>
        $$$"""
          {"id": "{{{id}}}", "fields": {{{fields}}}, "metadata": {}, "suggestions": {"ranking": {"value": ["response-1", "response-2"], "score": null, "agent": "a model"}},
           "responses": {{{responses}}}, "vectors": {}, "status": "completed", "_server_id": "8e1c6a34-1b0e-4a52-9a7e-3c1f0d7a0b11"}
        """;

    [Fact]
    public void Argilla_rankings_become_labels_from_either_value_form_matched_by_record_id_or_by_texts()
    {
        var export = "[\n" + string.Join(",\n",
            // Response 2 ("Paris.", the pool's a) ranked first.
            ArgillaRecord("t1", """{"prompt": "What is the capital of France?", "response1": "Lyon.", "response2": "Paris."}""",
                """{"ranking": [{"value": ["response-2", "response-1"], "user_id": "5f3c…"}], "comment": [{"value": "easy", "user_id": "5f3c…"}]}"""),
            // The server's form: rank 1 is response-2, "5", the pool's b; a draft is not a label.
            ArgillaRecord("b4f1e0a2-6c1d-4a8e-9f3b-2d7c5e1a0f42", """{"prompt": "2+2?", "response1": "4", "response2": "5"}""",
                """{"ranking": [{"value": [{"value": "response-1", "rank": 2}, {"value": "response-2", "rank": 1}], "user_id": "u1", "status": "submitted"}, {"value": ["response-1", "response-2"], "user_id": "u2", "status": "draft"}]}"""),
            // Two users agree.
            ArgillaRecord("0c0ffee0-0000-4000-8000-000000000003", """{"prompt": "Name a colour.", "response1": "Blue", "response2": "Seven"}""",
                """{"ranking": [{"value": ["response-1", "response-2"], "user_id": "u1"}, {"value": ["response-1", "response-2"], "user_id": "u2"}]}"""),
            // No response yet: only the model's suggestion, which is not a label.
            ArgillaRecord("0c0ffee0-0000-4000-8000-000000000004", """{"prompt": "Say hi", "response1": "Hi", "response2": "Yo"}""", "{}")) + "\n]\n";

        var result = Import(ExportFormat.Argilla, export, ItemMatching.Text);
        Assert.Equal("t1=a t2=b t3=a", Labels(result));
        Assert.Equal((4, 1, 0, 3), (result.Records, result.Unlabelled, result.ById, result.ByText));

        // By default a record's id is matched: Argilla's own UUIDs are not the pool's, and the refusal says what to do.
        var problems = Problems(ExportFormat.Argilla, export);
        Assert.Equal(2, problems.Count);
        Assert.Equal("export.json:4: record 2: no such item: id \"b4f1e0a2-6c1d-4a8e-9f3b-2d7c5e1a0f42\" is not in the task pool (if the export's ids are not the task pool's, --match text matches by prompt and responses)", problems[0]);
    }

    [Fact]
    public void Argilla_ties_unknown_options_disagreements_and_missing_fields_are_refused_by_record()
    {
        var export = "[\n" + string.Join(",\n",
            ArgillaRecord("t1", """{"prompt": "What is the capital of France?", "response1": "Paris.", "response2": "Lyon."}""",
                """{"ranking": [{"value": [{"value": "response-1", "rank": 1}, {"value": "response-2", "rank": 1}], "user_id": "u1"}]}"""),
            ArgillaRecord("t2", """{"prompt": "2+2?", "response1": "4", "response2": "5"}""",
                """{"ranking": [{"value": ["response-3", "response-1"], "user_id": "u1"}]}"""),
            ArgillaRecord("t3", """{"prompt": "Name a colour.", "response1": "Blue", "response2": "Seven"}""",
                """{"ranking": [{"value": ["response-1", "response-2"], "user_id": "u1"}, {"value": ["response-2", "response-1"], "user_id": "u2"}]}"""),
            ArgillaRecord("t4", """{"prompt": "Say hi", "response1": "Hi"}""",
                """{"ranking": [{"value": ["response-1", "response-2"], "user_id": "u1"}]}"""),
            ArgillaRecord("t5", """{"prompt": "Say hi", "response1": "Hi", "response2": "Hey"}""",
                """{"ranking": [{"value": ["response-1", "response-2"], "user_id": "u1"}]}""")) + "\n]\n";

        var problems = Problems(ExportFormat.Argilla, export);

        Assert.Equal(
        [
            "export.json:2: record 1: responses.ranking: a tie: response-1 and response-2 share rank 1, and a label prefers one",
            "export.json:4: record 2: responses.ranking: the ranking holds \"response-3\", not one of the options \"response-1\" and \"response-2\" (--options names the values that stand for the two responses)",
            "export.json:6: record 3: the responses to \"ranking\" disagree (1 rank response-1 first, 1 response-2): a label file holds one label per item",
            "export.json:8: record 4: missing field \"fields.response2\" (--fields names the prompt and the two responses' fields)",
            "export.json:10: record 5: item \"t5\" matches by id, but its responses differ from the record's",
        ], problems);
    }

    // ---- TRL ----

    [Fact]
    public void TRL_lines_become_labels_chosen_as_the_items_b_giving_b_and_the_conversational_form_is_read()
    {
        var export = string.Join("\n",
            """{"prompt": "What is the capital of France?", "chosen": "Lyon.", "rejected": "Paris.", "score_chosen": 2.0}""",
            """{"prompt": [{"role": "user", "content": "2+2?"}], "chosen": [{"role": "assistant", "content": "4"}], "rejected": [{"role": "assistant", "content": "5"}]}""",
            """{"id": "t4", "prompt": "Say hi", "chosen": "Yo", "rejected": "Hi"}""",
            """{"prompt": "What is the capital of France?", "chosen": "Lyon.", "rejected": "Paris."}""") + "\r\n";

        var result = Import(ExportFormat.Trl, export);

        Assert.Equal("t1=b t2=a t4=b", Labels(result));
        Assert.Equal((4, 0, 1, 2, 1), (result.Records, result.Unlabelled, result.ById, result.ByText, result.Repeated));
    }

    [Fact]
    public void TRL_lines_that_do_not_fit_are_refused_by_line_with_the_reason()
    {
        var export = string.Join("\n",
            """{"prompt": "2+2?", "chosen": "4"}""",
            """{"prompt": "2+2?", "chosen": "4", "rejected": "22"}""",
            """{"prompt": "3+3?", "chosen": "6", "rejected": "7"}""",
            """{"prompt": "Say hi", "chosen": "Hi", "rejected": "Yo"}""",
            """{"prompt": "2+2?", "chosen": "4", "rejected": "5"} trailing""",
            "",
            """{"chosen": "4", "rejected": "5"}""",
            """{"prompt": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "2+2?"}], "chosen": "4", "rejected": "5"}""",
            """{"prompt": "Name a colour.", "chosen": "Blue", "rejected": "Seven"}""",
            """{"prompt": "Name a colour.", "chosen": "Seven", "rejected": "Blue"}""",
            """{"prompt": "2+2?", "chosen": "4", "rejected": "4"}""");

        var problems = Problems(ExportFormat.Trl, export);

        Assert.Equal(10, problems.Count); // every line but 9, whose label line 10 contradicts
        Assert.Equal("export.json:1: missing field \"rejected\"", problems[0]);
        Assert.Equal("export.json:2: the prompt matches item(s) \"t2\", but the responses differ", problems[1]);
        Assert.Equal("export.json:3: no such item: no task-pool item has this prompt", problems[2]);
        Assert.StartsWith("export.json:4: ambiguous: the prompt and responses match items \"t4\", \"t5\"", problems[3], StringComparison.Ordinal);
        Assert.StartsWith("export.json:5: malformed JSON", problems[4], StringComparison.Ordinal);
        Assert.Equal("export.json:6: empty line", problems[5]);
        Assert.StartsWith("export.json:7: missing field \"prompt\"", problems[6], StringComparison.Ordinal);
        Assert.Equal("export.json:8: field \"prompt\" holds 2 messages; a task-pool item's prompt is one user message", problems[7]);
        Assert.Equal("export.json:10: item \"t3\" again, with the other preference than at export.json:9 (a label file holds one label per item)", problems[8]);
        Assert.Equal("export.json:11: chosen and rejected are the same text", problems[9]);
    }

    [Fact]
    public void Matching_by_id_only_refuses_a_line_without_one_and_matching_by_text_ignores_ids()
    {
        var line = """{"id": "elsewhere-7", "prompt": "2+2?", "chosen": "5", "rejected": "4"}""" + "\n";
        Assert.Equal("t2=b", Labels(Import(ExportFormat.Trl, line, ItemMatching.Text)));
        Assert.Equal(["export.json:1: no such item: id \"elsewhere-7\" is not in the task pool"], Problems(ExportFormat.Trl, line, ItemMatching.Id));
        Assert.Equal(["export.json:1: no id to match by (--match id needs one on every record)"], Problems(ExportFormat.Trl, """{"prompt": "2+2?", "chosen": "5", "rejected": "4"}""", ItemMatching.Id));
    }
}
