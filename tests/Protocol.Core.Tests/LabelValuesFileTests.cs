using System.Text;
using Protocol.Core.Files;

namespace Protocol.Core.Tests;

/// <summary>labels.jsonl: canonical bytes (docs/formats.md, "Label values file"), a strict reader, and a round trip.</summary>
public sealed class LabelValuesFileTests
{
    private static readonly LabelValueLine[] Lines =
    [
        new("0xA000000000000000000000000000000000000001", "pair-1", Preference.A, 1_234_567),
        new("0xa000000000000000000000000000000000000001", "pair \"2\"", Preference.B, -98_765),
        new("0xb000000000000000000000000000000000000002", "pair-1", Preference.B, 0),
    ];

    [Fact]
    public void Lines_are_canonical_and_lower_case_in_the_order_given()
    {
        var text = Encoding.UTF8.GetString(LabelValuesFile.ToBytes(Lines));
        Assert.Equal(
            """
            {"account":"0xa000000000000000000000000000000000000001","id":"pair-1","pref":"a","v":1234567}
            {"account":"0xa000000000000000000000000000000000000001","id":"pair \"2\"","pref":"b","v":-98765}
            {"account":"0xb000000000000000000000000000000000000002","id":"pair-1","pref":"b","v":0}

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public async Task Reading_gives_back_the_same_lines_and_bytes()
    {
        var bytes = LabelValuesFile.ToBytes(Lines);
        var read = await LabelValuesFile.ReadAsync(new MemoryStream(bytes), "labels.jsonl").ToListAsync();
        Assert.Equal(Lines.Select(l => l with { Account = l.Account.ToLowerInvariant() }), read);
        Assert.Equal(bytes, LabelValuesFile.ToBytes(read));
    }

    [Theory]
    [InlineData("""{"account":"0xa000000000000000000000000000000000000001","id":"x","pref":"c","v":1}""", "pref must be \"a\" or \"b\"")]
    [InlineData("""{"account":"0xA000000000000000000000000000000000000001","id":"x","pref":"a","v":1}""", "not a lower-case 0x address")]
    [InlineData("""{"account":"0xa000000000000000000000000000000000000001","id":"x","pref":"a","v":"1"}""", "labels.jsonl:1")]
    [InlineData("""{"account":"0xa000000000000000000000000000000000000001","id":"x","pref":"a"}""", "labels.jsonl:1")]
    [InlineData("{\"account\":\"0xb000000000000000000000000000000000000002\",\"id\":\"x\",\"pref\":\"a\",\"v\":1}\n{\"account\":\"0xa000000000000000000000000000000000000001\",\"id\":\"x\",\"pref\":\"a\",\"v\":1}", "sorted by account")]
    [InlineData("{\"account\":\"0xa000000000000000000000000000000000000001\",\"id\":\"x\",\"pref\":\"a\",\"v\":1}\n{\"account\":\"0xa000000000000000000000000000000000000001\",\"id\":\"x\",\"pref\":\"b\",\"v\":2}", "a second line")]
    public async Task Malformed_files_are_refused_with_the_line(string text, string expected)
    {
        var error = await Assert.ThrowsAsync<FileFormatException>(() => LabelValuesFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), "labels.jsonl").ToListAsync().AsTask());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
