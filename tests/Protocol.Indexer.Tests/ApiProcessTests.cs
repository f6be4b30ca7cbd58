using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Protocol.DevChain;
using Protocol.Indexer.Schema;
using Protocol.TestSupport;

namespace Protocol.Indexer.Tests;

/// <summary><c>fmp api run</c> refuses at start, in one line naming what to fix, what it cannot serve.</summary>
[Trait("tier", "slow")]
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

    [Fact]
    public async Task A_database_outage_is_ridden_out_and_requests_succeed_after_it()
    {
        var ready = await db.Cluster.CreateDatabaseAsync("api_outage");
        await using (var source = NpgsqlDataSource.Create(ready))
        {
            await Migrator.MigrateAsync(source, NullLogger.Instance, CancellationToken.None);
        }

        await using var proxy = new TcpOutageProxy(db.Cluster.Port);
        var through = new NpgsqlConnectionStringBuilder(ready) { Port = proxy.Port, Timeout = 5 }.ConnectionString;
        // Port 0: the API picks a free one and prints where it listens.
        using var api = CliProcess.Start(CliProcess.Fmp, ["api", "run", "--db", through, "--urls", "http://127.0.0.1:0"]);
        var bound = await api.WaitForOutputAsync(new System.Text.RegularExpressions.Regex(@"analyst API and dashboard at (http://127\.0\.0\.1:[0-9]+)"), TimeSpan.FromSeconds(60));
        var url = bound.Groups[1].Value;
        Assert.DoesNotMatch(":0$", url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        async Task<int> StatusAsync()
        {
            try
            {
                return (int)(await http.GetAsync(new Uri($"{url}/api/markets"))).StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0; // not listening yet
            }
        }

        async Task WaitForAsync(int status, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while (await StatusAsync() != status)
            {
                Assert.False(api.Process.HasExited, api.Log);
                Assert.True(DateTime.UtcNow < deadline, $"no HTTP {status} within {within}: {api.Log}");
                await Task.Delay(200);
            }
        }

        await WaitForAsync(200, TimeSpan.FromSeconds(60));
        proxy.Down = true;
        var during = await StatusAsync();
        Assert.True(during >= 500, $"HTTP {during} while the database is down");
        // The API keeps no timers of its own over an outage (each request opens a connection from the pool and fails
        // with a 500 while the database is away), so ten seconds show what sixty did: requests keep failing cleanly, the
        // process stays up, and the pool's connections broken by the outage are replaced once it is back.
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.True(await StatusAsync() >= 500, "a request succeeded while the database was down");
        Assert.False(api.Process.HasExited, $"fmp api run stopped during the outage: {api.Log}");
        proxy.Down = false;
        await WaitForAsync(200, TimeSpan.FromSeconds(30)); // new connections once it is back, no restart
        await api.TerminateAsync(TimeSpan.FromSeconds(10));
    }
}
