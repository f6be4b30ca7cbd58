using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Protocol.Core.Hashing;
using Protocol.Core.Reports;

namespace Protocol.Core.Files;

/// <summary>
/// <c>verdict.json</c>: what a node publishes (and <c>fmp evaluate</c> writes) instead of scores and leaves when the
/// sponsor's inputs are unusable. Field order: marketId, round, verdict (the code), metricsHash, detail, digest
/// (docs/formats.md, "Verdicts"); <c>detail</c> is the full message and is not hashed.
/// </summary>
/// <param name="MarketId">The market id, in decimal.</param>
/// <param name="Round">The round the verdict is for.</param>
/// <param name="Verdict">The code, <see cref="VerdictReason.Code"/> (e.g. <c>gold set: missing</c>).</param>
/// <param name="MetricsHash">The verdict report's <c>metricsHash</c> (0x hex), <see cref="VerdictReason.Hash"/>.</param>
/// <param name="Detail">What exactly is wrong.</param>
/// <param name="Digest">The verdict report's EIP-712 digest (0x hex).</param>
public sealed record VerdictFile(
    [property: JsonPropertyName("marketId")] string MarketId,
    [property: JsonPropertyName("round")] uint Round,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("metricsHash")] string MetricsHash,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("digest")] string Digest)
{
    /// <summary>The file's name, where a report's scores.jsonl would be.</summary>
    public const string FileName = "verdict.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions Strict = new() { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    /// <summary>The file for a verdict of <paramref name="reason"/> on market <paramref name="marketId"/>, round <paramref name="round"/>.</summary>
    public static VerdictFile Create(BigInteger marketId, uint round, VerdictReason reason, string detail, Bytes32 digest)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new(marketId.ToString(CultureInfo.InvariantCulture), round, reason.Code, reason.Hash.ToString(), detail, digest.ToString());
    }

    /// <summary>The file's text: indented as the node publishes it, or on one line as <c>fmp evaluate</c> writes it.</summary>
    public string ToJson(bool indented = true) => indented ? JsonSerializer.Serialize(this, Indented) : JsonSerializer.Serialize(this);

    /// <summary>Reads a verdict file; a missing field or a wrong type is a <see cref="JsonException"/>.</summary>
    public static VerdictFile Parse(string json) =>
        JsonSerializer.Deserialize<VerdictFile>(json, Strict) ?? throw new JsonException("a verdict file is a JSON object, not null");
}
