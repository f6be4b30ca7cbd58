using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;

namespace Protocol.Core.Files;

/// <summary>
/// An oracle's <c>leaves.json</c>, published with a report (<c>&lt;reports&gt;/reports/&lt;market&gt;/&lt;round&gt;/leaves.json</c>):
/// every account's leaf (amount, score) and its Merkle proof, so that a claimer needs nothing else. Field order:
/// marketId, round, root, digest, leaves[{account, amount, scoreBps, proof}]; amounts and the market id are decimal
/// strings, hashes 0x hex. The TypeScript client and the curators' <c>fmp curator claim</c> read it.
/// </summary>
/// <param name="MarketId">The market id, in decimal.</param>
/// <param name="Round">The report's round.</param>
/// <param name="Root">The report's <c>resultsRoot</c> (0x hex).</param>
/// <param name="Digest">The report's EIP-712 digest (0x hex).</param>
/// <param name="Leaves">One entry per leaf, in the order of the payout table.</param>
public sealed record LeavesFile(
    [property: JsonPropertyName("marketId")] string MarketId,
    [property: JsonPropertyName("round")] uint Round,
    [property: JsonPropertyName("root")] string Root,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("leaves")] IReadOnlyList<LeafEntry> Leaves)
{
    /// <summary>The file's name beside scores.jsonl and metrics.jsonl.</summary>
    public const string FileName = "leaves.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions Strict = new() { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    /// <summary>The file for a report's leaves, each with its proof in <paramref name="tree"/>.</summary>
    public static LeavesFile Create(BigInteger marketId, uint round, MerkleTree tree, Bytes32 digest, IEnumerable<PayoutLeaf> leaves)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(leaves);
        return new(
            marketId.ToString(CultureInfo.InvariantCulture), round, tree.Root.ToString(), digest.ToString(),
            [.. leaves.Select(l => new LeafEntry(l.Account, l.Amount.ToString(CultureInfo.InvariantCulture), l.ScoreBps, [.. tree.Proof(l.Hash).Select(p => p.ToString())]))]);
    }

    /// <summary>The file's text as the node publishes it (indented JSON).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    /// <summary>Reads a leaves file; a missing field or a wrong type is a <see cref="JsonException"/>.</summary>
    public static LeavesFile Parse(string json) =>
        JsonSerializer.Deserialize<LeavesFile>(json, Strict) ?? throw new JsonException("a leaves file is a JSON object, not null");
}

/// <summary>One account's leaf in <see cref="LeavesFile"/>: what it may claim, its score and the proof of its leaf.</summary>
/// <param name="Account">The account (as in the payout table).</param>
/// <param name="Amount">The leaf's amount in token units, in decimal.</param>
/// <param name="ScoreBps">The leaf's score in basis points (the remainder leaf's is <c>int.MinValue</c>).</param>
/// <param name="Proof">The Merkle proof of the leaf (0x hex), from the leaf up.</param>
public sealed record LeafEntry(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("scoreBps")] int ScoreBps,
    [property: JsonPropertyName("proof")] IReadOnlyList<string> Proof)
{
    /// <summary>The leaf of market <paramref name="marketId"/> this entry stands for (its hash is what the proof proves).</summary>
    public PayoutLeaf ToLeaf(BigInteger marketId) => new(marketId, Account, BigInteger.Parse(Amount, NumberStyles.None, CultureInfo.InvariantCulture), ScoreBps);

    /// <summary>The proof as hashes.</summary>
    public IReadOnlyList<Bytes32> ProofHashes() => [.. Proof.Select(Bytes32.Parse)];
}
