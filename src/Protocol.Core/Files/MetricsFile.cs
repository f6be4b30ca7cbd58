using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using static Protocol.Core.Files.JsonLinesReader;

namespace Protocol.Core.Files;

/// <summary>
/// The market line of the metrics file (first line). Field order: kind ("market"), marketId, round, spec,
/// specHash, method, seed, goldHash, goldItems, validCurators, labels, labelledItems, uAll, uEmpty,
/// utilityAll, utilityEmpty, goldAccuracy, trainings, permutations, truncations. <c>uAll</c>/<c>uEmpty</c>
/// are the exact fixed-point utilities (units of 2^−32, integers); <c>utilityAll</c>, <c>utilityEmpty</c>
/// and <c>goldAccuracy</c> are 9-decimal strings for readers.
/// </summary>
public sealed record MarketMetrics(
    BigInteger MarketId,
    uint Round,
    string Spec,
    string SpecHash,
    string Method,
    string Seed,
    string GoldHash,
    long GoldItems,
    long ValidCurators,
    long Labels,
    long LabelledItems,
    long UtilityAllFixed,
    long UtilityEmptyFixed,
    double GoldAccuracy,
    long Trainings,
    long Permutations,
    long Truncations);

/// <summary>
/// A curator line of the metrics file. Field order: kind ("curator"), account, valid, reason, labels,
/// valueNumerator, valueDenominator, phi, v, scoreBps. φ = valueNumerator / (valueDenominator · 2^32)
/// exactly; <c>phi</c> is that value as a 12-decimal string.
/// </summary>
public sealed record CuratorMetrics(
    string Account,
    bool Valid,
    string? Reason,
    long Labels,
    BigInteger ValueNumerator,
    BigInteger ValueDenominator,
    double Phi,
    long Value,
    int ScoreBps);

/// <summary>
/// The canonical metrics file of a report (its keccak256 is the report's <c>metricsHash</c>): the market
/// line, then one line per curator sorted by lower-case account. Everything in it is a deterministic
/// function of the inputs and the spec: no timings, no backend names.
/// </summary>
public static class MetricsFile
{
    public static IReadOnlyList<CanonicalLine> Lines(MarketMetrics market, IEnumerable<CuratorMetrics> curators)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(curators);
        var lines = new List<CanonicalLine>
        {
            new CanonicalLine()
                .Text("kind", "market").Amount("marketId", market.MarketId).Number("round", market.Round)
                .Text("spec", market.Spec).Text("specHash", market.SpecHash).Text("method", market.Method)
                .Text("seed", market.Seed).Text("goldHash", market.GoldHash)
                .Number("goldItems", market.GoldItems).Number("validCurators", market.ValidCurators)
                .Number("labels", market.Labels).Number("labelledItems", market.LabelledItems)
                .Number("uAll", market.UtilityAllFixed).Number("uEmpty", market.UtilityEmptyFixed)
                .FixedPoint("utilityAll", Math.ScaleB(market.UtilityAllFixed, -32), 9)
                .FixedPoint("utilityEmpty", Math.ScaleB(market.UtilityEmptyFixed, -32), 9)
                .FixedPoint("goldAccuracy", market.GoldAccuracy, 9)
                .Number("trainings", market.Trainings).Number("permutations", market.Permutations).Number("truncations", market.Truncations),
        };
        lines.AddRange(curators
            .Select(c => c with { Account = c.Account.ToLowerInvariant() })
            .OrderBy(c => c.Account, StringComparer.Ordinal)
            .Select(c => new CanonicalLine()
                .Text("kind", "curator").Text("account", c.Account).Flag("valid", c.Valid).Text("reason", c.Reason)
                .Number("labels", c.Labels)
                .Text("valueNumerator", c.ValueNumerator.ToString(CultureInfo.InvariantCulture))
                .Text("valueDenominator", c.ValueDenominator.ToString(CultureInfo.InvariantCulture))
                .FixedPoint("phi", c.Phi, 12).Number("v", c.Value).Number("scoreBps", c.ScoreBps)));
        return lines;
    }

    /// <summary>The exact bytes of the file.</summary>
    public static byte[] ToBytes(MarketMetrics market, IEnumerable<CuratorMetrics> curators) =>
        CanonicalWriter.ToBytes(Lines(market, curators));

    private static readonly Field[] MarketFields =
    [
        new("kind", FieldKind.String), new("marketId", FieldKind.Amount), new("round", FieldKind.Integer), new("spec", FieldKind.String),
        new("specHash", FieldKind.String), new("method", FieldKind.String), new("seed", FieldKind.String), new("goldHash", FieldKind.String),
        new("goldItems", FieldKind.Integer), new("validCurators", FieldKind.Integer), new("labels", FieldKind.Integer),
        new("labelledItems", FieldKind.Integer), new("uAll", FieldKind.Integer), new("uEmpty", FieldKind.Integer),
        new("utilityAll", FieldKind.String), new("utilityEmpty", FieldKind.String), new("goldAccuracy", FieldKind.String),
        new("trainings", FieldKind.Integer), new("permutations", FieldKind.Integer), new("truncations", FieldKind.Integer),
    ];

    private static readonly Field[] CuratorFields =
    [
        new("kind", FieldKind.String), new("account", FieldKind.String), new("valid", FieldKind.Boolean), new("reason", FieldKind.NullableString),
        new("labels", FieldKind.Integer), new("valueNumerator", FieldKind.String), new("valueDenominator", FieldKind.String),
        new("phi", FieldKind.String), new("v", FieldKind.Integer), new("scoreBps", FieldKind.Integer),
    ];

    /// <summary>Reads a metrics file strictly: the market line, then curator lines (unique accounts).</summary>
    public static async Task<(MarketMetrics Market, IReadOnlyList<CuratorMetrics> Curators)> ReadAsync(
        Stream stream, string fileName, FileReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        MarketMetrics? market = null;
        var curators = new List<CuratorMetrics>();
        var ci = CultureInfo.InvariantCulture;
        await foreach (var (line, v) in ReadTypedAsync(stream, fileName, n => n == 1 ? (MarketFields, -1) : (CuratorFields, 1), options, cancellationToken).ConfigureAwait(false))
        {
            var kind = (string)v[0]!;
            if (line == 1)
            {
                Expect(kind == "market", $"the first line must have kind \"market\", not \"{kind}\"", fileName, line);
                market = new MarketMetrics(
                    (BigInteger)v[1]!, checked((uint)(long)v[2]!), (string)v[3]!, (string)v[4]!, (string)v[5]!, (string)v[6]!, (string)v[7]!,
                    (long)v[8]!, (long)v[9]!, (long)v[10]!, (long)v[11]!, (long)v[12]!, (long)v[13]!,
                    ParseReal((string)v[16]!, "goldAccuracy", fileName, line), (long)v[17]!, (long)v[18]!, (long)v[19]!);
                continue;
            }

            Expect(kind == "curator", $"kind must be \"curator\", not \"{kind}\"", fileName, line);
            Expect(BigInteger.TryParse((string)v[5]!, NumberStyles.AllowLeadingSign, ci, out var numerator), "valueNumerator is not an integer", fileName, line);
            Expect(BigInteger.TryParse((string)v[6]!, NumberStyles.None, ci, out var denominator) && denominator > 0, "valueDenominator is not a positive integer", fileName, line);
            var score = (long)v[9]!;
            Expect(score is >= -10_000 and <= 10_000, $"scoreBps {score} is outside −10000…10000", fileName, line);
            curators.Add(new CuratorMetrics(
                (string)v[1]!, (bool)v[2]!, (string?)v[3], (long)v[4]!, numerator, denominator,
                ParseReal((string)v[7]!, "phi", fileName, line), (long)v[8]!, (int)score));
        }

        Expect(market is not null, "empty metrics file", fileName, 0);
        return (market!, curators);
    }

    private static double ParseReal(string text, string name, string fileName, int line)
    {
        Expect(double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value),
            $"{name} is not a decimal number: \"{text}\"", fileName, line);
        return value;
    }
}
