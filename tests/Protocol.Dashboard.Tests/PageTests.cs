using System.Net;
using Microsoft.Playwright;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Dashboard.Tests;

/// <summary>Every page loads cleanly in Chromium, draws its charts, and is saved as a screenshot.</summary>
[Trait("tier", "slow")]
[Collection(DashboardGroup.Name)]
public sealed class PageTests(DashboardSite site)
{
    public static TheoryData<string, string> Pages()
    {
        var pages = new TheoryData<string, string>
        {
            { "#/markets", "markets" },
            { "#/leaderboard", "leaderboard" },
            { "#/oracles", "oracles" },
        };
        for (var m = 1; m <= DashboardSite.MarketCount; m++)
        {
            pages.Add($"#/markets/{m}", $"market-{m}");
        }

        foreach (var c in new[] { 4, 5, 6, 7 })
        {
            pages.Add($"#/curators/{AnvilFixture.DevAddress(c).ToLowerInvariant()}", $"curator-{c}");
        }

        foreach (var o in new[] { 1, 2, 3 })
        {
            pages.Add($"#/oracles/{AnvilFixture.DevAddress(o).ToLowerInvariant()}", $"oracle-{o}");
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_loads_without_errors_and_draws_every_chart(string hash, string name)
    {
        await using var visit = await Visit.OpenAsync(site, hash);
        Assert.Null(await visit.Page.GetAttributeAsync("body", "data-error"));
        var painted = await visit.PaintedPixelsPerCanvasAsync();
        Assert.NotEmpty(painted);
        Assert.All(painted, pixels => Assert.True(pixels > 500, $"a chart on {hash} is blank ({pixels} painted pixels)"));
        Assert.NotEmpty(await visit.Page.QuerySelectorAllAsync("table[data-table] tbody tr"));
        await visit.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSite.Artifacts, $"{name}.png"), FullPage = true });
        Assert.Empty(visit.Errors);
    }

    [Fact]
    public async Task Dark_and_light_themes_follow_the_system()
    {
        await using var light = await Visit.OpenAsync(site, "#/markets/1", ColorScheme.Light);
        await using var dark = await Visit.OpenAsync(site, "#/markets/1", ColorScheme.Dark);
        const string Background = "() => getComputedStyle(document.body).backgroundColor";
        var (lightBackground, darkBackground) = (await light.Page.EvaluateAsync<string>(Background), await dark.Page.EvaluateAsync<string>(Background));
        Assert.NotEqual(lightBackground, darkBackground);
        Assert.Equal("rgb(246, 247, 249)", lightBackground);
        Assert.Equal("rgb(18, 21, 27)", darkBackground);
        Assert.All(await dark.PaintedPixelsPerCanvasAsync(), pixels => Assert.True(pixels > 500));
        await dark.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSite.Artifacts, "market-1-dark.png"), FullPage = true });
        Assert.Empty(light.Errors.Concat(dark.Errors));
    }

    [Fact]
    public async Task Links_lead_from_the_market_list_to_a_market_to_a_curator()
    {
        await using var visit = await Visit.OpenAsync(site, "#/markets");
        await visit.Page.ClickAsync("table[data-table=markets] tbody tr[data-key='1'] a");
        await visit.WaitReadyAsync("#/markets/1");
        var curator = AnvilFixture.DevAddress(4).ToLowerInvariant();
        await visit.Page.ClickAsync($"table[data-table=submissions] tbody tr[data-key='{curator}'] a");
        await visit.WaitReadyAsync($"#/curators/{curator}");
        Assert.Contains(curator, await visit.Page.TextContentAsync("h1"), StringComparison.Ordinal);
        Assert.Empty(visit.Errors);
    }

    [Fact]
    public async Task An_unknown_market_says_so_instead_of_a_blank_page()
    {
        await using var visit = await Visit.OpenAsync(site, "#/markets/999");
        Assert.Contains("404", await visit.Page.GetAttributeAsync("body", "data-error"), StringComparison.Ordinal);
        Assert.Equal("Could not load this page", await visit.Page.TextContentAsync("[role=alert] h1"));
    }

    [Fact]
    public async Task Files_are_served_from_the_assembly_under_a_strict_content_security_policy()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(site.BaseUrl) };
        using var root = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/dashboard/", root.Headers.Location?.OriginalString);
        using var script = await http.GetAsync("/dashboard/app.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", script.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("Chart", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/missing.js")).StatusCode);
    }
}
