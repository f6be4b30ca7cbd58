using Hangfire.PostgreSql;
using Npgsql;

namespace Protocol.ServiceDefaults;

/// <summary>Hangfire's storage takes its connections from the service's pooled data source.</summary>
public sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
