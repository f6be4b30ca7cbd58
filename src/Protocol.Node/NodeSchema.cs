using Dapper;
using Npgsql;
using Protocol.Client.Signing;
using Protocol.Node.Jobs;
using Protocol.Node.Signing;

namespace Protocol.Node;

/// <summary>
/// Creates the node's tables, and whatever else the caller installs (Hangfire's schema), under one
/// advisory lock: processes of one oracle starting together on one database would otherwise race,
/// since PostgreSQL's <c>CREATE TABLE IF NOT EXISTS</c> fails against a concurrent twin (seen: a
/// duplicate key in <c>pg_type</c> stopped the second process).
/// </summary>
public static class NodeSchema
{
    private const long LockKey = 0x46_4D_50_4E_4F_44_45; // "FMPNODE"

    public static async Task<T> CreateAsync<T>(NpgsqlDataSource db, ReportLedger ledger, Func<T> installOthers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(installOthers);
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@LockKey)", new { LockKey }).ConfigureAwait(false);
        try
        {
            await ledger.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await ScanJob.EnsureSchemaAsync(db, cancellationToken).ConfigureAwait(false);
            return installOthers();
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey }).ConfigureAwait(false);
        }
    }
}
