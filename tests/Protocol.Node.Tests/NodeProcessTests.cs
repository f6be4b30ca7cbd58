using Dapper;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>The operator guide's commands, as written: a new key, a config file, <c>fmp node run</c> attesting a market.</summary>
[Trait("tier", "slow")]
public sealed class NodeProcessTests(AnvilFixture anvil, PostgresDatabaseFixture db)
    : NodeProcessTestBase(anvil, db), IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task A_node_started_from_its_config_file_evaluates_and_attests()
    {
        var (config, address, d, market, nodeData) = await SetUpAsync();
        await using var _ = nodeData;
        using var node = StartNode(config);
        var at = await ListeningAsync(node);
        await WaitUntilAsync(node, () => AttestedAsync(nodeData, address, d));
        var digest = (await SignedAsync(nodeData, address))!;
        Assert.True(File.Exists(Path.Combine(Dir, "out", market.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "0", "leaves.json")));

        // Observability as the guide describes it: Prometheus on loopback, the job dashboard, the status command.
        // (The node counts an attestation when its receipt arrives, which can be a poll later than the chain shows it.)
        using var http = new HttpClient();
        var metrics = "";
        await WaitUntilAsync(node, async () => (metrics = await http.GetStringAsync(at.Metrics!))
            .Contains("fmp_node_jobs_total{outcome=\"attested\"} 1", StringComparison.Ordinal));
        Assert.Contains("fmp_node_attestations_total 1", metrics, StringComparison.Ordinal);
        var jobs = await http.GetStringAsync(new Uri(at.Dashboard!, "hangfire/recurring"));
        Assert.Contains("scan-markets", jobs, StringComparison.Ordinal);

        // The published report, read-only over HTTP where curators fetch their leaf and proof.
        var reports = $"{at.Reports}{market.Id}/0/";
        using var leavesAnswer = await http.GetAsync(new Uri(reports + "leaves.json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, leavesAnswer.StatusCode);
        Assert.Equal("application/json; charset=utf-8", leavesAnswer.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-cache", leavesAnswer.Headers.CacheControl?.ToString());
        var leavesText = await leavesAnswer.Content.ReadAsStringAsync();
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Dir, "out", market.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "0", "leaves.json")), leavesText);
        Assert.Contains(digest, leavesText, StringComparison.Ordinal);
        using var scores = await http.GetAsync(new Uri(reports + "scores.jsonl"));
        Assert.Equal("application/x-ndjson; charset=utf-8", scores.Content.Headers.ContentType?.ToString());
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri(reports + "leaves.json"));
        revalidate.Headers.IfNoneMatch.Add(leavesAnswer.Headers.ETag!);
        Assert.Equal(System.Net.HttpStatusCode.NotModified, (await http.SendAsync(revalidate)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri(reports + "nothing.json"))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri(at.Reports + "%2e%2e/node.json"))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, (await http.PostAsync(new Uri(reports + "leaves.json"), null)).StatusCode);
        var status = await Fmp("node", "status", "--config", config);
        Assert.Contains(address, status, StringComparison.Ordinal);
        Assert.Contains(digest, status, StringComparison.Ordinal);
        // One unit convention: whole tokens and ETH first, base units in brackets.
        Assert.Contains($"{OracleBond / Token} FBT ({OracleBond} wei)", status, StringComparison.Ordinal);
        Assert.Matches(@"[0-9]+(\.[0-9]+)? ETH \([0-9]+ wei\)", status);
        await node.KillAsync();
    }

    [Fact]
    public async Task An_attestation_its_bond_cannot_back_is_named_in_the_log_with_what_to_do()
    {
        // The minimum bond, far below its share of the market's security: the contract refuses the attestation.
        // The policy's lock share is turned off, or the node would refuse the market before the contract does.
        var (config, _, _, market, nodeData) = await SetUpAsync(""", "Policy": { "MaxLockShareBps": 10000 } """, bond: MinBond);
        await using var _ = nodeData;
        using var node = StartNode(config);
        await WaitUntilAsync(node, () => Task.FromResult(node.Log.Contains("would revert: InsufficientFreeBond(", StringComparison.Ordinal)));
        Assert.Contains($"attest of market {market.Id} round 0 would revert: InsufficientFreeBond(", node.Log, StringComparison.Ordinal);
        Assert.Contains($"free: {MinBond}", node.Log, StringComparison.Ordinal);
        Assert.Contains("top up with `fmp oracle register --top-up`", node.Log, StringComparison.Ordinal);
        await node.KillAsync();
    }

    [Fact]
    public async Task Killing_the_node_at_any_point_never_yields_a_second_digest()
    {
        var (config, address, d, market, nodeData) = await SetUpAsync(""", "JobRecoveryTimeout": "00:00:03" """);
        await using var _ = nodeData;

        // 1. Killed (SIGKILL) the moment its signature is persisted: before, during or just after attesting.
        await RunUntilAsync(config, async () => await SignedAsync(nodeData, address) is not null);
        // 2. Restarted: the interrupted job comes back and the same signature is attested (or found attested).
        await RunUntilAsync(config, () => AttestedAsync(nodeData, address, d));
        // 3. Restarted once more after everything was done: it must not sign or attest anything new.
        await RunUntilAsync(config, async () => { await Task.Delay(5_000); return true; });

        await using var connection = await nodeData.OpenConnectionAsync();
        var digests = (await connection.QueryAsync<string>("SELECT digest FROM oracle_reports WHERE signer = @s", new { s = address.ToLowerInvariant() })).ToList();
        var signed = Assert.Single(digests);
        var handler = Anvil.Web3.Eth.GetEvent<AttestedEvent>(d.MarketAddress);
        var attested = (await handler.GetAllChangesAsync(handler.CreateFilterInput(market.Id, Nethereum.RPC.Eth.DTOs.BlockParameter.CreateEarliest(), Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest())))
            .Select(e => e.Event).Where(e => string.Equals(e.Signer, address, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(signed, "0x" + Convert.ToHexStringLower(Assert.Single(attested).Digest));
    }

    [Fact]
    public async Task Two_processes_of_one_oracle_on_one_database_evaluate_each_market_once()
    {
        var (config, address, d, market, nodeData) = await SetUpAsync();
        await using var _ = nodeData;
        // One config file for both: its ports are 0, so each process listens where the system puts it; the second turns
        // its job dashboard and reports off (-1), as a second process of one oracle would.
        using var first = StartNode(config);
        using var second = CliProcess.Start(CliProcess.Fmp, ["node", "run", "--config", config, "--dashboard-port", "-1", "--reports-port=-1"]);
        var (firstAt, secondAt) = (await ListeningAsync(first), await ListeningAsync(second));
        Assert.NotEqual(firstAt.Metrics, secondAt.Metrics);
        Assert.Equal((null, null), (secondAt.Dashboard, secondAt.Reports));
        // One job run across both processes (a job is counted when its receipt arrives), then more scans
        // by both, which must not evaluate the market again.
        using var http = new HttpClient();
        static long Jobs(string metrics) => metrics.Split('\n').Where(l => l.StartsWith("fmp_node_jobs_total{", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        async Task<long> JobsRunAsync() =>
            Jobs(await http.GetStringAsync(firstAt.Metrics!)) + Jobs(await http.GetStringAsync(secondAt.Metrics!));
        await WaitUntilAsync(first, async () => await AttestedAsync(nodeData, address, d) && await JobsRunAsync() >= 1);
        await Task.Delay(5_000);
        Assert.False(first.Process.HasExited, first.Log);
        Assert.False(second.Process.HasExited, second.Log);
        Assert.Equal(1, await JobsRunAsync());
        // One claim, one signature, one attestation.
        await using var connection = await nodeData.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM node_jobs"));
        Assert.Single(await connection.QueryAsync<string>("SELECT digest FROM oracle_reports WHERE signer = @s", new { s = address.ToLowerInvariant() }));
        var handler = Anvil.Web3.Eth.GetEvent<AttestedEvent>(d.MarketAddress);
        var attested = (await handler.GetAllChangesAsync(handler.CreateFilterInput(market.Id, Nethereum.RPC.Eth.DTOs.BlockParameter.CreateEarliest(), Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest())))
            .Count(e => string.Equals(e.Event.Signer, address, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1, attested);
        await first.KillAsync();
        await second.KillAsync();
    }

    [Fact]
    public async Task A_missing_database_stops_it_at_start_with_a_non_zero_exit_naming_the_database()
    {
        var (config, _, _, _, nodeData) = await SetUpAsync();
        await using var _ = nodeData;
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(Db.ConnectionString) { Database = "no_such_node_db" }.ConnectionString;
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["node", "run", "--config", config, "--db", missing], TimeSpan.FromMinutes(1));
        Assert.Equal(1, exit);
        Assert.Contains("Node:ConnectionString (--db)", output, StringComparison.Ordinal);
        Assert.Contains("3D000 database \"no_such_node_db\" does not exist; create it (createdb", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_node_on_a_busy_port_names_the_port_and_the_option()
    {
        var (config, _, _, _, nodeData) = await SetUpAsync();
        await using var _ = nodeData;
        using var first = StartNode(config);
        var at = await ListeningAsync(first);
        string Port(Uri? u) => u!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // A second node asks for the ports the first holds, one by one.
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp,
            ["node", "run", "--config", config, "--metrics-port", Port(at.Metrics), "--dashboard-port", Port(at.Dashboard), "--reports-port", Port(at.Reports)], TimeSpan.FromMinutes(1));
        Assert.Equal(1, exit);
        Assert.Contains($"port {at.Metrics!.Port} on 127.0.0.1 is already in use", output, StringComparison.Ordinal);
        Assert.Contains("set Node:MetricsPort (--metrics-port) to a free port", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);

        (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["node", "run", "--config", config, "--dashboard-port", Port(at.Dashboard), "--reports-port", Port(at.Reports)], TimeSpan.FromMinutes(1));
        Assert.Equal(1, exit);
        Assert.Contains($"port {at.Dashboard!.Port} on 127.0.0.1 is already in use", output, StringComparison.Ordinal);
        Assert.Contains("set Node:DashboardPort (--dashboard-port) to a free port", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);

        (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["node", "run", "--config", config, "--reports-port", Port(at.Reports)], TimeSpan.FromMinutes(1));
        Assert.Equal(1, exit);
        Assert.Contains($"port {at.Reports!.Port} on 127.0.0.1 is already in use", output, StringComparison.Ordinal);
        Assert.Contains("set Node:ReportsPort (--reports-port) to a free port", output, StringComparison.Ordinal);
        Assert.False(first.Process.HasExited, first.Log);
        await first.KillAsync();
    }

    // Found by a loaded CI run of NodeDatabaseOutageTests: the outage began while Hangfire's recurring scheduler held its lock,
    // the lock row outlived its holder's connection, and Hangfire.PostgreSql breaks such a row only after
    // DistributedLockTimeout (10 minutes by default), so no scan ran for ten minutes after the database was back. The
    // stale row is made here directly; the node breaks it after JobRecoveryTimeout (10 s in this test) and attests.
    [Fact]
    public async Task A_lock_left_by_a_lost_database_connection_stops_the_scans_only_until_it_is_stale()
    {
        var (config, address, d, market, nodeData) = await SetUpAsync(""", "JobRecoveryTimeout": "00:00:10" """, revealGold: false);
        await using var _ = nodeData;
        using var node = StartNode(config);
        var at = await ListeningAsync(node);
        using var http = new HttpClient();
        await WaitUntilAsync(node, async () =>
        {
            try
            {
                return (await http.GetStringAsync(at.Metrics!)).Contains("fmp_node_wallet_balance_eth ", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });

        // The scheduler takes and drops the lock every few seconds: place the row until it stays (a holder that
        // disappeared leaves it in place, as a lost connection does).
        await using (var connection = await nodeData.OpenConnectionAsync())
        {
            const string Place = "INSERT INTO hangfire.lock (resource, acquired) VALUES ('hangfire:recurring-jobs:lock', now()) ON CONFLICT (resource) DO UPDATE SET acquired = now()";
            const string Held = "SELECT count(*) FROM hangfire.lock WHERE resource = 'hangfire:recurring-jobs:lock'";
            do
            {
                await connection.ExecuteAsync(Place);
                await Task.Delay(500);
            }
            while (await connection.ExecuteScalarAsync<int>(Held) == 0);
        }

        await market.RevealGoldAsync();
        await WaitUntilAsync(node, () => AttestedAsync(nodeData, address, d), TimeSpan.FromSeconds(150));
        await node.KillAsync();
    }
}
