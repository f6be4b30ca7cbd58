using Dapper;
using Hangfire;
using Npgsql;

namespace Protocol.Indexer.Jobs;

/// <summary>Hangfire recurring job: refreshes the materialised views (<c>daily_activity</c>) without blocking readers.</summary>
public sealed class RefreshViewsJob(NpgsqlDataSource db)
{
    public const string Id = "refresh-views";

    public static readonly string[] Views = ["daily_activity"];

    [AutomaticRetry(Attempts = 2)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var view in Views)
        {
            await connection.ExecuteAsync($"REFRESH MATERIALIZED VIEW CONCURRENTLY {view}").ConfigureAwait(false);
        }
    }
}
