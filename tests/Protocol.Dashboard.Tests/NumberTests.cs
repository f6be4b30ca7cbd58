using System.Globalization;
using Dapper;
using Microsoft.Playwright;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Dashboard.Tests;

/// <summary>What the pages show equals what the indexed database holds, row by row.</summary>
[Trait("tier", "slow")]
[Collection(DashboardGroup.Name)]
public sealed class NumberTests(DashboardSite site)
{
    private async Task<List<IDictionary<string, object>>> QueryAsync(string sql, object? parameters = null)
    {
        await using var connection = await site.Db.DataSource.OpenConnectionAsync();
        return [.. (await connection.QueryAsync(sql, parameters)).Cast<IDictionary<string, object>>()];
    }

    private static string? Text(object? value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Markets_list_shows_each_markets_summary()
    {
        var expected = await QueryAsync("SELECT market_id::text AS id, phase, status, round, reward_pool::text AS pool, curators, revealed, total_staked::text AS staked, total_claimed::text AS claimed, attestations, disputes FROM market_summary");
        await using var visit = await Visit.OpenAsync(site, "#/markets");
        var rows = (await visit.TableAsync("markets")).ToDictionary(r => r.Key, r => r.Cells);
        Assert.Equal(DashboardSite.MarketCount, expected.Count);
        Assert.Equal(expected.Count, rows.Count);
        foreach (var m in expected)
        {
            var row = rows[(string)m["id"]];
            Assert.Equal(m["phase"], row["phase"].Text);
            Assert.Equal(m["status"], row["status"].Text);
            Assert.Equal(Shown.Count(m["round"]), row["round"].Text);
            Assert.Equal(Shown.Tokens((string)m["pool"]), row["reward_pool"].Text);
            Assert.Equal(Shown.Count(m["curators"]), row["curators"].Text);
            Assert.Equal(Shown.Count(m["revealed"]), row["revealed"].Text);
            Assert.Equal(Shown.Tokens((string)m["staked"]), row["total_staked"].Text);
            Assert.Equal(Shown.Tokens((string)m["claimed"]), row["total_claimed"].Text);
            Assert.Equal(Shown.Count(m["attestations"]), row["attestations"].Text);
            Assert.Equal(Shown.Count(m["disputes"]), row["disputes"].Text);
        }

        var facts = await visit.FactsAsync();
        var totals = (await QueryAsync("SELECT sum(reward_pool)::text AS pool, sum(total_staked)::text AS staked FROM market_summary")).Single();
        Assert.Equal(Shown.Tokens((string)totals["pool"]), facts["reward_pool"]);
        Assert.Equal(Shown.Tokens((string)totals["staked"]), facts["total_staked"]);

        // The activity chart ends where the curators' money stands: every stake in, every curator's claim and refund
        // out (the remainder leaf is burned, not paid to anyone; IndexerChainTests holds claims of both kinds).
        var flows = (await QueryAsync("SELECT (SELECT sum(stake) FROM committed)::text AS staked, ((SELECT COALESCE(sum(amount), 0) FROM claims WHERE kind = 'curator') + (SELECT COALESCE(sum(stake), 0) FROM refunded))::text AS paid")).Single();
        Assert.Equal(Shown.Tokens((string)flows["staked"]), facts["activity_staked"]);
        Assert.Equal(Shown.Tokens((string)flows["paid"]), facts["activity_paid"]);
    }

    [Fact]
    public async Task Each_markets_phase_is_the_one_the_contract_reports()
    {
        var phases = await QueryAsync("SELECT market_id::int AS id, phase FROM market_phases ORDER BY market_id");
        Assert.Equal(DashboardSite.MarketCount, phases.Count);
        foreach (var row in phases)
        {
            var onChain = await site.Anvil.Web3.PhaseAsync(site.Deployment.MarketAddress, (int)row["id"]);
            var name = ((string)row["phase"]).Replace(" (due)", "", StringComparison.Ordinal);
            Assert.Equal(onChain.Name(), name);
        }

        Assert.Equal(["finalized", "finalized", "cancelled", "forfeited", "finalized", "challenge", "open"], phases.Select(p => (string)p["phase"]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task Market_page_shows_its_curators_attestations_and_timeline(int id)
    {
        await using var visit = await Visit.OpenAsync(site, $"#/markets/{id}");
        var summary = (await QueryAsync("SELECT reward_pool::text AS pool, total_staked::text AS staked, total_claimed::text AS claimed, curators FROM market_summary WHERE market_id = @id", new { id })).Single();
        var facts = await visit.FactsAsync();
        Assert.Equal(Shown.Tokens((string)summary["pool"]), facts["reward_pool"]);
        Assert.Equal(Shown.Tokens((string)summary["staked"]), facts["total_staked"]);
        Assert.Equal(Shown.Tokens((string)summary["claimed"]), facts["total_claimed"]);
        Assert.Equal(Shown.Count(summary["curators"]), facts["curators"]);
        Assert.Equal(await QueryAsync("SELECT phase FROM market_phases WHERE market_id = @id", new { id }) is [var p] ? (string)p["phase"] : null, facts["phase"]);

        var expected = await QueryAsync("SELECT curator, stake::text AS stake, score_bps, paid::text AS paid, CASE WHEN claimed IS NOT NULL OR refunded IS NOT NULL THEN (paid - stake)::text END AS profit FROM submissions WHERE market_id = @id", new { id });
        var rows = (await visit.TableAsync("submissions")).ToDictionary(r => r.Key, r => r.Cells);
        Assert.Equal(expected.Count, rows.Count);
        foreach (var s in expected)
        {
            var row = rows[(string)s["curator"]];
            Assert.Equal(Shown.Tokens((string)s["stake"]), row["stake"].Text);
            Assert.Equal(Shown.Count(s["score_bps"]), row["score_bps"].Text);
            Assert.Equal(Shown.Tokens((string)s["paid"]), row["paid"].Text);
            Assert.Equal(Shown.Tokens((string?)s["profit"]), row["profit"].Text); // "—" until settled
        }

        var attestations = await QueryAsync("SELECT signer, digest FROM attestations WHERE market_id = @id", new { id });
        var shown = await visit.TableAsync("attestations");
        Assert.Equal(attestations.Select(a => $"{a["signer"]}/{a["digest"]}").Order(), shown.Select(r => $"{r.Cells["signer"].Raw}/{r.Cells["digest"].Raw}").Order());
        var timeline = await QueryAsync("SELECT event FROM market_timeline WHERE market_id = @id ORDER BY at, kind DESC, event", new { id });
        Assert.Equal(timeline.Select(t => (string)t["event"]), (await visit.TableAsync("timeline")).Select(r => r.Cells["event"].Text));
    }

    // A new sponsor's reading: the sponsor's address wrapped over two lines, and a forfeited market drew empty charts
    // and never said where its pool went. Markets 3 (cancelled) and 4 (forfeited), at both widths the screenshots use.
    [Theory]
    [InlineData(3, 1280)]
    [InlineData(3, 800)]
    [InlineData(4, 1280)]
    [InlineData(4, 800)]
    public async Task A_failed_markets_page_says_where_its_pool_went_draws_no_empty_chart_and_the_sponsor_stays_on_one_line(int id, int width)
    {
        await using var visit = await Visit.OpenAsync(site, $"#/markets/{id}");
        await visit.Page.SetViewportSizeAsync(width, 900);
        await visit.Page.ReloadAsync(); // the charts drawn at this width, not resized to it
        await visit.WaitReadyAsync($"#/markets/{id}");
        var failed = (await QueryAsync("SELECT pool::text AS pool, pool_recipient, 'was cancelled' AS verb FROM market_cancelled WHERE market_id = @id UNION ALL SELECT pool::text, pool_recipient, 'forfeited' FROM market_forfeited WHERE market_id = @id", new { id })).Single();
        var (recipient, verb) = ((string)failed["pool_recipient"], (string)failed["verb"]);
        var burned = recipient == Protocol.Core.Payouts.ProtocolConstants.BurnAddress;
        Assert.Equal($"{Shown.Tokens((string)failed["pool"])} {(burned ? "burned" : "back to the sponsor")}", (await visit.FactsAsync())["pool_fate"]);
        Assert.Equal(
            $"The market {verb}, so no curator was paid from its pool: its {Shown.Tokens((string)failed["pool"])} tokens {(burned ? $"were burned (sent to {recipient})" : $"went back to the sponsor ({recipient})")}.",
            await visit.Page.TextContentAsync("[data-pool-sentence]"));

        // A chart only where there is something to draw; a sentence saying why in place of each other one.
        var counts = (await QueryAsync("SELECT (SELECT count(*) FROM submissions WHERE market_id = @id) AS stakes, (SELECT count(*) FROM submissions WHERE market_id = @id AND score_bps IS NOT NULL) AS scores, (SELECT count(*) FROM attestations WHERE market_id = @id) AS attestations", new { id })).Single();
        var drawn = await visit.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[data-chart]')].map(c => c.dataset.chart)");
        var sentences = await visit.Page.EvaluateAsync<Dictionary<string, string>>("() => Object.fromEntries([...document.querySelectorAll('[data-no-chart]')].map(c => [c.dataset.noChart, c.querySelector('p').textContent]))");
        Assert.Equal(["attestations", "scores", "stakes", "timeline"], drawn.Concat(sentences.Keys).Order());
        foreach (var chart in new[] { "stakes", "scores", "attestations" })
        {
            Assert.Equal(Convert.ToInt64(counts[chart], CultureInfo.InvariantCulture) == 0, sentences.ContainsKey(chart));
        }

        Assert.Equal($"No curator was scored: the market {verb}.", sentences["scores"]); // a failed market pays no curator
        Assert.All(await visit.PaintedPixelsPerCanvasAsync(), pixels => Assert.True(pixels > 500, $"a chart on market {id} is blank ({pixels} painted pixels)"));

        var layout = await visit.Page.EvaluateAsync<double[]>("""
            () => {
              const span = document.querySelector('dd[data-fact=sponsor] .address');
              const card = span.closest('.fact').getBoundingClientRect();
              return [span.getClientRects().length, card.right - span.getBoundingClientRect().right, document.documentElement.scrollWidth - innerWidth];
            }
            """);
        Assert.Equal(1, layout[0]); // one line box
        Assert.True(layout[1] >= 0, $"the address overflows its card by {-layout[1]} px at {width} px");
        Assert.True(layout[2] <= 0, $"the page scrolls sideways by {layout[2]} px at {width} px");
        await visit.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSite.Artifacts, $"market-{id}-failed-{width}.png"), FullPage = true });
        Assert.Empty(visit.Errors);
    }

    [Fact]
    public async Task Leaderboard_and_curator_pages_show_each_curators_totals()
    {
        var expected = await QueryAsync("SELECT curator, markets, staked::text AS staked, paid::text AS paid, profit::text AS profit, slashed::text AS slashed, mean_score_bps FROM curator_leaderboard");
        await using var visit = await Visit.OpenAsync(site, "#/leaderboard");
        var rows = (await visit.TableAsync("leaderboard")).ToDictionary(r => r.Key, r => r.Cells);
        Assert.Equal(expected.Count, rows.Count);
        Assert.Contains(expected, c => decimal.Parse(Text(c["mean_score_bps"])!, CultureInfo.InvariantCulture) % 1 != 0); // a fractional mean is shown too
        foreach (var c in expected)
        {
            var row = rows[(string)c["curator"]];
            Assert.Equal(Shown.Count(c["markets"]), row["markets"].Text);
            Assert.Equal(Shown.Tokens((string)c["staked"]), row["staked"].Text);
            Assert.Equal(Shown.Tokens((string)c["paid"]), row["paid"].Text);
            Assert.Equal(Shown.Tokens((string?)c["profit"]), row["profit"].Text);
            Assert.Equal(Shown.Tokens((string?)c["slashed"]), row["slashed"].Text);
            Assert.Equal(decimal.Parse(Text(c["mean_score_bps"])!, CultureInfo.InvariantCulture), decimal.Parse(row["mean_score_bps"].Text, CultureInfo.InvariantCulture));
        }

        var curator = AnvilFixture.DevAddress(4).ToLowerInvariant();
        await using var profile = await Visit.OpenAsync(site, $"#/curators/{curator}");
        var facts = await profile.FactsAsync();
        var mine = expected.Single(c => (string)c["curator"] == curator);
        Assert.Equal(Shown.Tokens((string)mine["staked"]), facts["staked"]);
        Assert.Equal(Shown.Tokens((string?)mine["profit"]), facts["profit"]);
        Assert.Equal(Shown.Count(mine["markets"]), facts["markets"]);
        Assert.Equal(Convert.ToInt32(mine["markets"], CultureInfo.InvariantCulture), (await profile.TableAsync("history")).Count);
    }

    [Fact]
    public async Task Oracle_pages_show_attestations_disagreements_and_slashes()
    {
        var expected = await QueryAsync("SELECT oracle, status, bond::text AS bond, attestations, disagreements, slashes FROM oracle_performance");
        await using var visit = await Visit.OpenAsync(site, "#/oracles");
        var rows = (await visit.TableAsync("oracles")).ToDictionary(r => r.Key, r => r.Cells);
        Assert.Equal(expected.Count, rows.Count);
        Assert.Contains(expected, o => Convert.ToInt64(o["disagreements"], CultureInfo.InvariantCulture) > 0);
        foreach (var o in expected)
        {
            var row = rows[(string)o["oracle"]];
            Assert.Equal(o["status"], row["status"].Text);
            Assert.Equal(Shown.Tokens((string)o["bond"]), row["bond"].Text);
            Assert.Equal(Shown.Count(o["attestations"]), row["attestations"].Text);
            Assert.Equal(Shown.Count(o["disagreements"]), row["disagreements"].Text);
            Assert.Equal(Shown.Count(o["slashes"]), row["slashes"].Text);
        }

        var dissenter = AnvilFixture.DevAddress(3).ToLowerInvariant();
        await using var profile = await Visit.OpenAsync(site, $"#/oracles/{dissenter}");
        var facts = await profile.FactsAsync();
        var row3 = expected.Single(o => (string)o["oracle"] == dissenter);
        Assert.Equal(Shown.Count(row3["attestations"]), facts["attestations"]);
        Assert.Equal(Shown.Count(row3["disagreements"]), facts["disagreements"]);
        var attestations = await profile.TableAsync("oracle-attestations");
        Assert.Equal(Convert.ToInt32(row3["disagreements"], CultureInfo.InvariantCulture), attestations.Count(a => a.Cells["agreed"].Text == "no"));
    }
}
