using System.Net;
using System.Text.Json;
using Dapper;
using Protocol.Api;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Indexer.Tests;

/// <summary>The analysts' HTTP API on loopback over a database indexed from a scripted chain.</summary>
public sealed class AnalystApiTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Endpoints_answer_the_database_in_json_and_csv_with_paging_and_clear_errors()
    {
        var d = await ProtocolDeployment.DeployAsync(anvil);
        await Scenarios.SettledMarketAsync(anvil, d, disputed: false);
        await Scenarios.CancelledMarketAsync(anvil, d);
        await IndexerHarness.Create(d, db.DataSource, anvil.RpcUrl, reorgDepth: 4).SyncToHeadAsync(CancellationToken.None);

        var port = FreePort.Next();
        await using var app = ApiHost.Build(db.ConnectionString, $"http://127.0.0.1:{port}");
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var markets = JsonDocument.Parse(await http.GetStringAsync("/api/markets"));
        Assert.Equal(2, markets.RootElement.GetProperty("total").GetInt64());
        var first = markets.RootElement.GetProperty("items")[0];
        Assert.Equal("finalized", first.GetProperty("status").GetString());
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var staked = await connection.ExecuteScalarAsync<string>("SELECT total_staked::text FROM market_summary WHERE market_id = 1");
        Assert.Equal(staked, first.GetProperty("total_staked").GetString());
        // uint256 columns (numeric(78,0)) are strings too, never JSON numbers that a client would round.
        Assert.Equal("1", first.GetProperty("market_id").GetString());
        Assert.Equal(await connection.ExecuteScalarAsync<string>("SELECT reward_pool::text FROM markets WHERE market_id = 1"), first.GetProperty("reward_pool").GetString());

        using var market = JsonDocument.Parse(await http.GetStringAsync("/api/markets/1"));
        Assert.Equal(3, market.RootElement.GetProperty("submissions").GetArrayLength());
        Assert.Equal(2, market.RootElement.GetProperty("attestations").GetArrayLength());
        Assert.Single(market.RootElement.GetProperty("reports").EnumerateArray());

        using var page = JsonDocument.Parse(await http.GetStringAsync("/api/markets?offset=1&limit=1"));
        Assert.Equal("cancelled", Assert.Single(page.RootElement.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());

        var csv = await http.GetStringAsync("/api/leaderboard?format=csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("curator,markets,staked,paid,profit", lines[0], StringComparison.Ordinal);
        Assert.Equal(await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM curator_leaderboard") + 1, lines.Length);

        var curator = AnvilFixture.DevAddress(4);
        using var history = JsonDocument.Parse(await http.GetStringAsync($"/api/curators/{curator}"));
        Assert.Equal(2, history.RootElement.GetProperty("history").GetArrayLength());

        using var activity = JsonDocument.Parse(await http.GetStringAsync("/api/activity?buckets=10"));
        var buckets = activity.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.InRange(buckets.Count, 2, 11); // the last event starts a bucket of its own
        Assert.Equal(await connection.ExecuteScalarAsync<decimal>("SELECT sum(stake) FROM committed"), buckets.Sum(b => decimal.Parse(b.GetProperty("staked").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/activity?buckets=0")).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/markets?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/markets/abc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/markets/999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/curators/0x123")).StatusCode);
        using var oracle = JsonDocument.Parse(await http.GetStringAsync($"/api/oracles/{AnvilFixture.DevAddress(1)}"));
        Assert.True(Assert.Single(oracle.RootElement.GetProperty("attestations").EnumerateArray()).GetProperty("agreed").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/oracles/0x123")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/oracles/{AnvilFixture.DevAddress(9)}")).StatusCode);
        Assert.Contains("/api/markets/{id}", await http.GetStringAsync("/openapi/v1.json"), StringComparison.Ordinal);
        await app.StopAsync();
    }
}
