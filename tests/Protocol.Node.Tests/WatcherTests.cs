using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Signer;
using Nethereum.Web3;
using Protocol.Client.Fetching;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.Core.Reports;
using Protocol.DevChain;
using Protocol.Node.Evaluation;
using Protocol.Node.Jobs;
using Protocol.ServiceDefaults;
using Protocol.TestSupport;
using MintFunction = Protocol.Core.Contracts.TestTokenBindings.MintFunction;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// The node defending a market on a real anvil chain (issue 17): a verdict when the sponsor's gold set is not there,
/// a dispute when Sybil oracles push a wrong report, an equivocation proof when one of them signed twice.
/// </summary>
public sealed class WatcherTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>, IDisposable
{
    private const byte Forfeited = 8, Challenge = 4, Disputed = 5, Evaluation = 3;
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-watch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_gold_set_never_published_gets_a_quorum_verdict_and_the_market_forfeits_without_refunding_the_sponsor()
    {
        var crowd = new CrowdMarket(_dir);
        var (d, market) = await LabelledMarketAsync(crowd, publishGold: false);
        await market.RevealGoldAsync();

        var one = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var two = await crowd.NodeAsync(anvil, db, d, 2, "http://127.0.0.1:9");
        var a = await one.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        var b = await two.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        Assert.Equal(("attested", "attested"), (a.Status, b.Status));
        Assert.Equal(a.Digest, b.Digest); // the verdict commits to a reason code every honest node reaches

        using var verdict = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(a.OutputFolder!, "verdict.json")));
        Assert.Equal("gold set: missing", verdict.RootElement.GetProperty("verdict").GetString());
        Assert.Contains("file not found", verdict.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var state = await StateAsync(d, market.Id);
        Assert.Equal(new byte[32], state.ResultsRoot);
        Assert.Equal(new VerdictReason(VerdictReason.GoldSet, VerdictReason.Missing).Hash, Bytes32.Parse(verdict.RootElement.GetProperty("metricsHash").GetString()!));

        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await anvil.MineAsync();
        Assert.Equal(Forfeited, await PhaseAsync(d, market.Id));
        await d.Send(Sponsor, d.MarketAddress, new ForfeitFunction { MarketId = market.Id });
        Assert.Equal(BigInteger.Zero, await CreditAsync(d, AnvilFixture.DevAddress(Sponsor)));
        Assert.Equal(market.Terms.RewardPool, await CreditAsync(d, ProtocolConstants.BurnAddress));
        Assert.Equal(BigInteger.Zero, await CreditAsync(d, AnvilFixture.DevAddress(Treasury)));
        var before = await d.BalanceAsync(AnvilFixture.DevAddress(4));
        await d.Send(Sponsor, d.MarketAddress, new RefundFunction { MarketId = market.Id, Curator = AnvilFixture.DevAddress(4) });
        Assert.Equal(10 * Token, await d.BalanceAsync(AnvilFixture.DevAddress(4)) - before);
    }

    /// <summary>
    /// Issue 24: the sponsor commits a well-formed gold set with every pref flipped. Two honest nodes reach the same
    /// verdict (rule gold-check/1) instead of a report that would slash the curator, the market forfeits, the curator
    /// takes its stake back and the sponsor is credited nothing.
    /// </summary>
    [Fact]
    public async Task An_inverted_gold_set_gets_a_quorum_verdict_contradicted_by_labels_and_the_curator_is_refunded()
    {
        var crowd = new CrowdMarket(_dir);
        var (d, market) = await LabelledMarketAsync(crowd, publishGold: true, invertGold: true, taskCount: 200, goldCount: 120, labelled: 200);
        await market.RevealGoldAsync();

        var one = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var two = await crowd.NodeAsync(anvil, db, d, 2, "http://127.0.0.1:9");
        var a = await one.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        var b = await two.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        Assert.Equal(("attested", "attested"), (a.Status, b.Status));
        Assert.Equal(a.Digest, b.Digest);
        using var verdict = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(a.OutputFolder!, "verdict.json")));
        Assert.Equal("gold set: contradicted by labels", verdict.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(new VerdictReason(VerdictReason.GoldSet, VerdictReason.ContradictedByLabels).Hash, Bytes32.Parse(verdict.RootElement.GetProperty("metricsHash").GetString()!));
        Assert.Equal(new byte[32], (await StateAsync(d, market.Id)).ResultsRoot);

        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await anvil.MineAsync();
        Assert.Equal(Forfeited, await PhaseAsync(d, market.Id));
        await d.Send(Sponsor, d.MarketAddress, new ForfeitFunction { MarketId = market.Id });
        Assert.Equal(BigInteger.Zero, await CreditAsync(d, AnvilFixture.DevAddress(Sponsor)));
        var before = await d.BalanceAsync(AnvilFixture.DevAddress(4));
        await d.Send(Sponsor, d.MarketAddress, new RefundFunction { MarketId = market.Id, Curator = AnvilFixture.DevAddress(4) });
        Assert.Equal(10 * Token, await d.BalanceAsync(AnvilFixture.DevAddress(4)) - before);

        // The same market with the true gold set settles: a report, no verdict.
        var (d2, honest) = await LabelledMarketAsync(crowd, publishGold: true, taskCount: 200, goldCount: 120, labelled: 200);
        await honest.RevealGoldAsync();
        var node = await crowd.NodeAsync(anvil, db, d2, 3, "http://127.0.0.1:9"); // its own output folder
        var outcome = await node.EvaluateAndAttestAsync(honest.Id, null, CancellationToken.None);
        Assert.False(File.Exists(Path.Combine(outcome.OutputFolder!, "verdict.json")));
        Assert.True(File.Exists(Path.Combine(outcome.OutputFolder!, "leaves.json")));
    }

    [Fact]
    public async Task Only_the_sponsors_faults_make_a_verdict_a_node_side_problem_does_not()
    {
        var crowd = new CrowdMarket(_dir);
        // The gold URI names a real file, but with other bytes than committed: a hash mismatch, the sponsor's fault.
        var (d, market) = await LabelledMarketAsync(crowd, publishGold: true, goldBytes: "{\"id\":\"x\"}\n"u8.ToArray());
        await market.RevealGoldAsync();
        var node = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var outcome = await node.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        using var verdict = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outcome.OutputFolder!, "verdict.json")));
        Assert.Equal("gold set: hash mismatch", verdict.RootElement.GetProperty("verdict").GetString());

        // A gold set outside the folders this node may read is this node's configuration, not the sponsor's fault.
        var (d2, elsewhere) = await LabelledMarketAsync(crowd, publishGold: true, goldUri: "file:///etc/fmp-gold.jsonl");
        await elsewhere.RevealGoldAsync();
        var node2 = await crowd.NodeAsync(anvil, db, d2, 1, "http://127.0.0.1:9");
        var problem = await Assert.ThrowsAsync<MarketInputException>(() => node2.EvaluateAndAttestAsync(elsewhere.Id, null, CancellationToken.None));
        Assert.IsNotType<SponsorInputsUnusableException>(problem);
        Assert.Contains("outside the allowed folders", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_sybil_oracles_push_a_wrong_report_and_the_honest_node_disputes_it_in_time_and_proves_the_equivocation()
    {
        var crowd = new CrowdMarket(_dir);
        var (d, market) = await LabelledMarketAsync(crowd, publishGold: true);
        await market.RevealGoldAsync();

        // Oracles 2 and 3 collude: 3 first attests one report alone, then both sign one that slashes the good curator
        // and pays the sponsor; quorum 2 accepts it at once.
        var decoy = market.BuildReport([new CuratorOutcome(AnvilFixture.DevAddress(4), 10 * Token, 0, 0), new CuratorOutcome(AnvilFixture.DevAddress(5), 10 * Token, -10_000, 0)]);
        await market.AttestAsync(decoy, 3);
        var theft = market.BuildReport([new CuratorOutcome(AnvilFixture.DevAddress(4), 10 * Token, -10_000, 0), new CuratorOutcome(AnvilFixture.DevAddress(5), 10 * Token, -10_000, 0)]);
        await market.AttestAsync(theft, 2, 3);
        Assert.Equal(Challenge, await PhaseAsync(d, market.Id));

        // The honest node evaluates in the challenge window and disagrees.
        var honest = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var outcome = await honest.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        Assert.StartsWith("evaluated in the challenge window", outcome.Status, StringComparison.Ordinal);
        Assert.NotEqual(d.Signing.Digest(theft.Report), outcome.Digest);

        await NodeSchema.MigrateAsync(db.DataSource, d.MarketAddress, CancellationToken.None);
        var storage = new PostgreSqlStorage(new DataSourceConnectionFactory(db.DataSource), new PostgreSqlStorageOptions { SchemaName = "hangfire_watch", PrepareSchemaIfNecessary = true });
        ScanJob Scan(string budget) => new(anvil.Web3For(1), new NodeOptions { RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress, DisputeBudget = budget },
            db.DataSource, new BackgroundJobClient(storage), NullLogger<ScanJob>.Instance);

        // Without a budget it only logs and counts; the equivocation it proves regardless.
        var skipped = NodeMetrics.DisputesSkipped.Value;
        await Scan("0").RunAsync(CancellationToken.None);
        Assert.Equal(skipped + 1, NodeMetrics.DisputesSkipped.Value);
        Assert.Equal(Challenge, await PhaseAsync(d, market.Id));
        var sybil = (await anvil.Web3.QueryAsync<OracleFunction, OracleOutput>(d.RegistryAddress, new OracleFunction { Account = AnvilFixture.DevAddress(3) })).ReturnValue1;
        Assert.Equal((byte)3, sybil.Status); // slashed for signing two reports for one round
        Assert.True(await anvil.Web3.CallAsync<BondCreditFunction, BigInteger>(d.RegistryAddress, new BondCreditFunction { Account = AnvilFixture.DevAddress(1) }) > 0);

        // With a budget, and the bond in its wallet, it disputes once.
        var bond = DisputeBondFor(market.Terms.RewardPool);
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = AnvilFixture.DevAddress(1), Amount = bond });
        var disputes = NodeMetrics.Disputes.Value;
        await Scan((10 * bond).ToString(CultureInfo.InvariantCulture)).RunAsync(CancellationToken.None);
        await Scan((10 * bond).ToString(CultureInfo.InvariantCulture)).RunAsync(CancellationToken.None);
        Assert.Equal(disputes + 1, NodeMetrics.Disputes.Value);
        Assert.Equal(Disputed, await PhaseAsync(d, market.Id));
        Assert.Equal(AnvilFixture.DevAddress(1), (await StateAsync(d, market.Id)).Challenger, StringComparer.OrdinalIgnoreCase);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            var row = await connection.QuerySingleAsync<(string Accepted, string Ours)>(
                "SELECT accepted_digest, our_digest FROM node_disputes WHERE market_id = @m::numeric", new { m = market.Id.ToString(CultureInfo.InvariantCulture) });
            Assert.Equal((d.Signing.Digest(theft.Report).ToString(), outcome.Digest.ToString()), row);
        }

        // The arbiter overturns: the Sybils lose what they locked, a new round starts for honest oracles.
        await d.Send(Arbiter, d.MarketAddress, new ResolveDisputeFunction { MarketId = market.Id, Overturned = true });
        Assert.Equal(Evaluation, await PhaseAsync(d, market.Id));
        var two = (await anvil.Web3.QueryAsync<OracleFunction, OracleOutput>(d.RegistryAddress, new OracleFunction { Account = AnvilFixture.DevAddress(2) })).ReturnValue1;
        Assert.Equal((byte)3, two.Status);
        Assert.True(two.Bond < OracleBond);
    }

    [Fact]
    public async Task Honest_watching_disputes_by_default_and_a_refunded_bond_no_longer_counts_against_the_budget()
    {
        var crowd = new CrowdMarket(_dir);
        var d = await DeployAsync(anvil);
        // Two more colluders (dev accounts 6 and 7), active by the time the second market is evaluated.
        foreach (var colluder in new[] { 6, 7 })
        {
            await d.MintAndApproveAsync(colluder, d.RegistryAddress, OracleBond);
            await d.Send(colluder, d.RegistryAddress, new RegisterFunction { Amount = OracleBond });
        }

        var (_, first) = await LabelledMarketAsync(crowd, publishGold: true, deployment: d);
        await first.RevealGoldAsync();
        var honest = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var bond = DisputeBondFor(first.Terms.RewardPool);
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = AnvilFixture.DevAddress(1), Amount = 2 * bond });
        await NodeSchema.MigrateAsync(db.DataSource, d.MarketAddress, CancellationToken.None);
        var storage = new PostgreSqlStorage(new DataSourceConnectionFactory(db.DataSource), new PostgreSqlStorageOptions { SchemaName = "hangfire_budget", PrepareSchemaIfNecessary = true });
        ScanJob Scan(NodeOptions options) => new(anvil.Web3For(1), options, db.DataSource, new BackgroundJobClient(storage), NullLogger<ScanJob>.Instance);

        // Out of the box (no DisputeBudget set), the node disputes a wrong report it disagrees with.
        await StealAsync(first, 2, 3);
        Assert.StartsWith("evaluated in the challenge window", (await honest.EvaluateAndAttestAsync(first.Id, null, CancellationToken.None)).Status, StringComparison.Ordinal);
        var disputes = NodeMetrics.Disputes.Value;
        await Scan(new NodeOptions { RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress }).RunAsync(CancellationToken.None);
        Assert.Equal(disputes + 1, NodeMetrics.Disputes.Value);
        Assert.Equal(Disputed, await PhaseAsync(d, first.Id));

        // The arbiter overturns: the bond is credited back to the node, so it is no longer at stake.
        await d.Send(Arbiter, d.MarketAddress, new ResolveDisputeFunction { MarketId = first.Id, Overturned = true });

        // A second wrong report: a budget of exactly one bond still covers it.
        var (_, second) = await LabelledMarketAsync(crowd, publishGold: true, deployment: d);
        await second.RevealGoldAsync();
        await StealAsync(second, 6, 7);
        Assert.StartsWith("evaluated in the challenge window", (await honest.EvaluateAndAttestAsync(second.Id, null, CancellationToken.None)).Status, StringComparison.Ordinal);
        var oneBond = new NodeOptions { RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress, DisputeBudget = bond.ToString(CultureInfo.InvariantCulture) };
        await Scan(oneBond).RunAsync(CancellationToken.None);
        Assert.Equal(disputes + 2, NodeMetrics.Disputes.Value);
        Assert.Equal(Disputed, await PhaseAsync(d, second.Id));
        await using var connection = await db.DataSource.OpenConnectionAsync();
        Assert.Equal("refunded", await connection.ExecuteScalarAsync<string>(
            "SELECT outcome FROM node_disputes WHERE market_contract = @c AND market_id = @m::numeric",
            new { c = d.MarketAddress.ToLowerInvariant(), m = first.Id.ToString(CultureInfo.InvariantCulture) }));
    }

    /// <summary>
    /// Review 2, item 4: a curator answers nothing when the nodes fetch its label file, then serves it and disputes the
    /// report that marked it invalid. The arbiter's rule is a rerun: the honest signers keep their bonds, the
    /// challenger gets nothing and pays them its bond, and in the next round the nodes count the file.
    /// </summary>
    [Fact]
    public async Task A_label_file_withheld_at_evaluation_then_disputed_is_rerun_and_no_honest_node_is_slashed()
    {
        var crowd = new CrowdMarket(_dir);
        var (d, market) = await LabelledMarketAsync(crowd, publishGold: true);
        await market.RevealGoldAsync();
        var labels = Assert.Single(Directory.GetFiles(_dir, "good.jsonl", SearchOption.AllDirectories));
        File.Move(labels, labels + ".withheld");

        var one = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var two = await crowd.NodeAsync(anvil, db, d, 2, "http://127.0.0.1:9");
        var first = await one.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        Assert.Equal("attested", (await two.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None)).Status);
        Assert.False(await ValidAsync(first.OutputFolder!, AnvilFixture.DevAddress(4)));
        Assert.Equal(Challenge, await PhaseAsync(d, market.Id));

        // The file appears; the curator disputes from another address (dev account 7).
        File.Move(labels + ".withheld", labels);
        var bond = DisputeBondFor(market.Terms.RewardPool);
        await d.MintAndApproveAsync(7, d.MarketAddress, bond);
        await d.Send(7, d.MarketAddress, new DisputeFunction { MarketId = market.Id });
        await d.Send(Arbiter, d.MarketAddress, new RerunFunction { MarketId = market.Id });

        Assert.Equal(Evaluation, await PhaseAsync(d, market.Id));
        foreach (var account in new[] { 1, 2 })
        {
            var oracle = (await anvil.Web3.QueryAsync<OracleFunction, OracleOutput>(d.RegistryAddress, new OracleFunction { Account = AnvilFixture.DevAddress(account) })).ReturnValue1;
            Assert.Equal((byte)1, oracle.Status); // active: not slashed
            Assert.Equal(OracleBond, oracle.Bond);
            Assert.Equal(BigInteger.Zero, oracle.Locked);
        }

        Assert.Equal(BigInteger.Zero, await anvil.Web3.CallAsync<BondCreditFunction, BigInteger>(d.RegistryAddress, new BondCreditFunction { Account = AnvilFixture.DevAddress(7) }));
        Assert.Equal(bond, await CreditAsync(d, AnvilFixture.DevAddress(1)) + await CreditAsync(d, AnvilFixture.DevAddress(2)));

        // Round 1: the nodes fetch again and count the file.
        var second = await one.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        Assert.Equal("attested", second.Status);
        Assert.Equal("attested", (await two.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None)).Status);
        Assert.True(await ValidAsync(second.OutputFolder!, AnvilFixture.DevAddress(4)));
        Assert.Equal(1u, (await StateAsync(d, market.Id)).Round);
        Assert.Equal(Challenge, await PhaseAsync(d, market.Id));
    }

    /// <summary>
    /// Review 2, item 4, made objective: a label file and a gold set revealed in the reveals themselves (data: URIs in
    /// the Revealed and GoldRevealed events) are read from the chain, so no publisher can withhold them from some nodes.
    /// </summary>
    [Fact]
    public async Task A_label_file_and_gold_set_revealed_on_chain_are_read_from_the_events_and_counted()
    {
        var crowd = new CrowdMarket(_dir);
        var (d, market) = await LabelledMarketAsync(crowd, publishGold: false, onChain: true);
        await market.RevealGoldAsync();
        foreach (var file in Directory.GetFiles(_dir, "good.jsonl", SearchOption.AllDirectories))
        {
            File.Delete(file); // nothing served anywhere: the chain holds it
        }

        var one = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var outcome = await one.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        Assert.Equal("attested", outcome.Status);
        Assert.True(await ValidAsync(outcome.OutputFolder!, AnvilFixture.DevAddress(4)));
    }

    private static async Task<bool> ValidAsync(string folder, string account)
    {
        await using var scores = File.OpenRead(Path.Combine(folder, "scores.jsonl"));
        await foreach (var line in ScoresFile.ReadAsync(scores, "scores.jsonl"))
        {
            if (string.Equals(line.Account, account, StringComparison.OrdinalIgnoreCase))
            {
                return line.Valid;
            }
        }

        throw new InvalidOperationException($"{account} is not in {folder}/scores.jsonl");
    }

    // Two colluding oracles accept a report that slashes the good curator and pays the sponsor.
    private static Task StealAsync(TestMarket market, params int[] oracles) =>
        market.AttestAsync(market.BuildReport([new CuratorOutcome(AnvilFixture.DevAddress(4), 10 * Token, -10_000, 0), new CuratorOutcome(AnvilFixture.DevAddress(5), 10 * Token, -10_000, 0)]), oracles);

    private async Task<(ProtocolDeployment, TestMarket)> LabelledMarketAsync(CrowdMarket crowd, bool publishGold, byte[]? goldBytes = null, string? goldUri = null,
        bool invertGold = false, int taskCount = 80, int goldCount = 40, int labelled = 40, ProtocolDeployment? deployment = null, bool onChain = false)
    {
        var (tasks, gold) = crowd.LoadCrowdData(taskCount, goldCount);
        if (invertGold)
        {
            gold = [.. gold.Select(g => g with { Pref = CrowdMarket.Flip(g.Pref) })];
        }

        var sub = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("n"))).FullName;
        var specPath = Path.Combine(RepositoryLayout.Root, "specs", "bt-shapley-v1.json");
        var goldCanonical = CanonicalWriter.ToBytes(gold.Select(ProtocolFiles.ToLine));
        var goldPath = Path.Combine(sub, "gold.jsonl");
        if (publishGold)
        {
            await File.WriteAllBytesAsync(goldPath, goldBytes ?? goldCanonical);
        }

        var taskBytes = CanonicalWriter.ToBytes(tasks.Select(ProtocolFiles.ToLine));
        await File.WriteAllBytesAsync(Path.Combine(sub, "tasks.jsonl"), taskBytes);
        var files = new MarketFiles(
            Keccak.Hash(taskBytes), new Uri(Path.Combine(sub, "tasks.jsonl")).AbsoluteUri,
            Keccak.Hash(File.ReadAllBytes(specPath)), new Uri(specPath).AbsoluteUri,
            Keccak.Hash(goldCanonical), goldUri ?? (onChain ? DataUri.Encode(goldCanonical) : new Uri(goldPath).AbsoluteUri));
        var labels = CanonicalWriter.ToBytes(tasks.Take(labelled).Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));
        await File.WriteAllBytesAsync(Path.Combine(sub, "good.jsonl"), labels);

        var d = deployment ?? await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token), files: files);
        market.UseLabelFile(4, Keccak.Hash(labels), onChain ? DataUri.Encode(labels) : new Uri(Path.Combine(sub, "good.jsonl")).AbsoluteUri);
        await market.CommitAsync(4, 10 * Token);
        await market.CommitAsync(5, 10 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await anvil.IncreaseTimeAsync(3_600);
        return (d, market);
    }

    private async Task<byte> PhaseAsync(ProtocolDeployment d, BigInteger id) =>
        await anvil.Web3.CallAsync<PhaseFunction, byte>(d.MarketAddress, new PhaseFunction { MarketId = id });

    private async Task<MarketState> StateAsync(ProtocolDeployment d, BigInteger id) =>
        (await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = id })).ReturnValue1;

    private async Task<BigInteger> CreditAsync(ProtocolDeployment d, string account) =>
        await anvil.Web3.CallAsync<CreditFunction, BigInteger>(d.MarketAddress, new CreditFunction { Token = d.TokenAddress, Account = account });
}
