using Dapper;
using Npgsql;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>The node's numbered migrations on a real PostgreSQL database, each test in a schema of its own.</summary>
public sealed class NodeSchemaTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string ContractA = "0x5FbDB2315678afecb367f032d93F642f64180aa3", ContractB = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

    [Fact]
    public async Task A_database_of_the_unversioned_schema_is_migrated_once_and_its_rows_go_to_the_contract_the_node_watches()
    {
        await using var schema = await FreshSchemaAsync();
        // What a node of before the versions left behind: version 1's tables, a claim and a disagreement.
        await using (var connection = await schema.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(NodeSchema.Migrations[0].Sql);
            await connection.ExecuteAsync("INSERT INTO node_jobs (market_id, round, tries) VALUES (1, 0, 3)");
            await connection.ExecuteAsync("INSERT INTO node_disagreements (market_id, round, digest, signer) VALUES (1, 0, '0xd1', '0xs1')");
        }

        Assert.Equal(NodeSchema.Migrations[^1].Version, await NodeSchema.MigrateAsync(schema, ContractA, CancellationToken.None));
        Assert.Equal(NodeSchema.Migrations[^1].Version, await NodeSchema.MigrateAsync(schema, ContractB, CancellationToken.None)); // nothing runs twice

        await using (var connection = await schema.OpenConnectionAsync())
        {
            Assert.Equal(NodeSchema.Migrations.Select(m => m.Version), await connection.QueryAsync<int>("SELECT version FROM node_schema_versions ORDER BY version"));
            Assert.Equal((ContractA.ToLowerInvariant(), 3), await connection.QuerySingleAsync<(string, int)>("SELECT market_contract, tries FROM node_jobs"));
            Assert.Equal(ContractA.ToLowerInvariant(), await connection.QuerySingleAsync<string>("SELECT market_contract FROM node_disagreements"));

            // Market 1, round 0 of another contract is a claim of its own, not a conflict with the first one's.
            Assert.Equal(1, await connection.ExecuteAsync("INSERT INTO node_jobs (market_contract, market_id, round) VALUES (@c, 1, 0) ON CONFLICT DO NOTHING", new { c = ContractB.ToLowerInvariant() }));
            Assert.Equal(0, await connection.ExecuteAsync("INSERT INTO node_jobs (market_contract, market_id, round) VALUES (@c, 1, 0) ON CONFLICT DO NOTHING", new { c = ContractA.ToLowerInvariant() }));
            Assert.Equal(1, await connection.ExecuteAsync(
                "INSERT INTO node_disagreements (market_contract, market_id, round, digest, signer) VALUES (@c, 1, 0, '0xd1', '0xs1') ON CONFLICT DO NOTHING", new { c = ContractB.ToLowerInvariant() }));
        }
    }

    [Fact]
    public async Task Nodes_starting_together_on_a_new_database_apply_each_migration_once()
    {
        await using var schema = await FreshSchemaAsync();
        var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => NodeSchema.MigrateAsync(schema, ContractA, CancellationToken.None))));
        Assert.All(versions, v => Assert.Equal(NodeSchema.Migrations[^1].Version, v));
        await using var connection = await schema.OpenConnectionAsync();
        Assert.Equal(NodeSchema.Migrations.Count, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM node_schema_versions"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM node_jobs"));
    }

    // A schema of its own, first on the search path: the tables are created there, and no other test sees them.
    private async Task<NpgsqlDataSource> FreshSchemaAsync()
    {
        var name = "node_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"CREATE SCHEMA {name}");
        }

        return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { SearchPath = name }.ConnectionString);
    }
}
