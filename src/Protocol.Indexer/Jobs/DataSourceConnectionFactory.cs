using Hangfire.PostgreSql;
using Npgsql;

namespace Protocol.Indexer.Jobs;

/// <summary>Hangfire's storage takes its connections from the indexer's pooled data source.</summary>
public sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
