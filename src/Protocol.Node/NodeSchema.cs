using Dapper;
using Npgsql;

namespace Protocol.Node;

/// <summary>One numbered change to the node's database, run once, in order, in its own transaction.</summary>
/// <param name="Version">Its number; <c>node_schema_versions</c> records each one applied.</param>
/// <param name="Name">What it changes, for the record.</param>
/// <param name="Sql">The statements; <c>@contract</c> is the market contract the node watches (lower case).</param>
public sealed record NodeMigration(int Version, string Name, string Sql);

/// <summary>
/// The node's tables as numbered migrations, applied (with whatever else the caller installs: Hangfire's schema) under
/// one advisory lock: processes of one oracle starting together on one database would otherwise race, since
/// PostgreSQL's <c>CREATE TABLE IF NOT EXISTS</c> fails against a concurrent twin (seen: a duplicate key in
/// <c>pg_type</c> stopped the second process). Every table is keyed by the market contract, so one database can serve
/// nodes of several contracts.
/// </summary>
public static class NodeSchema
{
    private const long LockKey = 0x46_4D_50_4E_4F_44_45; // "FMPNODE"

    /// <summary>
    /// Version 1 is the schema the node created before it had versions, every statement idempotent, so a database of
    /// that time adopts it unchanged. Version 2 keys the scan's claims and the disagreements it saw by contract (rows
    /// of version 1 belonged to the contract the node watched when it upgraded: they get that one).
    /// </summary>
    public static IReadOnlyList<NodeMigration> Migrations { get; } =
    [
        new(1, "the signing ledger, the scan's claims, disagreements, disputes and equivocation proofs", """
            CREATE TABLE IF NOT EXISTS oracle_reports (
                signer text NOT NULL, chain_id numeric NOT NULL, market_contract text NOT NULL, market_id numeric(78,0) NOT NULL,
                round bigint NOT NULL, digest text NOT NULL, signature text NOT NULL, signed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (signer, chain_id, market_contract, market_id, round));
            CREATE TABLE IF NOT EXISTS node_jobs (market_id numeric(78,0) NOT NULL, round bigint NOT NULL, job_id text,
                enqueued_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (market_id, round));
            ALTER TABLE node_jobs ADD COLUMN IF NOT EXISTS tries integer NOT NULL DEFAULT 0, ADD COLUMN IF NOT EXISTS failed_at timestamptz,
                ADD COLUMN IF NOT EXISTS next_try_at timestamptz, ADD COLUMN IF NOT EXISTS bond_needed numeric(78,0),
                ADD COLUMN IF NOT EXISTS last_error text, ADD COLUMN IF NOT EXISTS done_at timestamptz;
            CREATE TABLE IF NOT EXISTS node_disagreements (market_id numeric(78,0) NOT NULL, round bigint NOT NULL, digest text NOT NULL,
                signer text NOT NULL, seen_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (market_id, round, digest, signer));
            CREATE TABLE IF NOT EXISTS node_disputes (market_contract text NOT NULL, market_id numeric(78,0) NOT NULL, round bigint NOT NULL,
                accepted_digest text NOT NULL, our_digest text NOT NULL, bond numeric(78,0) NOT NULL, tx_hash text NOT NULL,
                disputed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (market_contract, market_id, round));
            ALTER TABLE node_disputes ADD COLUMN IF NOT EXISTS outcome text;
            CREATE TABLE IF NOT EXISTS node_equivocations (market_contract text NOT NULL, market_id numeric(78,0) NOT NULL, round bigint NOT NULL,
                signer text NOT NULL, tx_hash text, proven_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (market_contract, market_id, round, signer));
            """),
        new(2, "the scan's claims and the disagreements it saw, keyed by market contract", """
            ALTER TABLE node_jobs ADD COLUMN market_contract text;
            UPDATE node_jobs SET market_contract = @contract;
            ALTER TABLE node_jobs ALTER COLUMN market_contract SET NOT NULL, DROP CONSTRAINT node_jobs_pkey, ADD PRIMARY KEY (market_contract, market_id, round);
            ALTER TABLE node_disagreements ADD COLUMN market_contract text;
            UPDATE node_disagreements SET market_contract = @contract;
            ALTER TABLE node_disagreements ALTER COLUMN market_contract SET NOT NULL, DROP CONSTRAINT node_disagreements_pkey,
                ADD PRIMARY KEY (market_contract, market_id, round, digest, signer);
            """),
    ];

    /// <summary>Applies the migrations this database lacks (for a node watching <paramref name="marketContract"/>); returns its version.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource db, string marketContract, CancellationToken cancellationToken)
    {
        await CreateAsync(db, marketContract, () => 0, cancellationToken).ConfigureAwait(false);
        return Migrations[^1].Version;
    }

    /// <summary>Applies the migrations this database lacks, then <paramref name="installOthers"/>, under the node's schema lock.</summary>
    public static async Task<T> CreateAsync<T>(NpgsqlDataSource db, string marketContract, Func<T> installOthers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(marketContract);
        ArgumentNullException.ThrowIfNull(installOthers);
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@LockKey)", new { LockKey }).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS node_schema_versions (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").ConfigureAwait(false);
            var applied = (await connection.QueryAsync<int>("SELECT version FROM node_schema_versions").ConfigureAwait(false)).ToHashSet();
            foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(migration.Sql, new { contract = marketContract.ToLowerInvariant() }, transaction).ConfigureAwait(false);
                await connection.ExecuteAsync("INSERT INTO node_schema_versions (version, name) VALUES (@Version, @Name)", migration, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return installOthers();
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey }).ConfigureAwait(false);
        }
    }
}
