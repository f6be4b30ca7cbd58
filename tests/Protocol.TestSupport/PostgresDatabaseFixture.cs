using Npgsql;
using Protocol.DevChain;
using Xunit;

namespace Protocol.TestSupport;

/// <summary>
/// A fresh, empty database for one test class (use as <c>IClassFixture&lt;PostgresDatabaseFixture&gt;</c>),
/// on the cluster shared by the test run. Dropped when the class is done.
/// </summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;

    /// <summary>The database name, unique per fixture instance.</summary>
    public string DatabaseName { get; } = "test_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A connection string for this database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>A pooled data source for this database.</summary>
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>The cluster the database lives on.</summary>
    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("fixture not initialised");

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.SharedAsync().ConfigureAwait(false);
        ConnectionString = await _cluster.CreateDatabaseAsync(DatabaseName).ConfigureAwait(false);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }

        if (_cluster is not null)
        {
            await _cluster.DropDatabaseAsync(DatabaseName).ConfigureAwait(false);
        }
    }
}
