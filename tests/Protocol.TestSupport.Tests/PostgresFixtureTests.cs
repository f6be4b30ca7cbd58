using Dapper;
using Npgsql;
using Protocol.TestSupport;

namespace Protocol.TestSupport.Tests;

public sealed class PostgresFixtureTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Rows_written_in_a_transaction_read_back()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("CREATE TABLE stakes (curator text PRIMARY KEY, amount numeric(78,0) NOT NULL)");
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO stakes VALUES (@Curator, @Amount)",
                new[] { new { Curator = "0xa", Amount = 10m }, new { Curator = "0xb", Amount = 32m } },
                tx);
            await tx.CommitAsync();
        }

        var total = await connection.ExecuteScalarAsync<decimal>("SELECT sum(amount) FROM stakes");
        Assert.Equal(42m, total);
        Assert.Equal(database.DatabaseName, await connection.ExecuteScalarAsync<string>("SELECT current_database()"));
    }

    [Fact]
    public async Task Server_listens_on_loopback_and_never_runs_as_root()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal("127.0.0.1", await connection.ExecuteScalarAsync<string>("SELECT host(inet_server_addr())"));
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT current_setting('server_version_num')::int") >= 150000);

        var backendPid = await connection.ExecuteScalarAsync<int>("SELECT pg_backend_pid()");
        var uidLine = File.ReadLines($"/proc/{backendPid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var effectiveUid = uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
        Assert.NotEqual("0", effectiveUid);
    }

    [Fact]
    public async Task Each_fixture_gets_its_own_database_and_drops_it()
    {
        var other = new PostgresDatabaseFixture();
        await other.InitializeAsync();
        Assert.NotEqual(database.DatabaseName, other.DatabaseName);
        Assert.Same(database.Cluster, other.Cluster);

        await using (var connection = await other.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("CREATE TABLE only_here (id int)");
        }

        await using (var mine = await database.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(0, await mine.ExecuteScalarAsync<int>("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'"));
        }

        await other.DisposeAsync();
        await using var admin = new NpgsqlConnection(database.Cluster.AdminConnectionString);
        Assert.Equal(0, await admin.ExecuteScalarAsync<int>("SELECT count(*) FROM pg_database WHERE datname = @name", new { name = other.DatabaseName }));
    }
}
