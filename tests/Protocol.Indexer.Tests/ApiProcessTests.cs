using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Protocol.Indexer.Schema;
using Protocol.TestSupport;

namespace Protocol.Indexer.Tests;

/// <summary><c>fmp api run</c> refuses at start, in one line naming what to fix, what it cannot serve.</summary>
public sealed class ApiProcessTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static Task<(int Exit, string Output)> Api(string connectionString, string urls) =>
        CliProcess.RunAsync(CliProcess.Fmp, ["api", "run", "--db", connectionString, "--urls", urls], TimeSpan.FromMinutes(1));

    [Fact]
    public async Task A_missing_database_or_one_without_the_schema_stops_it_at_start()
    {
        var missing = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Database = "no_such_database" }.ConnectionString;
        var (exit, output) = await Api(missing, $"http://127.0.0.1:{FreePort.Next()}");
        Assert.Equal(2, exit);
        Assert.Contains("database \"no_such_database\"", output, StringComparison.Ordinal);
        Assert.Contains("3D000", output, StringComparison.Ordinal);

        var empty = await db.Cluster.CreateDatabaseAsync("api_empty");
        (exit, output) = await Api(empty, $"http://127.0.0.1:{FreePort.Next()}");
        Assert.Equal(2, exit);
        Assert.Contains("has no indexer schema", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_port_is_one_line_naming_the_option()
    {
        var ready = await db.Cluster.CreateDatabaseAsync("api_ready");
        await using (var source = NpgsqlDataSource.Create(ready))
        {
            await Migrator.MigrateAsync(source, NullLogger.Instance, CancellationToken.None);
        }

        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var (exit, output) = await Api(ready, $"http://127.0.0.1:{port}");
        Assert.True(exit == 2, output);
        Assert.Contains($"cannot listen on http://127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.Contains("--urls", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
    }
}
