using System.Numerics;
using Dapper;
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
    private readonly string _contract = marketContract.ToLowerInvariant();
    private readonly string _signer = signer.ToLowerInvariant();

    /// <summary>Creates the ledger's table, and every other table of the node (<see cref="NodeSchema"/>), if this database lacks them.</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => NodeSchema.MigrateAsync(dataSource, _contract, cancellationToken);

    /// <summary>
    /// Returns this node's signature over <paramref name="report"/>: the persisted one when the same digest
    /// was signed before, a new one (persisted first) when nothing was signed for this market and round.
    /// </summary>
    /// <exception cref="EquivocationRefusedException">A different digest was signed for this market and round.</exception>
    public async Task<SignedReport> SignOnceAsync(Report report, Bytes32 digest, Func<byte[]> sign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(sign);
        var key = new { signer = _signer, chain = (decimal)chainId, contract = _contract, market = (decimal)report.MarketId, round = (long)report.Round };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Serialise every attempt of this key on this (market, round), also across processes sharing the database.
        await connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended(@signer || ':' || @contract || ':' || @chain::text || ':' || @market::text || ':' || @round::text, 0))", key, tx).ConfigureAwait(false);
        var existing = await connection.QuerySingleOrDefaultAsync<(string Digest, string Signature)?>(
            "SELECT digest, signature FROM oracle_reports WHERE signer = @signer AND chain_id = @chain AND market_contract = @contract AND market_id = @market AND round = @round",
            key, tx).ConfigureAwait(false);
        if (existing is { } row)
        {
            var signed = Bytes32.Parse(row.Digest);
            return signed == digest
                ? new SignedReport(report.MarketId, report.Round, signed, Convert.FromHexString(row.Signature[2..]))
                : throw new EquivocationRefusedException(report.MarketId, report.Round, signed, digest);
        }

        var signature = sign();
        await connection.ExecuteAsync(
            "INSERT INTO oracle_reports (signer, chain_id, market_contract, market_id, round, digest, signature) VALUES (@signer, @chain, @contract, @market, @round, @digest, @signature)",
            new { key.signer, key.chain, key.contract, key.market, key.round, digest = digest.ToString(), signature = "0x" + Convert.ToHexStringLower(signature) }, tx).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SignedReport(report.MarketId, report.Round, digest, signature);
    }
}
