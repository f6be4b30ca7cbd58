using System.Numerics;
using Npgsql;
using Protocol.Core.Contracts;
using Protocol.Core.Hashing;

namespace Protocol.Node.Signing;

/// <summary>A report this node signed, as persisted before it is submitted.</summary>
public sealed record SignedReport(BigInteger MarketId, uint Round, Bytes32 Digest, byte[] Signature);

/// <summary>
/// The node asked to sign a different report for a market and round it already signed: signing would be
/// equivocation (its bond would be slashed), so it refuses. Usually a sign of a non-deterministic input.
/// </summary>
public sealed class EquivocationRefusedException(BigInteger marketId, uint round, Bytes32 signedDigest, Bytes32 asked)
    : Exception($"market {marketId} round {round}: already signed {signedDigest}; refusing to sign {asked}")
{
    public Bytes32 SignedDigest { get; } = signedDigest;

    public Bytes32 AskedDigest { get; } = asked;
}

/// <summary>
/// The equivocation guard: one persisted (market, round) → digest record per signer and market contract. The record
/// is checked, under a row lock, before any signature is made; a signature is persisted in the same
/// transaction before anyone can submit it. A node that restarts mid-job, runs twice, or is asked again
/// gets back the same signature or a refusal — never a second digest.
/// </summary>
public sealed class ReportLedger(NpgsqlDataSource dataSource, BigInteger chainId, string marketContract, string signer)
{
    private readonly NodeStore _store = new(dataSource, marketContract);

    /// <summary>Creates the ledger's table, and every other table of the node (<see cref="NodeSchema"/>), if this database lacks them.</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => _store.MigrateAsync(cancellationToken);

    /// <summary>
    /// Returns this node's signature over <paramref name="report"/>: the persisted one when the same digest
    /// was signed before, a new one (persisted first) when nothing was signed for this market and round.
    /// </summary>
    /// <exception cref="EquivocationRefusedException">A different digest was signed for this market and round.</exception>
    public async Task<SignedReport> SignOnceAsync(Report report, Bytes32 digest, Func<byte[]> sign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (signed, signature) = await _store.SignOnceAsync(chainId, signer, report.MarketId, report.Round, digest, sign, cancellationToken).ConfigureAwait(false);
        return signed == digest
            ? new SignedReport(report.MarketId, report.Round, signed, signature)
            : throw new EquivocationRefusedException(report.MarketId, report.Round, signed, digest);
    }
}
