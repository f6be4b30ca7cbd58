using System.Numerics;
using System.Text;
using Protocol.Core.Contracts;
using Protocol.Core.Hashing;

namespace Protocol.Core.Reports;

/// <summary>
/// Why the sponsor's inputs cannot be evaluated, as a short code every honest node reaches from the same published
/// bytes: <c>"gold set: missing"</c>, <c>"task pool: hash mismatch"</c>, <c>"features: malformed"</c>, and
/// <c>"gold set: contradicted by labels"</c> when the evaluation itself shows the gold set wrong (node rule
/// gold-check/1). Node-side problems (a network outage, file URIs disabled, no IPFS gateway, an unknown spec) never
/// make a verdict. The codes are docs/formats.md, "Verdicts"; a verdict's published file is <see cref="Files.VerdictFile"/>.
/// </summary>
/// <param name="Input">Which input: <see cref="TaskPool"/>, <see cref="GoldSet"/> or <see cref="Features"/>.</param>
/// <param name="Kind">What is wrong with it: <see cref="Missing"/>, <see cref="HashMismatch"/>, <see cref="Malformed"/> or <see cref="ContradictedByLabels"/>.</param>
public sealed record VerdictReason(string Input, string Kind)
{
    public const string TaskPool = "task pool", GoldSet = "gold set", Features = "features";
    public const string Missing = "missing", HashMismatch = "hash mismatch", Malformed = "malformed";

    /// <summary>
    /// The model trained on every valid label agrees with the gold set less often than chance, beyond luck
    /// (rule gold-check/1): a gold set with its prefs flipped would otherwise slash honest curators.
    /// </summary>
    public const string ContradictedByLabels = "contradicted by labels";

    /// <summary>The prefix of the hashed text: <c>metricsHash = keccak256("fmp-verdict/1 " + code)</c>.</summary>
    public const string HashPrefix = "fmp-verdict/1 ";

    /// <summary>The code the verdict commits to, e.g. <c>gold set: missing</c>.</summary>
    public string Code => $"{Input}: {Kind}";

    /// <summary>The report's <c>metricsHash</c>: keccak256 of <c>"fmp-verdict/1 " + Code</c> in UTF-8.</summary>
    public Bytes32 Hash => Keccak.Hash(Encoding.UTF8.GetBytes(HashPrefix + Code));

    /// <summary>
    /// The verdict report: no results root, no payout, no scores; <c>metricsHash</c> names the reason. The contract
    /// forfeits the market once such a report has passed its challenge window.
    /// </summary>
    public Report ToReport(BigInteger marketId, uint round) => new()
    {
        MarketId = marketId, Round = round, ResultsRoot = new byte[32], TotalPayout = BigInteger.Zero,
        ScoresHash = new byte[32], MetricsHash = Hash.ToArray(),
    };
}
