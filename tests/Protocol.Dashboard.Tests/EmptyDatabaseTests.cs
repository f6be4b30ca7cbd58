using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Protocol.Api;
using Protocol.Indexer.Schema;
using Protocol.TestSupport;

namespace Protocol.Dashboard.Tests;

/// <summary>An indexer that has just started: the schema is there, nothing happened yet. Pages say so, without errors.</summary>
[Collection(DashboardGroup.Name)]
public sealed class EmptyDatabaseTests(DashboardSite site)
{
    [Theory]
    [InlineData("#/markets")]
    [InlineData("#/leaderboard")]
    [InlineData("#/oracles")]
    public async Task A_page_over_an_empty_database_loads_cleanly_and_says_there_is_nothing_yet(string hash)
    {
        var connectionString = await site.Db.Cluster.CreateDatabaseAsync("empty_" + Guid.NewGuid().ToString("N")[..8]);
        await using (var db = NpgsqlDataSource.Create(connectionString))
        {
            await Migrator.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);
        }

        var url = $"http://127.0.0.1:{FreePort.Next()}";
        await using var app = ApiHost.Build(connectionString, url);
        await app.StartAsync();
        await using var visit = await Visit.OpenAsync(site, hash, baseUrl: url);
        Assert.Null(await visit.Page.GetAttributeAsync("body", "data-error"));
        Assert.Equal("Nothing yet.", await visit.Page.TextContentAsync("[data-card] .empty"));
        Assert.Empty(visit.Errors);
        await app.StopAsync();
    }
}
