using System.Globalization;
using System.Numerics;

namespace Protocol.Dashboard.Tests;

/// <summary>Tables sort on a click and download as CSV in the order shown.</summary>
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
}
