using System.Globalization;
using System.Numerics;

namespace Protocol.Dashboard.Tests;

/// <summary>Tables sort on a click and download as CSV in the order shown.</summary>
[Trait("tier", "slow")]
[Collection(DashboardGroup.Name)]
public sealed class TableTests(DashboardSite site)
{
    [Fact]
    public async Task Clicking_a_header_sorts_and_the_csv_holds_the_rows_as_shown()
    {
        await using var visit = await Visit.OpenAsync(site, "#/leaderboard");
        static BigInteger?[] Profits(List<(string Key, Dictionary<string, (string Text, string Raw)> Cells)> rows) =>
            [.. rows.Select(r => r.Cells["profit"].Raw.Length == 0 ? (BigInteger?)null : BigInteger.Parse(r.Cells["profit"].Raw, CultureInfo.InvariantCulture))];

        await visit.Page.ClickAsync("table[data-table=leaderboard] th[data-col=profit] button");
        var descending = Profits(await visit.TableAsync("leaderboard"));
        Assert.Equal("descending", await visit.Page.GetAttributeAsync("th[data-col=profit]", "aria-sort"));
        Assert.Equal(descending.Where(p => p is not null).OrderByDescending(p => p), descending.Where(p => p is not null));
        Assert.True(descending.Distinct().Count() > 1);

        await visit.Page.ClickAsync("table[data-table=leaderboard] th[data-col=profit] button");
        var shown = await visit.TableAsync("leaderboard");
        var ascending = Profits(shown);
        Assert.Equal(ascending.Where(p => p is not null).OrderBy(p => p), ascending.Where(p => p is not null));
        Assert.NotEqual(descending, ascending);

        var download = await visit.Page.RunAndWaitForDownloadAsync(() => visit.Page.ClickAsync("[data-card=leaderboard] button.csv"));
        Assert.Equal("leaderboard.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("curator,markets,staked,paid,profit,slashed,mean_score_bps", lines[0]);
        Assert.Equal(shown.Select(r => $"{r.Key},{r.Cells["markets"].Raw},{r.Cells["staked"].Raw},{r.Cells["paid"].Raw},{r.Cells["profit"].Raw},{r.Cells["slashed"].Raw},{r.Cells["mean_score_bps"].Raw}"), lines[1..]);
        Assert.Empty(visit.Errors);
    }

    [Fact]
    public async Task At_1280_px_the_markets_table_scrolls_inside_its_card_and_the_page_does_not()
    {
        await using var visit = await Visit.OpenAsync(site, "#/markets"); // a 1280 × 900 viewport
        Assert.Equal(1280, visit.Page.ViewportSize!.Width);
        var layout = await visit.Page.EvaluateAsync<System.Text.Json.JsonElement>(
            """
            () => {
              const wrapper = document.querySelector('table[data-table=markets]').closest('.scroll');
              return {
                page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                table: wrapper.scrollWidth - wrapper.clientWidth,
                overflowX: getComputedStyle(wrapper).overflowX,
                wrapperRight: wrapper.getBoundingClientRect().right,
                viewport: document.documentElement.clientWidth,
              };
            }
            """);
        Assert.Equal(0, layout.GetProperty("page").GetInt32()); // the body never scrolls sideways
        Assert.Equal("auto", layout.GetProperty("overflowX").GetString());
        Assert.True(layout.GetProperty("wrapperRight").GetDouble() <= layout.GetProperty("viewport").GetInt32(), layout.ToString());
        Assert.True(layout.GetProperty("table").GetInt32() > 0, $"the markets table fits at 1280 px, so its scroll is untested: {layout}");
        await visit.Page.EvalOnSelectorAsync("table[data-table=markets]", "t => t.closest('.scroll').scrollLeft = 10000");
        Assert.True(await visit.Page.EvalOnSelectorAsync<double>("table[data-table=markets]", "t => t.closest('.scroll').scrollLeft") > 0);
        Assert.Empty(visit.Errors);
    }
}
