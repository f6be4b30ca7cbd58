using System.Text.Json;
using Protocol.Core.Files;

namespace Protocol.Core.Tests;

public sealed class JsonErrorsTests
{
    [Fact]
    public void Positions_are_counted_from_one_and_dot_nets_zero_based_suffix_is_gone()
    {
        var e = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse("{\n  \"a\": 1,\n  \"b\": ]\n}"));
        var described = JsonErrors.Describe(e);
        Assert.StartsWith($"line 3, column {e.BytePositionInLine + 1}: ", described, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", described, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", described, StringComparison.Ordinal);
        Assert.StartsWith($"column {e.BytePositionInLine + 1}: ", JsonErrors.Describe(e, singleLine: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_label_line_names_its_line_and_column_once()
    {
        var error = await Assert.ThrowsAsync<FileFormatException>(() =>
            ProtocolFiles.ReadLabelsAsync(new MemoryStream("{\"id\":\"1\",\"pref\":\"a\"}\n{\"id\":\"2\",,\"pref\":\"a\"}\n"u8.ToArray()), "labels.jsonl").ToListAsync().AsTask());
        Assert.Equal(2, error.Line);
        Assert.StartsWith("malformed JSON at column 11: ", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }
}
