using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Protocol.Core.Files;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>
/// <c>fmp curator import</c> as a curator runs it: docs/curators.md's example commands exactly as written, on hand-written
/// exports of Label Studio (a Pairwise project's JSON export), Argilla 2 (records.to_json of a RankingQuestion dataset)
/// and TRL (prompt/chosen/rejected lines); and what it refuses, writing nothing.
/// </summary>
[Trait("tier", "slow")]
public sealed partial class CuratorImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly TaskItem[] Pool =
    [
        new("q1", "What is the capital of France?", "Paris.", "Lyon."),
        new("q2", "2+2?", "4", "5"),
        new("q3", "Name a colour.", "Blue", "Seven"),
    ];

    private const string LabelStudio = """
        [
          {
            "id": 101,
            "data": {"prompt": "What is the capital of France?", "answer1": "Lyon.", "answer2": "Paris."},
            "annotations": [{"id": 1, "completed_by": 1, "was_cancelled": false,
                             "result": [{"id": "a1", "from_name": "comparison", "to_name": "prompt", "type": "pairwise", "value": {"selected": "right"}}]}],
            "predictions": []
          },
          {
            "id": 102,
            "data": {"id": "q3", "prompt": "Name a colour.", "answer1": "Blue", "answer2": "Seven"},
            "annotations": [{"id": 2, "completed_by": 1, "was_cancelled": false,
                             "result": [{"id": "a2", "from_name": "comparison", "to_name": "prompt", "type": "pairwise", "value": {"selected": "right"}}]}],
            "predictions": []
          },
          {
            "id": 103,
            "data": {"prompt": "2+2?", "answer1": "4", "answer2": "5"},
            "annotations": [],
            "predictions": []
          }
        ]
        """;

    private const string Argilla = """
        [
          {"id": "6f1d2c3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f", "fields": {"prompt": "2+2?", "response1": "5", "response2": "4"}, "metadata": {}, "suggestions": {},
           "responses": {"ranking": [{"value": ["response-2", "response-1"], "user_id": "0b5e3a1c-2d4f-4e6a-8b7c-9d0e1f2a3b4c"}]}, "vectors": {}, "_server_id": "1a2b3c4d-0000-4000-8000-000000000001"},
          {"id": "7a2e3d4f-9b5c-4d6e-8f7a-8b9c0d1e2f3a", "fields": {"prompt": "Name a colour.", "response1": "Blue", "response2": "Seven"}, "metadata": {}, "suggestions": {},
           "responses": {"ranking": [{"value": [{"value": "response-1", "rank": 2}, {"value": "response-2", "rank": 1}], "user_id": "0b5e3a1c-2d4f-4e6a-8b7c-9d0e1f2a3b4c"}]}, "vectors": {}, "_server_id": "1a2b3c4d-0000-4000-8000-000000000002"}
        ]
        """;

    private const string Trl = """
        {"prompt": "What is the capital of France?", "chosen": "Paris.", "rejected": "Lyon."}
        {"prompt": [{"role": "user", "content": "2+2?"}], "chosen": [{"role": "assistant", "content": "5"}], "rejected": [{"role": "assistant", "content": "4"}]}
        {"id": "q3", "prompt": "Name a colour.", "chosen": "Blue", "rejected": "Seven"}

        """;

    [Fact]
    public async Task The_guides_import_commands_turn_each_tools_export_into_a_label_file_for_the_pool()
    {
        var block = ImportBlock().Match(await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "docs", "curators.md")));
        Assert.True(block.Success, "docs/curators.md has no <!-- curator import example --> bash block");
        Assert.Equal(3, Regex.Count(block.Groups[1].Value, @"^fmp curator import ", RegexOptions.Multiline));
        await WriteInputsAsync();
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var wrapper = Path.Combine(bin, "fmp");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet \"{CliProcess.Fmp}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await File.WriteAllTextAsync(Path.Combine(_dir, "example.sh"), "set -euo pipefail\n" + block.Groups[1].Value);

        var info = new ProcessStartInfo("bash", ["example.sh"]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        info.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var bash = Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var output = await stdout + await stderr;
        Assert.True(bash.ExitCode == 0, output);

        // Label Studio: task 101 shows the pool's b on the left, so "right" (Paris.) is a; task 102 by its data.id; 103 has no label.
        Assert.Equal("{\"id\":\"q1\",\"pref\":\"a\"}\n{\"id\":\"q3\",\"pref\":\"b\"}\n", await File.ReadAllTextAsync(Path.Combine(_dir, "labels.jsonl")));
        // Argilla (matched by text: its ids are its own): response-2 ranked first both times.
        Assert.Equal("{\"id\":\"q2\",\"pref\":\"a\"}\n{\"id\":\"q3\",\"pref\":\"b\"}\n", await File.ReadAllTextAsync(Path.Combine(_dir, "labels-argilla.jsonl")));
        // TRL: chosen "5" is q2's b.
        Assert.Equal("{\"id\":\"q1\",\"pref\":\"a\"}\n{\"id\":\"q2\",\"pref\":\"b\"}\n{\"id\":\"q3\",\"pref\":\"a\"}\n", await File.ReadAllTextAsync(Path.Combine(_dir, "labels-trl.jsonl")));
        Assert.Contains("2 labels from label-studio.json (1 matched by id, 1 by prompt and responses)", output, StringComparison.Ordinal);
        Assert.Contains("3 records: 1 without a label (skipped)", output, StringComparison.Ordinal);
        Assert.Contains("next: fmp curator commit --labels", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_that_does_not_fit_the_pool_is_refused_record_by_record_and_nothing_is_written()
    {
        await WriteInputsAsync();
        var bad = LabelStudio.Replace("\"answer2\": \"Paris.\"", "\"answer2\": \"Marseille\"", StringComparison.Ordinal)
            .Replace("\"id\": \"q3\"", "\"id\": \"q9\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_dir, "bad.json"), bad);
        string[] Import(string from, string output, params string[] more) =>
            ["curator", "import", "--tasks", Path.Combine(_dir, "tasks.jsonl"), "--format", "label-studio", "--from", from, "--out", output, .. more];

        var refused = await CliProcess.RunAsync(CliProcess.Fmp, Import("bad.json", "out.jsonl"), TimeSpan.FromMinutes(1), workingDirectory: _dir);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("bad.json: 2 record(s) do not fit the task pool, so no label file was written", refused.Output, StringComparison.Ordinal);
        Assert.Contains("bad.json:2: task 1 (Label Studio id 101): the prompt matches item(s) \"q1\", but the responses differ", refused.Output, StringComparison.Ordinal);
        Assert.Contains("bad.json:9: task 2 (Label Studio id 102): no such item: id \"q9\" is not in the task pool", refused.Output, StringComparison.Ordinal);
        // Nothing written: the folder holds the inputs only (no label file, no temporary file).
        Assert.Equal(["argilla.json", "bad.json", "label-studio.json", "preferences.jsonl", "tasks.jsonl"], Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

        // A file already there is kept (it may be the one committed to) unless --force.
        await File.WriteAllTextAsync(Path.Combine(_dir, "kept.jsonl"), "{\"id\":\"q2\",\"pref\":\"a\"}\n");
        var kept = await CliProcess.RunAsync(CliProcess.Fmp, Import("label-studio.json", "kept.jsonl"), TimeSpan.FromMinutes(1), workingDirectory: _dir);
        Assert.Equal(2, kept.ExitCode);
        Assert.Contains("kept.jsonl exists; it is kept", kept.Output, StringComparison.Ordinal);
        Assert.Equal("{\"id\":\"q2\",\"pref\":\"a\"}\n", await File.ReadAllTextAsync(Path.Combine(_dir, "kept.jsonl")));
        var forced = await CliProcess.RunAsync(CliProcess.Fmp, Import("label-studio.json", "kept.jsonl", "--force"), TimeSpan.FromMinutes(1), workingDirectory: _dir);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("{\"id\":\"q1\",\"pref\":\"a\"}\n{\"id\":\"q3\",\"pref\":\"b\"}\n", await File.ReadAllTextAsync(Path.Combine(_dir, "kept.jsonl")));

        // Options: no pool to match against, an unknown format, --fields where it means nothing.
        var noPool = await CliProcess.RunAsync(CliProcess.Fmp, ["curator", "import", "--format", "trl", "--from", "preferences.jsonl", "--out", "x.jsonl"], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["FMP_RPC"] = "" }, workingDirectory: _dir);
        Assert.Equal(2, noPool.ExitCode);
        Assert.Contains("--tasks is required", noPool.Output, StringComparison.Ordinal);
        var format = await CliProcess.RunAsync(CliProcess.Fmp, Import("label-studio.json", "y.jsonl", "--format", "csv"), TimeSpan.FromMinutes(1), workingDirectory: _dir);
        Assert.Equal(2, format.ExitCode);
        var fields = await CliProcess.RunAsync(CliProcess.Fmp, ["curator", "import", "--tasks", "tasks.jsonl", "--format", "trl", "--from", "preferences.jsonl", "--out", "z.jsonl", "--fields", "a,b,c"], TimeSpan.FromMinutes(1), workingDirectory: _dir);
        Assert.Equal(2, fields.ExitCode);
        Assert.Contains("--fields is for label-studio and argilla", fields.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.jsonl")) || File.Exists(Path.Combine(_dir, "y.jsonl")) || File.Exists(Path.Combine(_dir, "z.jsonl")));
    }

    private async Task WriteInputsAsync()
    {
        await File.WriteAllBytesAsync(Path.Combine(_dir, "tasks.jsonl"), CanonicalWriter.ToBytes(Pool.Select(ProtocolFiles.ToLine)));
        await File.WriteAllTextAsync(Path.Combine(_dir, "label-studio.json"), LabelStudio, new UTF8Encoding(false));
        await File.WriteAllTextAsync(Path.Combine(_dir, "argilla.json"), Argilla, new UTF8Encoding(false));
        await File.WriteAllTextAsync(Path.Combine(_dir, "preferences.jsonl"), Trl, new UTF8Encoding(false));
    }

    [GeneratedRegex(@"<!-- curator import example -->\s*```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ImportBlock();
}
