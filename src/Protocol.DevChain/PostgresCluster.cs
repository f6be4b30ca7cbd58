using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Protocol.DevChain;

/// <summary>
/// A throw-away PostgreSQL cluster: initdb into a scratch folder, a free loopback port and a socket
/// folder of its own, run as the <c>postgres</c> user when the tests run as root (the server refuses
/// root). One cluster serves the whole test run (<see cref="SharedAsync"/>); each test class gets a
/// fresh database from the tests' PostgresDatabaseFixture. The cluster stops when the process
/// exits (the demo's too); scripts/test.sh checks that it did.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static PostgresCluster? _shared;

    private readonly Process _server;
    private int _disposed;
    private readonly StringBuilder _output;

    private PostgresCluster(string folder, int port, Process server, StringBuilder output)
    {
        Folder = folder;
        Port = port;
        _server = server;
        _output = output;
    }

    /// <summary>The scratch folder holding the data and socket folders.</summary>
    public string Folder { get; }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>A superuser connection string for the <c>postgres</c> database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    /// <summary>A connection string for <paramref name="database"/> on this cluster.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
        Timeout = 10,
    }.ConnectionString;

    /// <summary>The cluster shared by every test in this process, started on first use.</summary>
    public static async Task<PostgresCluster> SharedAsync(CancellationToken cancellationToken = default)
    {
        await SharedLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync(cancellationToken).ConfigureAwait(false);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return _shared;
        }
        finally
        {
            SharedLock.Release();
        }
    }

    /// <summary>Creates and starts a new cluster.</summary>
    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = FindBinDir();
        var folder = Path.Combine(RepositoryLayout.ScratchRoot, "pg-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(folder, "data");
        var sockets = Path.Combine(folder, "sockets");
        Directory.CreateDirectory(sockets);  // creates the folder too
        if (Posix.IsRoot)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", folder], TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }

        await ProcessRunner.RunAsync(
            AsServiceUser(Path.Combine(bin, "initdb"), out var prefix),
            [.. prefix, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            TimeSpan.FromSeconds(60),
            cancellationToken).ConfigureAwait(false);

        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var server = ProcessRunner.Start(
                AsServiceUser(Path.Combine(bin, "postgres"), out prefix),
                [
                    .. prefix, "-D", data, "-p", port.ToString(CultureInfo.InvariantCulture), "-k", sockets,
                    "-c", "listen_addresses=127.0.0.1",
                    // Durability is worthless for a throw-away cluster and costs seconds per test class.
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "max_connections=200",
                ],
                out var output);
            var cluster = new PostgresCluster(folder, port, server, output);
            if (await cluster.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false))
            {
                return cluster;
            }

            await ProcessRunner.StopAsync(server, Posix.SigInt, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            if (attempt == 3)
            {
                throw new InvalidOperationException($"PostgreSQL did not start in {folder}:\n{output}");
            }
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"", cancellationToken).ConfigureAwait(false);
        return ConnectionString(name);
    }

    /// <summary>Drops a database, closing any connection still open to it.</summary>
    public Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", cancellationToken);

    /// <summary>Stops the server (fast shutdown) and deletes its folder. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await ProcessRunner.StopAsync(_server, Posix.SigInt, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _server.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left behind is harmless; the stopped server is what matters.
        }
    }

    private async Task ExecuteAdminAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_server.HasExited)
            {
                return false;
            }

            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (NpgsqlException)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        return false;
    }

    // The server refuses to run as root, so as root every server binary runs through setpriv as the
    // postgres user (setpriv execs: the child process is the server itself, so signals reach it).
    private static string AsServiceUser(string program, out string[] prefix)
    {
        if (!Posix.IsRoot)
        {
            prefix = [];
            return program;
        }

        prefix = [$"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--", program];
        return "setpriv";
    }

    private static string FindBinDir()
    {
        var configured = Environment.GetEnvironmentVariable("PG_BINDIR");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        const string debianRoot = "/usr/lib/postgresql";
        var newest = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"no PostgreSQL server binaries under {debianRoot}; run scripts/bootstrap.sh or set PG_BINDIR");
    }
}
