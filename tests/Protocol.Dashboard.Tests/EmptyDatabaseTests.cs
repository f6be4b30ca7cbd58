using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Protocol.Api;
using Protocol.DevChain;
using Protocol.Indexer.Schema;
using Protocol.TestSupport;

namespace Protocol.Dashboard.Tests;

/// <summary>An indexer that has just started: the schema is there, nothing happened yet. Pages say so, without errors.</summary>
[Trait("tier", "slow")]
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

    [Fact]
    public async Task The_empty_state_is_on_the_page_when_the_load_event_fires()
    {
        // A headless `chromium --screenshot` (no virtual-time budget) captures at the load event: the page must be
        // complete by then, not waiting on requests or timers.
        var connectionString = await site.Db.Cluster.CreateDatabaseAsync("empty_" + Guid.NewGuid().ToString("N")[..8]);
        await using (var db = NpgsqlDataSource.Create(connectionString))
        {
            await Migrator.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);
        }

        var url = $"http://127.0.0.1:{FreePort.Next()}";
        await using var app = ApiHost.Build(connectionString, url);
        await app.StartAsync();
        await using var context = await site.Browser.NewContextAsync(new Microsoft.Playwright.BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        await context.AddInitScriptAsync(
            "window.addEventListener('load', () => { window.atLoad = { ready: document.body.dataset.ready ?? null, empty: document.querySelector('[data-card] .empty')?.textContent ?? null }; });");
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{url}/dashboard/", new Microsoft.Playwright.PageGotoOptions { WaitUntil = Microsoft.Playwright.WaitUntilState.Load });
        var atLoad = await page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.atLoad");
        Assert.Equal("#/markets", atLoad.GetProperty("ready").GetString());
        Assert.Equal("Nothing yet.", atLoad.GetProperty("empty").GetString());
        await app.StopAsync();
    }
}
