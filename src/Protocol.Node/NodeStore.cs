using System.Globalization;
using System.Numerics;
using Dapper;
using Npgsql;
using Protocol.Core.Hashing;

namespace Protocol.Node;

/// <summary>A report this node signed, as its ledger holds it.</summary>
public sealed record SignedRow(BigInteger MarketId, uint Round, Bytes32 Digest, DateTimeOffset SignedAt);

/// <summary>A failed evaluation waiting for its next try (see <see cref="NodeStore.DueRetriesAsync"/>).</summary>
public sealed record FailedJob(BigInteger MarketId, uint Round, int Tries, BigInteger? BondNeeded);

/// <summary>What became of a dispute this node opened.</summary>
public enum DisputeOutcome
{
    /// <summary>The arbiter overturned the report, or the dispute expired: the bond came back.</summary>
    Refunded,

    /// <summary>The report stood, or the round was rerun: the bond went to the signers.</summary>
    Lost,
}

/// <summary>
/// Every read and write of the node's own tables (<see cref="NodeSchema"/>), for the nodes of one market contract: the
/// signing ledger (<c>oracle_reports</c>), the scan's claims and retries (<c>node_jobs</c>), the disagreements it saw,
/// and the disputes and equivocation proofs it sent. The jobs, the watcher, the settler and <c>fmp node status</c>
/// call these methods; no other class writes SQL on these tables. Each method opens a pooled connection of its own.
/// </summary>
public sealed class NodeStore(NpgsqlDataSource db, string marketContract)
{
    // The key of this node's rows: one database may hold the rows of nodes of several contracts.
    private readonly string _contract = marketContract.ToLowerInvariant();

    /// <summary>Applies the migrations this database lacks; returns its schema version.</summary>
    public Task<int> MigrateAsync(CancellationToken cancellationToken) => NodeSchema.MigrateAsync(db, _contract, cancellationToken);

    // ---- the signing ledger

    /// <summary>
    /// Under a lock of this (signer, market, round), also across processes: the digest and signature already signed,
    /// or, when there is none, <paramref name="sign"/>'s signature stored before it is returned (one transaction).
    /// </summary>
    public async Task<(Bytes32 Digest, byte[] Signature)> SignOnceAsync(BigInteger chainId, string signer, BigInteger marketId, uint round, Bytes32 digest, Func<byte[]> sign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(sign);
        var key = new { signer = signer.ToLowerInvariant(), chain = (decimal)chainId, contract = _contract, market = (decimal)marketId, round = (long)round };
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended(@signer || ':' || @contract || ':' || @chain::text || ':' || @market::text || ':' || @round::text, 0))", key, tx).ConfigureAwait(false);
        var existing = await connection.QuerySingleOrDefaultAsync<(string Digest, string Signature)?>(
            "SELECT digest, signature FROM oracle_reports WHERE signer = @signer AND chain_id = @chain AND market_contract = @contract AND market_id = @market AND round = @round",
            key, tx).ConfigureAwait(false);
        if (existing is { } row)
        {
            return (Bytes32.Parse(row.Digest), Convert.FromHexString(row.Signature[2..]));
        }

        var signature = sign();
        await connection.ExecuteAsync(
            "INSERT INTO oracle_reports (signer, chain_id, market_contract, market_id, round, digest, signature) VALUES (@signer, @chain, @contract, @market, @round, @digest, @signature)",
            new { key.signer, key.chain, key.contract, key.market, key.round, digest = digest.ToString(), signature = "0x" + Convert.ToHexStringLower(signature) }, tx).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (digest, signature);
    }

    /// <summary>
    /// The reports <paramref name="signer"/> signed for this contract, newest first (at most <paramref name="limit"/>);
    /// none when the database has no ledger yet (a node that never started on it).
    /// </summary>
    public async Task<IReadOnlyList<SignedRow>> SignedAsync(string signer, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('oracle_reports') IS NOT NULL").ConfigureAwait(false))
        {
            return [];
        }

        var rows = await connection.QueryAsync<(string Market, long Round, string Digest, DateTime At)>(
            "SELECT market_id::text, round, digest, signed_at FROM oracle_reports WHERE signer = @signer AND market_contract = @contract ORDER BY signed_at DESC, market_id, round LIMIT @limit",
            new { signer = signer.ToLowerInvariant(), contract = _contract, limit }).ConfigureAwait(false);
        return [.. rows.Select(r => new SignedRow(Id(r.Market), (uint)r.Round, Bytes32.Parse(r.Digest), new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc))))];
    }

    // ---- the scan's claims and the evaluations' retries (node_jobs)

    /// <summary>Claims (market, round) for one evaluation: true for the one scan, of any process, that inserted the row.</summary>
    public async Task<bool> ClaimJobAsync(BigInteger marketId, uint round, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "INSERT INTO node_jobs (market_contract, market_id, round) VALUES (@contract, @m::numeric, @round) ON CONFLICT DO NOTHING",
            Job(marketId, round), cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>Records the Hangfire job that evaluates (market, round).</summary>
    public Task SetJobIdAsync(BigInteger marketId, uint round, string jobId, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE node_jobs SET job_id = @jobId WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round",
            new { jobId, contract = _contract, m = Text(marketId), round = (long)round }, cancellationToken);

    /// <summary>
    /// Failed evaluations not done, whose backoff is over at <paramref name="now"/> or that wait for free bond, by market.
    /// </summary>
    public async Task<IReadOnlyList<FailedJob>> DueRetriesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Market, long Round, int Tries, string? BondNeeded)>(
            "SELECT market_id::text, round, tries, bond_needed::text FROM node_jobs WHERE market_contract = @contract AND done_at IS NULL AND failed_at IS NOT NULL AND (bond_needed IS NOT NULL OR next_try_at <= @now) ORDER BY market_id",
            new { contract = _contract, now }).ConfigureAwait(false);
        return [.. rows.Select(r => new FailedJob(Id(r.Market), (uint)r.Round, r.Tries, r.BondNeeded is null ? null : Id(r.BondNeeded)))];
    }

    /// <summary>Claims a failed evaluation's retry: true for the one scan that cleared its failure.</summary>
    public async Task<bool> ClaimRetryAsync(BigInteger marketId, uint round, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE node_jobs SET failed_at = NULL, next_try_at = NULL, bond_needed = NULL WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round AND failed_at IS NOT NULL AND done_at IS NULL",
            Job(marketId, round), cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>Closes (market, round): evaluated and attested (its failure cleared), or no longer being evaluated (its last error kept).</summary>
    public Task MarkDoneAsync(BigInteger marketId, uint round, DateTimeOffset now, bool succeeded, CancellationToken cancellationToken) =>
        ExecuteAsync(succeeded
                ? "UPDATE node_jobs SET done_at = @now, failed_at = NULL, last_error = NULL WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round"
                : "UPDATE node_jobs SET done_at = @now WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round",
            new { now, contract = _contract, m = Text(marketId), round = (long)round }, cancellationToken);

    /// <summary>
    /// Records a failed try (inserting the row when the job was enqueued by other means) and when to try again: after
    /// <paramref name="backoff"/>(tries), or, with <paramref name="bondNeeded"/>, once that much bond is free. Returns
    /// the number of failed tries so far.
    /// </summary>
    public async Task<int> RecordFailureAsync(BigInteger marketId, uint round, DateTimeOffset now, string error, BigInteger? bondNeeded, Func<int, TimeSpan> backoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backoff);
        // One transaction: a reader that sees the failure also sees what it waits for (a test saw failed_at set and
        // bond_needed not yet).
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var tries = await connection.ExecuteScalarAsync<int>(
            "INSERT INTO node_jobs (market_contract, market_id, round, tries, failed_at, last_error) VALUES (@contract, @m::numeric, @round, 1, @now, @error) " +
            "ON CONFLICT (market_contract, market_id, round) DO UPDATE SET tries = node_jobs.tries + 1, failed_at = @now, last_error = @error RETURNING tries",
            new { contract = _contract, m = Text(marketId), round = (long)round, now, error }, tx).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE node_jobs SET next_try_at = @next, bond_needed = @bond::numeric WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round",
            new
            {
                next = bondNeeded is null ? now + backoff(tries) : (DateTimeOffset?)null,
                bond = bondNeeded?.ToString(CultureInfo.InvariantCulture),
                contract = _contract,
                m = Text(marketId),
                round = (long)round,
            }, tx).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return tries;
    }

    // ---- what the watcher saw and did

    /// <summary>Records another signer's digest that differs from ours: true the first time it is seen.</summary>
    public async Task<bool> RecordDisagreementAsync(BigInteger marketId, uint round, Bytes32 digest, string signer, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "INSERT INTO node_disagreements (market_contract, market_id, round, digest, signer) VALUES (@contract, @m::numeric, @round, @digest, @signer) ON CONFLICT DO NOTHING",
            new { contract = _contract, m = Text(marketId), round = (long)round, digest = digest.ToString(), signer = signer.ToLowerInvariant() }, cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>The disagreeing attestations seen so far (0 when the database has no such table yet).</summary>
    public async Task<long> DisagreementCountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('node_disagreements') IS NOT NULL").ConfigureAwait(false)
            ? await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM node_disagreements WHERE market_contract = @contract", new { contract = _contract }).ConfigureAwait(false)
            : 0;
    }

    /// <summary>Whether this node already disputed (market, round).</summary>
    public async Task<bool> HasDisputedAsync(BigInteger marketId, uint round, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM node_disputes WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round)", Job(marketId, round)).ConfigureAwait(false);
    }

    /// <summary>Records a dispute this node sent, its outcome still open.</summary>
    public Task RecordDisputeAsync(BigInteger marketId, uint round, Bytes32 accepted, Bytes32 ours, BigInteger bond, string txHash, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO node_disputes (market_contract, market_id, round, accepted_digest, our_digest, bond, tx_hash) VALUES (@contract, @m::numeric, @round, @accepted, @ours, @bond::numeric, @tx)",
            new { contract = _contract, m = Text(marketId), round = (long)round, accepted = accepted.ToString(), ours = ours.ToString(), bond = Text(bond), tx = txHash }, cancellationToken);

    /// <summary>The disputes this node sent whose outcome is not recorded yet.</summary>
    public async Task<IReadOnlyList<(BigInteger MarketId, uint Round)>> OpenDisputesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Market, long Round)>(
            "SELECT market_id::text, round FROM node_disputes WHERE market_contract = @contract AND outcome IS NULL ORDER BY market_id, round", new { contract = _contract }).ConfigureAwait(false);
        return [.. rows.Select(r => (Id(r.Market), (uint)r.Round))];
    }

    /// <summary>Records what became of a dispute.</summary>
    public Task SetDisputeOutcomeAsync(BigInteger marketId, uint round, DisputeOutcome outcome, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE node_disputes SET outcome = @outcome WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round",
            new { outcome = outcome == DisputeOutcome.Lost ? "lost" : "refunded", contract = _contract, m = Text(marketId), round = (long)round }, cancellationToken);

    /// <summary>Dispute bonds at risk (dispute open) or lost; refunded ones came back and do not count.</summary>
    public async Task<BigInteger> DisputeBondsSpentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return Id(await connection.ExecuteScalarAsync<string>(
            "SELECT COALESCE(sum(bond), 0)::text FROM node_disputes WHERE market_contract = @contract AND (outcome IS NULL OR outcome = 'lost')",
            new { contract = _contract }).ConfigureAwait(false) ?? "0");
    }

    /// <summary>Claims the proof of <paramref name="signer"/>'s equivocation in (market, round): true the first time.</summary>
    public async Task<bool> ClaimEquivocationAsync(BigInteger marketId, uint round, string signer, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "INSERT INTO node_equivocations (market_contract, market_id, round, signer) VALUES (@contract, @m::numeric, @round, @signer) ON CONFLICT DO NOTHING",
            new { contract = _contract, m = Text(marketId), round = (long)round, signer = signer.ToLowerInvariant() }, cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>Records the transaction that proved an equivocation.</summary>
    public Task RecordEquivocationProofAsync(BigInteger marketId, uint round, string signer, string txHash, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE node_equivocations SET tx_hash = @tx WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round AND signer = @signer",
            new { contract = _contract, m = Text(marketId), round = (long)round, signer = signer.ToLowerInvariant(), tx = txHash }, cancellationToken);

    private object Job(BigInteger marketId, uint round) => new { contract = _contract, m = Text(marketId), round = (long)round };

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static string Text(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    private static BigInteger Id(string text) => BigInteger.Parse(text, CultureInfo.InvariantCulture);
}
