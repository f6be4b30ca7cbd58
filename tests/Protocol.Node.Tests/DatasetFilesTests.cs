using System.Text;
using System.Text.Json;
using Protocol.Client.Datasets;

namespace Protocol.Node.Tests;

/// <summary>The files <c>fmp dataset export</c> writes from its tables, without a chain: here OpenAI's preference form.</summary>
public sealed class DatasetFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-dataset-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_aggregate_is_written_again_in_OpenAIs_preference_fine_tuning_form_one_line_per_comparison()
    {
        var aggregate = new List<AggregateRow>
        {
            new() { Comparison = "t1", Prompt = "Say \"hi\"\nin French", Chosen = "Salut ✓", Rejected = "Hello", Pref = "b", Weight = 1, Agreement = 1, Votes = 1, Agreeing = 1, Curators = ["0xaa"] },
            new() { Comparison = "t2", Prompt = "2+2?", Chosen = "4", Rejected = "5", Pref = "a", Weight = 0.5, Agreement = 0.75, Votes = 2, Agreeing = 1, Curators = ["0xaa", "0xbb"] },
        };
        var tables = new DatasetTables([], aggregate, new DatasetCounts(2, 3, 2, 2, 0, 0, 2, 0));

        var written = await DatasetFiles.WriteAsync(tables, Path.Combine(_dir, "out"), parquet: false, CancellationToken.None);

        var path = Path.Combine(_dir, "out", "aggregate.openai.jsonl");
        Assert.Contains(path, written);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        Assert.Equal(3, lines.Length); // a newline after every line
        Assert.Equal("", lines[2]);
        Assert.Equal(
            """{"input":{"messages":[{"role":"user","content":"Say \"hi\"\nin French"}]},"preferred_output":[{"role":"assistant","content":"Salut ✓"}],"non_preferred_output":[{"role":"assistant","content":"Hello"}]}""",
            lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        var root = second.RootElement;
        Assert.Equal(["input", "preferred_output", "non_preferred_output"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2+2?", root.GetProperty("input").GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal("4", root.GetProperty("preferred_output")[0].GetProperty("content").GetString());
        Assert.Equal("5", root.GetProperty("non_preferred_output")[0].GetProperty("content").GetString());
    }
}
