using System.Numerics;
using System.Runtime.CompilerServices;
using static Protocol.Core.Files.JsonLinesReader;

namespace Protocol.Core.Files;

/// <summary>
/// One line of the canonical scores file: what the report settled for one curator. Field order in the
/// file: account, valid, reason, labels, v, scoreBps, stake, slash, reward, payout.
/// </summary>
/// <param name="Account">Curator address (written in lower-case hex).</param>
/// <param name="Valid">Whether the label file was revealed, fetched, matched its hash and parsed.</param>
/// <param name="Reason">Why not, when not valid (null when valid).</param>
/// <param name="Labels">Number of labels used (0 when invalid).</param>
/// <param name="Value">Shapley value in micro-units.</param>
/// <param name="ScoreBps">Score in basis points.</param>
/// <param name="Stake">Tokens staked.</param>
/// <param name="Slash">Tokens slashed.</param>
/// <param name="Reward">Share of the distributable pool.</param>
/// <param name="Payout">stake − slash + reward: the amount of the curator's leaf.</param>
public sealed record ScoreLine(
    string Account, bool Valid, string? Reason, long Labels, long Value, int ScoreBps,
    BigInteger Stake, BigInteger Slash, BigInteger Reward, BigInteger Payout);

/// <summary>The canonical scores file of a report (its keccak256 is the report's <c>scoresHash</c>).</summary>
public static class ScoresFile
{
    private static readonly Field[] Fields =
    [
        new("account", FieldKind.String), new("valid", FieldKind.Boolean), new("reason", FieldKind.NullableString),
        new("labels", FieldKind.Integer), new("v", FieldKind.Integer), new("scoreBps", FieldKind.Integer),
        new("stake", FieldKind.Amount), new("slash", FieldKind.Amount), new("reward", FieldKind.Amount), new("payout", FieldKind.Amount),
    ];

    /// <summary>The canonical lines: sorted by lower-case account.</summary>
    public static IReadOnlyList<CanonicalLine> Lines(IEnumerable<ScoreLine> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return [.. scores
            .Select(s => s with { Account = s.Account.ToLowerInvariant() })
            .OrderBy(s => s.Account, StringComparer.Ordinal)
            .Select(s => new CanonicalLine()
                .Text("account", s.Account).Flag("valid", s.Valid).Text("reason", s.Reason)
                .Number("labels", s.Labels).Number("v", s.Value).Number("scoreBps", s.ScoreBps)
                .Amount("stake", s.Stake).Amount("slash", s.Slash).Amount("reward", s.Reward).Amount("payout", s.Payout))];
    }

    /// <summary>The exact bytes of the file.</summary>
    public static byte[] ToBytes(IEnumerable<ScoreLine> scores) => CanonicalWriter.ToBytes(Lines(scores));

    /// <summary>Reads a scores file strictly (an auditor re-checking a published report).</summary>
    public static async IAsyncEnumerable<ScoreLine> ReadAsync(
        Stream stream, string fileName, FileReadOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (line, v) in ReadTypedAsync(stream, fileName, Fields, options, cancellationToken).ConfigureAwait(false))
        {
            var score = (long)v[5]!;
            Expect(score is >= -10_000 and <= 10_000, $"scoreBps {score} is outside −10000…10000", fileName, line);
            yield return new ScoreLine(
                (string)v[0]!, (bool)v[1]!, (string?)v[2], (long)v[3]!, (long)v[4]!, (int)score,
                (BigInteger)v[6]!, (BigInteger)v[7]!, (BigInteger)v[8]!, (BigInteger)v[9]!);
        }
    }
}
