using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;
using Protocol.Core.Reports;

namespace Protocol.Core.Tests;

/// <summary>
/// leaves.json and verdict.json as typed records: the same bytes as the anonymous objects the node and <c>fmp evaluate</c>
/// wrote before (the TypeScript client, the claim command and the tests read these names), and they read back.
/// </summary>
public sealed class PublishedFileTests
{
    private static readonly BigInteger MarketId = 12;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly Bytes32 Digest = Keccak.Hash("digest"u8.ToArray());

    private static readonly PayoutLeaf[] Leaves =
    [
        new(MarketId, "0x00000000000000000000000000000000000000aa", BigInteger.Parse("1500000000000000000", CultureInfo.InvariantCulture), 4_200),
        new(MarketId, "0x00000000000000000000000000000000000000bb", 0, -10_000),
        new(MarketId, "0x000000000000000000000000000000000000dead", 7, int.MinValue),
    ];

    [Fact]
    public void Leaves_file_is_byte_for_byte_what_the_node_wrote_and_reads_back()
    {
        var tree = MerkleTree.Build(Leaves.Select(l => l.Hash));
        var file = LeavesFile.Create(MarketId, 2, tree, Digest, Leaves);

        // The node's anonymous object before LeavesFile, serialized as it did (indented).
        var before = JsonSerializer.Serialize(new
        {
            marketId = MarketId.ToString(CultureInfo.InvariantCulture),
            round = 2u,
            root = tree.Root.ToString(),
            digest = Digest.ToString(),
            leaves = Leaves.Select(l => new
            {
                account = l.Account,
                amount = l.Amount.ToString(CultureInfo.InvariantCulture),
                scoreBps = l.ScoreBps,
                proof = tree.Proof(l.Hash).Select(p => p.ToString()),
            }),
        }, Indented);
        Assert.Equal(before, file.ToJson());

        using var document = JsonDocument.Parse(file.ToJson());
        Assert.Equal(["marketId", "round", "root", "digest", "leaves"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.All(document.RootElement.GetProperty("leaves").EnumerateArray(),
            leaf => Assert.Equal(["account", "amount", "scoreBps", "proof"], leaf.EnumerateObject().Select(p => p.Name)));

        var read = LeavesFile.Parse(file.ToJson());
        Assert.Equal(file.ToJson(), read.ToJson());
        Assert.Equal(Leaves, read.Leaves.Select(l => l.ToLeaf(MarketId)));
        Assert.All(read.Leaves, l => Assert.True(MerkleTree.Verify(Bytes32.Parse(read.Root), l.ToLeaf(MarketId).Hash, l.ProofHashes())));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Verdict_file_is_byte_for_byte_what_the_node_and_fmp_evaluate_wrote_and_reads_back(bool indented)
    {
        var reason = new VerdictReason(VerdictReason.GoldSet, VerdictReason.HashMismatch);
        const string detail = "committed 0x01…, file has \"0x02\" <é> & 'so on'";
        var file = VerdictFile.Create(MarketId, 1, reason, detail, Digest);

        // The node serialized this object indented; fmp evaluate on one line.
        var before = JsonSerializer.Serialize(new
        {
            marketId = MarketId.ToString(CultureInfo.InvariantCulture), round = 1u, verdict = reason.Code,
            metricsHash = reason.Hash.ToString(), detail, digest = Digest.ToString(),
        }, indented ? Indented : JsonSerializerOptions.Default);
        Assert.Equal(before, file.ToJson(indented));

        using var document = JsonDocument.Parse(file.ToJson(indented));
        Assert.Equal(["marketId", "round", "verdict", "metricsHash", "detail", "digest"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("gold set: hash mismatch", document.RootElement.GetProperty("verdict").GetString());

        Assert.Equal(file, VerdictFile.Parse(file.ToJson(indented)));
    }

    [Fact]
    public void A_file_without_a_field_is_refused()
    {
        Assert.Throws<JsonException>(() => VerdictFile.Parse("""{"marketId":"1","round":0,"verdict":"gold set: missing","metricsHash":"0x00","digest":"0x00"}"""));
        Assert.Throws<JsonException>(() => LeavesFile.Parse("""{"marketId":"1","round":0,"root":"0x00","leaves":[]}"""));
        Assert.Throws<JsonException>(() => LeavesFile.Parse("null"));
    }

    [Fact]
    public void Verdict_codes_hash_as_documented()
    {
        Assert.Equal(Keccak.Hash("fmp-verdict/1 features: malformed"u8.ToArray()), new VerdictReason(VerdictReason.Features, VerdictReason.Malformed).Hash);
        var report = new VerdictReason(VerdictReason.TaskPool, VerdictReason.Missing).ToReport(MarketId, 3);
        Assert.Equal(new byte[32], report.ResultsRoot);
        Assert.True(report.TotalPayout.IsZero);
    }
}
