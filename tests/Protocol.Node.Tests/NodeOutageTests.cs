using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>
/// An RPC outage while a market waits for the node process: ridden out with a capped backoff, then attested. The
/// waits over a minute-long outage are <see cref="OutageRetryTests"/>', on a manual clock.
/// </summary>
[Trait("tier", "slow")]
public sealed class NodeRpcOutageTests(AnvilFixture anvil, PostgresDatabaseFixture db)
    : NodeProcessTestBase(anvil, db), IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task An_rpc_outage_is_ridden_out_by_the_process_and_the_market_is_attested_after_it()
    {
        var (config, address, d, market, nodeData) = await SetUpAsync(revealGold: false);
        await using var _ = nodeData;
        await using var proxy = new FaultyRpcProxy(Anvil.RpcUrl, faultRate: 0, stall: TimeSpan.Zero);
        // The RPC URL as a flag (it wins over the file), the cap short enough for a test: waits of 1, 2, 2, 2 … s.
        using var node = CliProcess.Start(CliProcess.Fmp, ["node", "run", "--config", config, "--rpc", proxy.Url, "--outage-backoff-cap", "00:00:02"]);
        var at = await ListeningAsync(node);

        proxy.Down = true;
        await market.RevealGoldAsync(); // the market reaches its evaluation while the node cannot see the chain
        static int Warnings(CliProcess node) => node.Log.Split('\n').Count(l => l.Contains("RPC unreachable", StringComparison.Ordinal));
        await WaitUntilAsync(node, () => Task.FromResult(Warnings(node) > 0), TimeSpan.FromSeconds(100)); // the next scan (every 5 s) meets the outage
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.False(node.Process.HasExited, $"the node gave up during the outage: {node.Log}");
        var warnings = Warnings(node);
        Assert.InRange(warnings, 3, 10); // once per wait (1 + 2 + 2 + 2 … ≈ 8 s), not once per request
        Assert.Contains("trying again in 00:00:02", node.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("trying again in 00:00:04", node.Log, StringComparison.Ordinal); // capped

        proxy.Down = false;
        await WaitUntilAsync(node, () => AttestedAsync(nodeData, address, d));
        Assert.Contains("RPC reachable again after", node.Log, StringComparison.Ordinal);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(at.Metrics);
        var retries = metrics.Split('\n').Single(l => l.StartsWith("fmp_node_rpc_outage_retries_total ", StringComparison.Ordinal));
        Assert.True(double.Parse(retries[(retries.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= warnings, retries);
        await node.KillAsync();
    }
}

/// <summary>A database outage while a market waits for the node: ridden out, then attested.</summary>
[Trait("tier", "slow")]
[StartEarly]
public sealed class NodeDatabaseOutageTests(AnvilFixture anvil, PostgresDatabaseFixture db)
    : NodeProcessTestBase(anvil, db), IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task A_sixty_second_database_outage_is_ridden_out_and_the_market_is_attested_after_it()
    {
        var (config, address, d, market, nodeData) = await SetUpAsync(revealGold: false);
        await using var _ = nodeData;
        await using var proxy = new TcpOutageProxy(Db.Cluster.Port);
        var through = new Npgsql.NpgsqlConnectionStringBuilder(nodeData.ConnectionString) { Port = proxy.Port, Timeout = 5 }.ConnectionString;
        using var node = CliProcess.Start(CliProcess.Fmp, ["node", "run", "--config", config, "--db", through]);
        var at = await ListeningAsync(node);
        // Running, not starting: the first scan has finished (it sets the balance gauge last). A database lost while
        // the node starts is a start-up failure, which exits non-zero.
        using var http = new HttpClient();
        await WaitUntilAsync(node, async () =>
        {
            try
            {
                var line = (await http.GetStringAsync(at.Metrics)).Split('\n')
                    .FirstOrDefault(l => l.StartsWith("fmp_node_wallet_balance_eth ", StringComparison.Ordinal));
                return line is not null && double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) > 0;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });

        proxy.Down = true;
        await market.RevealGoldAsync(); // the market reaches its evaluation while the node's database is unreachable
        await Task.Delay(TimeSpan.FromSeconds(60));
        Assert.False(node.Process.HasExited, $"the node gave up during the database outage: {node.Log}");

        proxy.Down = false;
        await WaitUntilAsync(node, () => AttestedAsync(nodeData, address, d), TimeSpan.FromSeconds(180));
        await node.KillAsync();
    }
}
