using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Protocol.Api.Apis;

namespace Protocol.Api;

/// <summary>Builds the analysts' web application: the API, its OpenAPI description and the dashboard, on the given (loopback) URLs.</summary>
public static class ApiHost
{
    public static WebApplication Build(string connectionString, string urls, string[]? args = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.WebHost.UseUrls(urls);
        // One line per request is noise for a read-only API; warnings and errors still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A failure to start (a busy port) is reported by fmp api run in one line, not as a logged stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapOpenApi();
        app.MapAnalystApi();
        app.MapDashboard();
        return app;
    }

    /// <summary>
    /// Why the API cannot serve this database (null when it can): unreachable, missing, or without the indexer's schema.
    /// Checked at start, so that a wrong database fails loudly instead of answering every request with 500.
    /// </summary>
    public static async Task<string?> DatabaseProblemAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            return $"--db is not a PostgreSQL connection string: {e.Message}";
        }

        var where = $"database \"{parsed.Database}\" on {parsed.Host}:{parsed.Port}";
        try
        {
            await using var source = NpgsqlDataSource.Create(connectionString);
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT to_regclass('public.schema_migrations') IS NOT NULL AND to_regclass('public.markets') IS NOT NULL", connection);
            var ready = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return ready ? null : $"{where} has no indexer schema: point --db at the database `fmp indexer run` writes (it creates the schema on its first start)";
        }
        catch (PostgresException e)
        {
            return $"{where}: {e.SqlState}: {e.MessageText}";
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return $"cannot reach {where}: {e.GetBaseException().Message}";
        }
    }
}
