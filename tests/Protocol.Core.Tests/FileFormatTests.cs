using System.Numerics;
using System.Text;
using Protocol.Core.Files;

namespace Protocol.Core.Tests;

public sealed class FileFormatTests
{
    private static readonly System.Text.Json.JsonElement Canonical = Vectors.Load("canonical.json");

    [Fact]
    public async Task Canonical_lines_match_json_stringify_and_read_back()
    {
        var tasks = Canonical.Items("tasks").ToList();
        Assert.NotEmpty(tasks);
        foreach (var c in tasks)
        {
            var r = c.GetProperty("record");
            var item = new TaskItem(r.Str("id"), r.Str("prompt"), r.Str("a"), r.Str("b"));
            Assert.Equal(c.Str("line"), ProtocolFiles.ToLine(item).ToString());
        }

        foreach (var c in Canonical.Items("gold"))
        {
            var r = c.GetProperty("record");
            var item = new GoldItem(r.Str("id"), r.Str("prompt"), r.Str("a"), r.Str("b"), r.Str("pref") == "a" ? Preference.A : Preference.B);
            Assert.Equal(c.Str("line"), ProtocolFiles.ToLine(item).ToString());
        }

        var labels = Canonical.Items("labels").Select(c => c.GetProperty("record")).Select(r => new Label(r.Str("id"), r.Str("pref") == "a" ? Preference.A : Preference.B)).ToList();
        var bytes = CanonicalWriter.ToBytes(labels.Select(ProtocolFiles.ToLine));
        Assert.Equal(string.Concat(Canonical.Items("labels").Select(c => c.Str("line"))), Encoding.UTF8.GetString(bytes));
        Assert.Equal(labels, await ProtocolFiles.ReadLabelsAsync(new MemoryStream(bytes), "labels.jsonl").ToListAsync());
    }

    [Fact]
    public async Task Task_pool_and_gold_round_trip_through_the_writer()
    {
        var tasks = new[] { new TaskItem("1", "Which is kinder?", "Yes \"really\"", "No\n"), new TaskItem("2", "ü", "", "b") };
        var gold = new[] { new GoldItem("g", "p", "a", "b", Preference.B) };
        using var stream = new MemoryStream();
        await CanonicalWriter.WriteAsync(stream, tasks.Select(ProtocolFiles.ToLine));
        stream.Position = 0;
        Assert.Equal(tasks, await ProtocolFiles.ReadTaskPoolAsync(stream, "pool.jsonl").ToListAsync());
        var goldBytes = CanonicalWriter.ToBytes(gold.Select(ProtocolFiles.ToLine));
        Assert.Equal(gold, await ProtocolFiles.ReadGoldAsync(new MemoryStream(goldBytes), "gold.jsonl").ToListAsync());
    }

    [Theory]
    [InlineData("{\"id\":\"1\",\"pref\":\"a\",\"extra\":1}\n", 1, "unknown field \"extra\"")]
    [InlineData("{\"id\":\"1\",\"pref\":\"a\"}\n{\"id\":\"1\",\"pref\":\"b\"}\n", 2, "duplicate id \"1\" (first on line 1)")]
    [InlineData("{\"id\":1,\"pref\":\"a\"}", 1, "field \"id\" must be a string, not a number")]
    [InlineData("{\"id\":\"1\",\"pref\":\"c\"}", 1, "pref must be \"a\" or \"b\"")]
    [InlineData("{\"id\":\"1\",\"pref\":null}", 1, "field \"pref\" must be a string, not null")]
    [InlineData("{\"id\":\"1\"}", 1, "missing field \"pref\"")]
    [InlineData("{\"id\":\"1\",\"id\":\"2\",\"pref\":\"a\"}", 1, "duplicate field \"id\"")]
    [InlineData("{\"id\":\"1\",\"pref\":\"a\"}\n\n{\"id\":\"2\",\"pref\":\"a\"}", 2, "empty line")]
    [InlineData("[\"1\",\"a\"]", 1, "not a JSON object")]
    [InlineData("{\"id\":\"1\",\"pref\":\"a\"} {}", 1, "content after the JSON object")]
    [InlineData("{\"id\":\"1\",\"pref\":\"a\"", 1, "malformed JSON")]
    [InlineData("{\"id\":\"\",\"pref\":\"a\"}", 1, "empty id")]
    public async Task Malformed_label_files_name_the_line_and_the_problem(string content, int line, string problem)
    {
        var error = await Assert.ThrowsAsync<FileFormatException>(() =>
            ProtocolFiles.ReadLabelsAsync(new MemoryStream(Encoding.UTF8.GetBytes(content)), "curator.jsonl").ToListAsync().AsTask());
        Assert.Equal("curator.jsonl", error.FileName);
        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_and_oversized_lines_are_refused()
    {
        byte[] invalid = [.. "{\"id\":\"1\",\"pref\":\"a\"}\n{\"id\":\""u8, 0xC3, 0x28, .. "\",\"pref\":\"a\"}\n"u8];
        var error = await Assert.ThrowsAsync<FileFormatException>(() => ProtocolFiles.ReadLabelsAsync(new MemoryStream(invalid), "x").ToListAsync().AsTask());
        Assert.Equal((2, "not valid UTF-8"), (error.Line, error.Problem));

        var longLine = "{\"id\":\"" + new string('x', 5000) + "\",\"pref\":\"a\"}\n";
        var options = new FileReadOptions { MaxLineBytes = 4096 };
        error = await Assert.ThrowsAsync<FileFormatException>(() =>
            ProtocolFiles.ReadLabelsAsync(new MemoryStream(Encoding.UTF8.GetBytes("{\"id\":\"0\",\"pref\":\"a\"}\n" + longLine)), "x", options).ToListAsync().AsTask());
        Assert.Equal((2, "line longer than 4096 bytes"), (error.Line, error.Problem));
    }

    [Fact]
    public async Task Lines_split_across_read_chunks_and_crlf_are_read()
    {
        var labels = Enumerable.Range(0, 20_000).Select(i => new Label($"item-{i}", i % 3 == 0 ? Preference.A : Preference.B)).ToList();
        var text = Encoding.UTF8.GetString(CanonicalWriter.ToBytes(labels.Select(ProtocolFiles.ToLine))).Replace("\n", "\r\n", StringComparison.Ordinal);
        var read = await ProtocolFiles.ReadLabelsAsync(new MemoryStream(Encoding.UTF8.GetBytes(text.TrimEnd())), "big.jsonl").ToListAsync();
        Assert.Equal(labels, read);
    }

    [Fact]
    public async Task Scores_file_is_sorted_canonical_and_reads_back()
    {
        var scores = new[]
        {
            new ScoreLine("0xBBbb000000000000000000000000000000000002", true, null, 120, 1_500, 2_500, BigInteger.Pow(10, 30), 0, 7, BigInteger.Pow(10, 30) + 7),
            new ScoreLine("0xaaaa000000000000000000000000000000000001", false, "hash mismatch", 0, 0, -10_000, 100, 50, 0, 50),
        };
        var bytes = ScoresFile.ToBytes(scores);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Equal(
            "{\"account\":\"0xaaaa000000000000000000000000000000000001\",\"valid\":false,\"reason\":\"hash mismatch\",\"labels\":0,\"v\":0,\"scoreBps\":-10000,\"stake\":\"100\",\"slash\":\"50\",\"reward\":\"0\",\"payout\":\"50\"}\n"
            + "{\"account\":\"0xbbbb000000000000000000000000000000000002\",\"valid\":true,\"reason\":null,\"labels\":120,\"v\":1500,\"scoreBps\":2500,\"stake\":\"1000000000000000000000000000000\",\"slash\":\"0\",\"reward\":\"7\",\"payout\":\"1000000000000000000000000000007\"}\n",
            text);
        Assert.Equal(bytes, ScoresFile.ToBytes(scores.Reverse()));

        var read = await ScoresFile.ReadAsync(new MemoryStream(bytes), "scores.jsonl").ToListAsync();
        Assert.Equal(scores.Select(s => s with { Account = s.Account.ToLowerInvariant() }).OrderBy(s => s.Account, StringComparer.Ordinal), read);

        var bad = text.Replace("\"stake\":\"100\"", "\"stake\":\"0100\"", StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<FileFormatException>(() => ScoresFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(bad)), "scores.jsonl").ToListAsync().AsTask());
        Assert.Contains("decimal integer string", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixed_decimals_are_stable_and_never_negative_zero()
    {
        Assert.Equal("{\"x\":\"0.000\",\"y\":\"-1.235\",\"z\":\"2.000\"}\n",
            new CanonicalLine().FixedPoint("x", -0.0001, 3).FixedPoint("y", -1.2346, 3).FixedPoint("z", 2, 3).ToString());
    }
}
