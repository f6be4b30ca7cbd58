using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Protocol.Indexer.Schema;

/// <summary>
/// Applies the embedded SQL migrations (<c>Schema/NNNN_name.sql</c>) in name order, each once and in its
/// own transaction, under an advisory lock so that indexers starting together do not race.
/// </summary>
public static class Migrator
{
    private const long LockKey = 0x46_4D_50_49_44_58; // "FMPIDX"

    /// <summary>The migrations shipped in this assembly, in order.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Migrations { get; } = Load();

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, tx).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", transaction: tx).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<string>("SELECT name FROM schema_migrations", transaction: tx).ConfigureAwait(false)).ToHashSet();
        foreach (var (name, sql) in Migrations.Where(m => !applied.Contains(m.Name)))
        {
            await connection.ExecuteAsync(sql, transaction: tx).ConfigureAwait(false);
            await connection.ExecuteAsync("INSERT INTO schema_migrations (name) VALUES (@name)", new { name }, tx).ConfigureAwait(false);
            Log.Migrated(logger, name);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<(string, string)> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "Protocol.Indexer.Schema.";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[prefix.Length..^4], Read(assembly, n)))];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
