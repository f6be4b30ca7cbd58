using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text.Json;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Hex.HexTypes;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.Node.Jobs;
using Protocol.ServiceDefaults;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;
using ApproveFunction = Protocol.Core.Contracts.TestTokenBindings.ApproveFunction;
using MintFunction = Protocol.Core.Contracts.TestTokenBindings.MintFunction;

namespace Protocol.Node.Tests;

/// <summary>
/// The node's liveness under the attacks of the security review (issue 24), on a real anvil chain and PostgreSQL: URIs
/// that never answer, a sponsor host that is down, decoy markets sized to lock the node's bond, and bonds left locked
/// behind markets nobody settles.
/// </summary>
[Trait("tier", "slow")]
public sealed class LivenessTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>, IDisposable
{
    private const byte Evaluation = 3, Challenge = 4, FinalizedStatus = 3;
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-live-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Fifty_never_answering_label_uris_cost_one_deadline_and_a_second_market_is_still_attested_in_its_window()
    {
        // A port that accepts connections and never answers: every request waits for the per-download timeout.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        using var stopAccepting = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stopAccepting.IsCancellationRequested)
            {
                try
                {
                    held.Add(await silent.AcceptTcpClientAsync(stopAccepting.Token));
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
        var hang = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";

        var crowd = new CrowdMarket(_dir);
        var d = await DeployAsync(anvil);
        var (first, files) = await LabelledMarketAsync(crowd, d, new MarketTerms(100 * Token, 500, 5_000, 100 * Token));
        // market 1 before its reveal deadline: 50 attackers commit and reveal URIs that never answer.
        var attackers = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            attackers.Add(await CommitAsStrangerAsync(d, first, $"{hang}/labels/{i}.jsonl"));
        }

        await FinishAsync(first);
        var second = (await LabelledMarketAsync(crowd, d, new MarketTerms(100 * Token, 500, 5_000, 100 * Token))).Market;
        await FinishAsync(second);

        // Sequentially, each of the 50 URIs would cost 30 s × 3 attempts (75 minutes in all); one deadline covers them all.
        var node = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9", fetch =>
        {
            fetch.Timeout = TimeSpan.FromSeconds(30);
            fetch.Attempts = 3;
            fetch.LabelsDeadline = TimeSpan.FromSeconds(20); // the honest file must arrive in time on a loaded 2-core CI machine too
            fetch.LabelsParallelism = 64; // every file at once, so the good curator's never waits for a slot
        });
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var outcome = await node.EvaluateAndAttestAsync(first.Id, null, bound.Token);
        Assert.Equal("attested", outcome.Status);
        var lines = (await File.ReadAllLinesAsync(Path.Combine(outcome.OutputFolder!, "scores.jsonl"))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var late = lines.Where(l => attackers.Contains(l.GetProperty("account").GetString()!)).ToList();
        Assert.Equal(50, late.Count);
        Assert.All(late, l =>
        {
            Assert.False(l.GetProperty("valid").GetBoolean());
            Assert.Equal("fetch failed: not available within the 20 s labels deadline", l.GetProperty("reason").GetString());
        });
        Assert.True(lines.Single(l => string.Equals(l.GetProperty("account").GetString(), AnvilFixture.DevAddress(4), StringComparison.OrdinalIgnoreCase)).GetProperty("valid").GetBoolean());

        // The second market is still in its evaluation window and gets this node's attestation.
        Assert.Equal(Evaluation, await PhaseAsync(d, second.Id));
        Assert.Equal("attested", (await node.EvaluateAndAttestAsync(second.Id, null, bound.Token)).Status);

        await stopAccepting.CancelAsync();
        silent.Stop();
        await accepting;
        held.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task A_sponsor_host_down_for_fifteen_minutes_after_the_gold_reveal_still_gets_the_market_attested()
    {
        var host = new HostileServer();
        await host.InitializeAsync();
        try
        {
            var crowd = new CrowdMarket(_dir);
            var d = await DeployAsync(anvil);
            var (market, files) = await LabelledMarketAsync(crowd, d, new MarketTerms(100 * Token, 500, 5_000, 100 * Token),
                goldUri: url => host.Serve("gold-" + Path.GetFileName(Path.GetDirectoryName(url)!) + ".jsonl", File.ReadAllBytes(new Uri(url).LocalPath)).Replace("/files/", "/outage/", StringComparison.Ordinal));
            await FinishAsync(market);
            host.Down = true;

            var clock = new ManualClock(DateTimeOffset.UtcNow);
            var options = new NodeOptions
            {
                RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress, ConnectionString = db.ConnectionString,
                RetryBackoff = TimeSpan.FromMinutes(1), RetryBackoffCap = TimeSpan.FromMinutes(4),
            };
            var node = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
            await using var jobs = await JobsAsync(options, node, clock, "live_outage");
            var scan = jobs.Scan(anvil.Web3For(1));

            Assert.Equal(1, await scan.RunAsync(CancellationToken.None));
            await jobs.RunUntilSettledAsync(market.Id);
            Assert.Equal(0, await scan.RunAsync(CancellationToken.None)); // failed a moment ago: its backoff is not over

            // Fifteen minutes of outage, a scan a minute: the node keeps trying (1, 2, 4, 4 … minutes apart).
            var tries = 1;
            for (var minute = 1; minute <= 15; minute++)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                await anvil.IncreaseTimeAsync(60);
                if (await scan.RunAsync(CancellationToken.None) > 0)
                {
                    await jobs.RunUntilSettledAsync(market.Id);
                    tries++;
                }
            }

            Assert.InRange(tries, 5, 7);
            Assert.Equal(Evaluation, await PhaseAsync(d, market.Id));
            Assert.Empty(await SignersAsync(d, market.Id, node.Address));

            // The host is back: within one backoff the market is evaluated and attested.
            host.Down = false;
            for (var minute = 0; minute < 4 && (await SignersAsync(d, market.Id, node.Address)).Count == 0; minute++)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                await anvil.IncreaseTimeAsync(60);
                if (await scan.RunAsync(CancellationToken.None) > 0)
                {
                    await jobs.RunUntilSettledAsync(market.Id);
                }
            }

            Assert.Single(await SignersAsync(d, market.Id, node.Address));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_decoy_market_that_would_lock_beyond_the_policy_share_is_refused_and_a_normal_market_is_still_attested()
    {
        var crowd = new CrowdMarket(_dir);
        var d = await DeployAsync(anvil);
        // Each signer would lock half of (60,000 + stakes) tokens: above a quarter of the node's 100,000-token bond.
        var decoy = await d.CreateMarketAsync(new MarketTerms(60_000 * Token, 500, 5_000, 100 * Token));
        var slow = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token), challengePeriod: 14 * 24 * 3600);
        var (normal, _) = await LabelledMarketAsync(crowd, d, new MarketTerms(100 * Token, 500, 5_000, 100 * Token));
        await FinishAsync(normal);
        await decoy.RevealGoldAsync();
        await slow.RevealGoldAsync();

        var node = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var byLock = NodeMetrics.PolicyRefusals.WithLabels("MaxLockShareBps").Value;
        var byPeriod = NodeMetrics.PolicyRefusals.WithLabels("MaxChallengePeriod").Value;
        var refused = await node.EvaluateAndAttestAsync(decoy.Id, null, CancellationToken.None);
        Assert.StartsWith("refused by policy (MaxLockShareBps)", refused.Status, StringComparison.Ordinal);
        Assert.Equal(byLock + 1, NodeMetrics.PolicyRefusals.WithLabels("MaxLockShareBps").Value);
        Assert.StartsWith("refused by policy (MaxChallengePeriod)", (await node.EvaluateAndAttestAsync(slow.Id, null, CancellationToken.None)).Status, StringComparison.Ordinal);
        Assert.Equal(byPeriod + 1, NodeMetrics.PolicyRefusals.WithLabels("MaxChallengePeriod").Value);
        Assert.Empty(await AttestedByAsync(d, decoy.Id));

        Assert.Equal("attested", (await node.EvaluateAndAttestAsync(normal.Id, null, CancellationToken.None)).Status);
        var free = await anvil.Web3.CallAsync<FreeBondFunction, BigInteger>(d.RegistryAddress, new FreeBondFunction { Account = node.Address });
        Assert.Equal(OracleBond, free); // attested, not yet accepted: nothing locked, the bond is whole for real markets
    }

    [Fact]
    public async Task The_node_finalizes_the_market_its_bond_is_locked_behind_and_then_attests_the_market_that_waited_for_bond()
    {
        var crowd = new CrowdMarket(_dir);
        var d = await DeployAsync(anvil);
        var policy = new PolicyOptions { MaxLockShareBps = 10_000 }; // this test is about the contract's own lock
        // The contract lets one market lock at most a quarter of a bond, so four big markets are needed to use it up.
        var big = new List<TestMarket>();
        for (var i = 0; i < 4; i++)
        {
            big.Add((await LabelledMarketAsync(crowd, d, new MarketTerms(45_000 * Token, 500, 5_000, 100 * Token))).Market);
        }

        var (next, _) = await LabelledMarketAsync(crowd, d, new MarketTerms(35_000 * Token, 500, 5_000, 100 * Token));
        await FinishAsync([.. big, next]);

        // Oracles 1 and 3 accept the big markets: each locks about 21,400 of its 100,000 tokens per market.
        var node = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9", policy: policy);
        var other = await crowd.NodeAsync(anvil, db, d, 3, "http://127.0.0.1:9", policy: policy);
        foreach (var market in big)
        {
            Assert.Equal("attested", (await node.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None)).Status);
            Assert.Equal("attested", (await other.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None)).Status);
            Assert.Equal(Challenge, await PhaseAsync(d, market.Id));
        }

        // Oracle 2 attests the next market; oracle 1's share (about 16,600) is more than its free bond (about 14,400).
        Assert.Equal("attested", (await (await crowd.NodeAsync(anvil, db, d, 2, "http://127.0.0.1:9", policy: policy)).EvaluateAndAttestAsync(next.Id, null, CancellationToken.None)).Status);

        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var options = new NodeOptions { RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress, ConnectionString = db.ConnectionString, Policy = policy };
        await using var jobs = await JobsAsync(options, node, clock, "live_bond");
        var scan = jobs.Scan(anvil.Web3For(1));
        Assert.Equal(5, await scan.RunAsync(CancellationToken.None)); // the big markets (challenge window) and the next one
        foreach (var market in big)
        {
            await jobs.RunUntilSettledAsync(market.Id);
        }

        await jobs.RunUntilSettledAsync(next.Id);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            Assert.NotNull(await connection.ExecuteScalarAsync<string>(
                "SELECT bond_needed::text FROM node_jobs WHERE market_contract = @c AND market_id = @m::numeric",
                new { c = d.MarketAddress.ToLowerInvariant(), m = next.Id.ToString(CultureInfo.InvariantCulture) }));
        }

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await scan.RunAsync(CancellationToken.None)); // still locked: waiting, however long the backoff
        Assert.Equal(Evaluation, await PhaseAsync(d, next.Id));

        // The big markets' challenge window ends: the node finalizes them itself, its bond comes back, the next market is attested.
        var finalized = NodeMetrics.Settlements.WithLabels("finalize").Value;
        await anvil.IncreaseTimeAsync((long)big[0].ChallengePeriod + 1);
        Assert.Equal(1, await scan.RunAsync(CancellationToken.None));
        Assert.Equal(finalized + big.Count, NodeMetrics.Settlements.WithLabels("finalize").Value);
        foreach (var market in big)
        {
            Assert.Equal(FinalizedStatus, (await StateAsync(d, market.Id)).Status);
        }

        Assert.Equal(OracleBond, await anvil.Web3.CallAsync<FreeBondFunction, BigInteger>(d.RegistryAddress, new FreeBondFunction { Account = node.Address }));
        await jobs.RunUntilSettledAsync(next.Id);
        Assert.Equal(Challenge, await PhaseAsync(d, next.Id));
        Assert.Contains(await AcceptedAsync(d, next.Id), s => string.Equals(s, node.Address, StringComparison.OrdinalIgnoreCase));
    }

    // A stranger (a fresh key with ether and tokens) commits to the market with a label file at uri (revealed by
    // FinishAsync once the reveal phase opens); returns its address.
    private readonly List<(TestMarket Market, EthECKey Key, Bytes32 Hash, Bytes32 Salt, string Uri)> _strangers = [];

    private async Task<string> CommitAsStrangerAsync(ProtocolDeployment d, TestMarket market, string uri)
    {
        var key = EthECKey.GenerateKey();
        var address = key.GetPublicAddress();
        await anvil.RpcAsync<object>("anvil_setBalance", address, new HexBigInteger(BigInteger.Pow(10, 20)).HexValue);
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = address, Amount = Token });
        var web3 = new Web3(new Account(key, AnvilFixture.ChainId), anvil.RpcUrl);
        await web3.SendAsync(d.TokenAddress, new ApproveFunction { Spender = d.MarketAddress, Value = Token });
        var (hash, salt) = (Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(uri)), Commitments.NewSalt());
        await web3.SendAsync(d.MarketAddress, new CommitFunction { MarketId = market.Id, Commitment = Commitments.Labels(market.Id, address, hash, salt).ToArray(), Stake = Token });
        _strangers.Add((market, key, hash, salt, uri));
        return address.ToLowerInvariant();
    }

    // Reveal phase: the good curator and the strangers reveal; evaluation phase: the sponsor reveals the gold set.
    // Markets created together are finished together, as each phase lasts an hour from creation.
    private async Task FinishAsync(params TestMarket[] markets)
    {
        await WaitUntilAsync((await Task.WhenAll(markets.Select(ConfigAsync))).Max(c => c.CommitDeadline));
        foreach (var market in markets)
        {
            await market.RevealAsync(4);
            foreach (var s in _strangers.Where(s => s.Market == market))
            {
                await new Web3(new Account(s.Key, AnvilFixture.ChainId), anvil.RpcUrl).SendAsync(_deployment!.MarketAddress,
                    new RevealFunction { MarketId = market.Id, LabelsHash = s.Hash.ToArray(), Salt = s.Salt.ToArray(), Uri = s.Uri });
            }
        }

        await WaitUntilAsync((await Task.WhenAll(markets.Select(ConfigAsync))).Max(c => c.RevealDeadline));
        foreach (var market in markets)
        {
            await market.RevealGoldAsync();
        }
    }

    private async Task WaitUntilAsync(ulong timestamp)
    {
        var now = (ulong)(await anvil.LatestBlockAsync()).Timestamp.Value;
        if (now < timestamp)
        {
            await anvil.IncreaseTimeAsync((long)(timestamp - now));
        }
    }

    private ProtocolDeployment? _deployment;

    // A market of real crowd data (one good curator, 4, and one that never reveals, 5), committed but not yet revealed.
    private async Task<(TestMarket Market, MarketFiles Files)> LabelledMarketAsync(CrowdMarket crowd, ProtocolDeployment d, MarketTerms terms, Func<string, string>? goldUri = null)
    {
        _deployment = d;
        var (tasks, gold) = crowd.LoadCrowdData();
        var sub = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("n"))).FullName;
        var specPath = Path.Combine(RepositoryLayout.Root, "specs", "bt-shapley-v1.json");
        var goldBytes = CanonicalWriter.ToBytes(gold.Select(ProtocolFiles.ToLine));
        var goldPath = Path.Combine(sub, "gold.jsonl");
        await File.WriteAllBytesAsync(goldPath, goldBytes);
        var taskBytes = CanonicalWriter.ToBytes(tasks.Select(ProtocolFiles.ToLine));
        await File.WriteAllBytesAsync(Path.Combine(sub, "tasks.jsonl"), taskBytes);
        var goldAt = new Uri(goldPath).AbsoluteUri;
        var files = new MarketFiles(
            Keccak.Hash(taskBytes), new Uri(Path.Combine(sub, "tasks.jsonl")).AbsoluteUri,
            Keccak.Hash(File.ReadAllBytes(specPath)), new Uri(specPath).AbsoluteUri,
            Keccak.Hash(goldBytes), goldUri?.Invoke(goldAt) ?? goldAt);
        var labels = CanonicalWriter.ToBytes(tasks.Take(40).Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));
        await File.WriteAllBytesAsync(Path.Combine(sub, "good.jsonl"), labels);

        var market = await d.CreateMarketAsync(terms, files: files);
        market.UseLabelFile(4, Keccak.Hash(labels), new Uri(Path.Combine(sub, "good.jsonl")).AbsoluteUri);
        await market.CommitAsync(4, 10 * Token);
        await market.CommitAsync(5, 10 * Token);
        return (market, files);
    }

    private async Task<MarketConfig> ConfigAsync(TestMarket market) =>
        (await anvil.Web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(_deployment!.MarketAddress, new MarketConfigFunction { MarketId = market.Id })).ReturnValue1;

    private async Task<byte> PhaseAsync(ProtocolDeployment d, BigInteger id) =>
        await anvil.Web3.CallAsync<PhaseFunction, byte>(d.MarketAddress, new PhaseFunction { MarketId = id });

    private async Task<MarketState> StateAsync(ProtocolDeployment d, BigInteger id) =>
        (await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = id })).ReturnValue1;

    private async Task<List<string>> AcceptedAsync(ProtocolDeployment d, BigInteger id) =>
        await anvil.Web3.CallAsync<AcceptedSignersFunction, List<string>>(d.MarketAddress, new AcceptedSignersFunction { MarketId = id });

    // The digests oracle `address` attested for the market (read from this node's ledger) that carry its signature.
    private async Task<List<string>> SignersAsync(ProtocolDeployment d, BigInteger id, string address)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var digest = await connection.ExecuteScalarAsync<string>("SELECT digest FROM oracle_reports WHERE market_id = @m::numeric AND signer = @s AND market_contract = @c",
            new { m = id.ToString(CultureInfo.InvariantCulture), s = address.ToLowerInvariant(), c = d.MarketAddress.ToLowerInvariant() });
        if (digest is null)
        {
            return [];
        }

        var signers = await anvil.Web3.CallAsync<ReportSignersFunction, List<string>>(d.MarketAddress, new ReportSignersFunction { Digest = Bytes32.Parse(digest).ToArray() });
        return [.. signers.Where(s => string.Equals(s, address, StringComparison.OrdinalIgnoreCase))];
    }

    private async Task<List<string>> AttestedByAsync(ProtocolDeployment d, BigInteger id)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<string>("SELECT signer FROM oracle_reports WHERE market_id = @m::numeric AND market_contract = @c",
            new { m = id.ToString(CultureInfo.InvariantCulture), c = d.MarketAddress.ToLowerInvariant() })];
    }

    private async Task<Jobs> JobsAsync(NodeOptions options, OracleNode node, TimeProvider clock, string schema)
    {
        // node_jobs is keyed by contract: each test's own contracts start their market ids at 1 without meeting the
        // claims of an earlier test's.
        await NodeSchema.MigrateAsync(db.DataSource, options.MarketAddress, CancellationToken.None);

        var storage = new PostgreSqlStorage(new DataSourceConnectionFactory(db.DataSource),
            new PostgreSqlStorageOptions { SchemaName = schema, PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromMilliseconds(100) });
        var services = new ServiceCollection()
            .AddSingleton(node)
            .AddSingleton(options)
            .AddSingleton(db.DataSource)
            .AddSingleton(clock)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<EvaluateJob>()
            .BuildServiceProvider();
        return new Jobs(storage, services, options, db, clock);
    }

    /// <summary>The node's evaluation worker (queue "evaluate" only) and scans over one Hangfire storage.</summary>
    private sealed class Jobs(PostgreSqlStorage storage, ServiceProvider services, NodeOptions options, PostgresDatabaseFixture db, TimeProvider clock) : IAsyncDisposable
    {
        private readonly BackgroundJobServer _server = new(new BackgroundJobServerOptions
        {
            WorkerCount = 1, Queues = [EvaluateJob.Queue], Activator = new ServiceActivator(services), SchedulePollingInterval = TimeSpan.FromMilliseconds(200),
        }, storage);

        public ScanJob Scan(IWeb3 web3) => new(web3, options, db.DataSource, new BackgroundJobClient(storage), NullLogger<ScanJob>.Instance, clock);

        /// <summary>
        /// Waits until the evaluation of <paramref name="marketId"/> (of this node's contract: the class's tests share the
        /// database and each deploys its own, with the same market ids) enqueued last has succeeded or failed.
        /// </summary>
        public async Task RunUntilSettledAsync(BigInteger marketId)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            await using var connection = await db.DataSource.OpenConnectionAsync();
            while (!await connection.ExecuteScalarAsync<bool>(
                "SELECT done_at IS NOT NULL OR failed_at IS NOT NULL FROM node_jobs WHERE market_contract = @c AND market_id = @m::numeric ORDER BY round DESC LIMIT 1",
                new { c = options.MarketAddress.ToLowerInvariant(), m = marketId.ToString(CultureInfo.InvariantCulture) }))
            {
                Assert.True(DateTime.UtcNow < deadline, $"the evaluation of market {marketId} did not finish");
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _server.SendStop();
            await _server.WaitForShutdownAsync(CancellationToken.None);
            _server.Dispose();
            await services.DisposeAsync();
        }
    }

    private sealed class ServiceActivator(IServiceProvider services) : JobActivator
    {
        public override object ActivateJob(Type jobType) => services.GetRequiredService(jobType);
    }
}
