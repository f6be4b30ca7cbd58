using System.Numerics;
using System.Text;
using Protocol.Core.Files;

namespace Protocol.Core.Tests;

public sealed class MetricsFileTests
{
    private static readonly MarketMetrics Market = new(
        MarketId: 7, Round: 1, Spec: "bt-shapley-v1", SpecHash: "0x" + new string('a', 64), Method: "tmc", Seed: "0x" + new string('b', 64),
        GoldHash: "0x" + new string('c', 64), GoldItems: 1216, ValidCurators: 3, Labels: 900, LabelledItems: 400,
        UtilityAllFixed: -2_147_483_648, UtilityEmptyFixed: -2_977_044_471, GoldAccuracy: 0.766, Trainings: 516, Permutations: 4, Truncations: 12);

    private static readonly CuratorMetrics[] Curators =
    [
        new("0xB000000000000000000000000000000000000002", true, null, 300, -123_456_789, 4, -0.0071861739, -7186, -1500),
        new("0xa000000000000000000000000000000000000001", false, "hash mismatch: expected 0x12, got 0x34", 0, 0, 4, 0, 0, -10_000),
    ];

    [Fact]
    public void Market_line_comes_first_then_curators_by_account()
    {
        var text = Encoding.UTF8.GetString(MetricsFile.ToBytes(Market, Curators));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("{\"kind\":\"market\",\"marketId\":\"7\",\"round\":1,", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"utilityAll\":\"-0.500000000\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"goldAccuracy\":\"0.766000000\"", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("{\"kind\":\"curator\",\"account\":\"0xa000", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"valueNumerator\":\"-123456789\",\"valueDenominator\":\"4\",\"phi\":\"-0.007186173900\"", lines[2], StringComparison.Ordinal);
        Assert.Equal(MetricsFile.ToBytes(Market, Curators), MetricsFile.ToBytes(Market, Curators.Reverse()));
    }

    [Fact]
    public async Task Metrics_read_back_exactly()
    {
        var (market, curators) = await MetricsFile.ReadAsync(new MemoryStream(MetricsFile.ToBytes(Market, Curators)), "metrics.jsonl");
        Assert.Equal(Market, market);
        Assert.Equal(2, curators.Count);
        Assert.Equal(new BigInteger(-123_456_789), curators[1].ValueNumerator);
        Assert.Equal("hash mismatch: expected 0x12, got 0x34", curators[0].Reason);
        Assert.Equal(MetricsFile.ToBytes(Market, Curators), MetricsFile.ToBytes(market, curators));
    }

    [Fact]
    public async Task A_curator_listed_twice_or_a_missing_market_line_is_refused()
    {
        var bytes = MetricsFile.ToBytes(Market, Curators);
        var text = Encoding.UTF8.GetString(bytes);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var duplicate = string.Join('\n', lines.Append(lines[2])) + "\n";
        var error = await Assert.ThrowsAsync<FileFormatException>(() => MetricsFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(duplicate)), "m"));
        Assert.Equal(4, error.Line);
        Assert.Contains("duplicate account", error.Problem, StringComparison.Ordinal);

        var headless = string.Join('\n', lines.Skip(1)) + "\n";
        error = await Assert.ThrowsAsync<FileFormatException>(() => MetricsFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(headless)), "m"));
        Assert.Equal(1, error.Line);
    }
}
