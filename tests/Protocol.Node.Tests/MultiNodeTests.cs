using System.Numerics;
using System.Text.Json;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Signer;
using Protocol.Client.Fetching;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.Evaluation;
using Protocol.Node.Evaluation;
using Protocol.Node.Jobs;
using Protocol.ServiceDefaults;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// Three oracle nodes (quorum two) evaluate a market built from real crowd data on anvil, on the sponsor's committed
/// all-MiniLM-L6-v2 features (bt-inrun-v2-features-open: each file comes with its features file). One of them is
/// fed a corrupted copy of a curator's label file by its IPFS gateway, so it signs a different digest; the
/// other two still reach the quorum, and the published leaves pay everyone exactly the scores file's amounts.
/// </summary>
public sealed class MultiNodeTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>, IDisposable
{
    private const string Cid = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-market-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Two_honest_nodes_reach_quorum_while_a_misled_node_disagrees()
    {
        var crowd = new CrowdMarket(_dir);
        var (tasks, gold) = crowd.LoadCrowdData();
        var spec = EvaluationSpecs.ByName("bt-inrun-v2-features-open")!;
        var tasksHash = await crowd.WriteAsync("tasks.jsonl", tasks.Select(ProtocolFiles.ToLine));
        var goldHash = await crowd.WriteAsync("gold.jsonl", gold.Select(ProtocolFiles.ToLine));
        using (var embedder = Protocol.Embeddings.MiniLmEmbedder.Load())
        {
            await crowd.WriteFeaturesAsync(embedder, "tasks", tasksHash, [.. tasks.Select(t => new Protocol.Embeddings.ComparisonText(t.Prompt, t.A, t.B))]);
            await crowd.WriteFeaturesAsync(embedder, "gold", goldHash, [.. gold.Select(g => new Protocol.Embeddings.ComparisonText(g.Prompt, g.A, g.B))]);
        }

        string Uri(string name) => new Uri(Path.Combine(_dir, name)).AbsoluteUri;
        Bytes32 Bundle(Bytes32 items, string features) => FeatureBinding.BundleHash(items, Keccak.Hash(File.ReadAllBytes(Path.Combine(_dir, features))));
        var files = new MarketFiles(
            Bundle(tasksHash, "tasks.features"), FeatureBinding.BundleUri(Uri("tasks.jsonl"), Uri("tasks.features")),
            Bytes32.Parse(spec.Hash!), Uri("spec.json"),
            Bundle(goldHash, "gold.features"), FeatureBinding.BundleUri(Uri("gold.jsonl"), Uri("gold.features")));

        // Curators: 4 labels like the crowd's majority, 5 mostly so (served over IPFS), 6 the opposite, 7 never reveals.
        var majority = tasks.Take(60).Select(t => new Label(t.Id, crowd.Majority(t.Id))).ToList();
        var good = CanonicalWriter.ToBytes(majority.Select(ProtocolFiles.ToLine));
        var noisy = CanonicalWriter.ToBytes(majority.Take(50).Select((l, i) => ProtocolFiles.ToLine(i % 5 == 0 ? l with { Pref = CrowdMarket.Flip(l.Pref) } : l)));
        var flipped = CanonicalWriter.ToBytes(majority.Select(l => ProtocolFiles.ToLine(l with { Pref = CrowdMarket.Flip(l.Pref) })));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "good.jsonl"), good);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "flipped.jsonl"), flipped);

        await using var honestGateway = new HostileServer();
        await using var lyingGateway = new HostileServer();
        await honestGateway.InitializeAsync();
        await lyingGateway.InitializeAsync();
        honestGateway.Serve(Cid, noisy);
        lyingGateway.Serve(Cid, [.. noisy, .. "{\"id\":\"extra\",\"pref\":\"a\"}\n"u8]);

        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(1_000 * Token, 500, 5_000, 100 * Token), files: files);
        market.UseLabelFile(4, Keccak.Hash(good), new Uri(Path.Combine(_dir, "good.jsonl")).AbsoluteUri);
        market.UseLabelFile(5, Keccak.Hash(noisy), $"ipfs://{Cid}");
        market.UseLabelFile(6, Keccak.Hash(flipped), new Uri(Path.Combine(_dir, "flipped.jsonl")).AbsoluteUri);
        foreach (var c in new[] { 4, 5, 6, 7 })
        {
            await market.CommitAsync(c, 50 * Token);
        }

        await anvil.IncreaseTimeAsync(3_600);
        foreach (var c in new[] { 4, 5, 6 })
        {
            await market.RevealAsync(c);
        }

        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();

        var honest1 = await crowd.NodeAsync(anvil, db, d, 1, honestGateway.Url);
        var misled = await crowd.NodeAsync(anvil, db, d, 3, lyingGateway.Url);
        var honest2 = await crowd.NodeAsync(anvil, db, d, 2, honestGateway.Url);

        var first = await honest1.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        var other = await misled.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        var second = await honest2.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
        Assert.Equal(("attested", "attested", "attested"), (first.Status, other.Status, second.Status));
        Assert.Equal(first.Digest, second.Digest);
        Assert.NotEqual(first.Digest, other.Digest);

        var state = (await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = market.Id })).ReturnValue1;
        Assert.Equal(first.Digest, new Bytes32(state.AcceptedDigest));
        Assert.Equal("already accepted", (await honest1.EvaluateAndAttestAsync(market.Id, null, CancellationToken.None)).Status); // the challenge window runs: evaluated again, same digest

        // The honest node's scan notices the misled node's digest, once.
        await NodeSchema.MigrateAsync(db.DataSource, d.MarketAddress, CancellationToken.None);
        var storage = new PostgreSqlStorage(new DataSourceConnectionFactory(db.DataSource), new PostgreSqlStorageOptions { SchemaName = "hangfire_scan", PrepareSchemaIfNecessary = true });
        var scan = new ScanJob(anvil.Web3For(1), new NodeOptions { RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress }, db.DataSource, new BackgroundJobClient(storage), NullLogger<ScanJob>.Instance);
        var disagreementsBefore = NodeMetrics.Disagreements.Value;
        await scan.RunAsync(CancellationToken.None);
        await scan.RunAsync(CancellationToken.None);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            var seen = (await connection.QueryAsync<(string Signer, string Digest)>("SELECT signer, digest FROM node_disagreements WHERE market_contract = @c AND market_id = @m::numeric",
                new { c = d.MarketAddress.ToLowerInvariant(), m = market.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })).ToList();
            Assert.Equal((AnvilFixture.DevAddress(3).ToLowerInvariant(), other.Digest.ToString()), Assert.Single(seen));
        }

        Assert.Equal(disagreementsBefore + 1, NodeMetrics.Disagreements.Value);

        var metrics = await File.ReadAllTextAsync(Path.Combine(first.OutputFolder!, "metrics.jsonl"));
        Assert.Contains("\"spec\":\"bt-inrun-v2-features-open\"", metrics, StringComparison.Ordinal);

        // The honest scores: the flipped curator is slashed and below the others, the unrevealed one gets −10000.
        var scores = await ScoresFile.ReadAsync(File.OpenRead(Path.Combine(first.OutputFolder!, "scores.jsonl")), "scores.jsonl").ToListAsync();
        var byAccount = scores.ToDictionary(s => s.Account);
        ScoreLine Of(int i) => byAccount[AnvilFixture.DevAddress(i).ToLowerInvariant()];
        Assert.True(Of(4).ScoreBps > 0 && Of(5).ScoreBps > 0, $"good {Of(4).ScoreBps}, noisy {Of(5).ScoreBps}");
        Assert.True(Of(6).ScoreBps < 0 && Of(6).Slash > 0, $"flipped {Of(6).ScoreBps}");
        Assert.Equal((-10_000, false, "not revealed"), (Of(7).ScoreBps, Of(7).Valid, Of(7).Reason));
        // Every label's value beside the report: the same bytes from both honest nodes, each curator's values summing to its v.
        var labelsFile = await File.ReadAllBytesAsync(Path.Combine(first.OutputFolder!, "labels.jsonl"));
        Assert.Equal(labelsFile, await File.ReadAllBytesAsync(Path.Combine(second.OutputFolder!, "labels.jsonl")));
        var labelValues = await LabelValuesFile.ReadAsync(new MemoryStream(labelsFile), "labels.jsonl").ToListAsync();
        Assert.All(scores, s => Assert.Equal((s.Valid ? s.Labels : 0, s.Value), (labelValues.Count(l => l.Account == s.Account), labelValues.Where(l => l.Account == s.Account).Sum(l => l.Value))));
        Assert.True(labelValues.Where(l => l.Account == Of(6).Account).Sum(l => l.Value) < 0);
        var misledScores = await ScoresFile.ReadAsync(File.OpenRead(Path.Combine(other.OutputFolder!, "scores.jsonl")), "scores.jsonl").ToListAsync();
        Assert.StartsWith("hash mismatch", misledScores.Single(s => string.Equals(s.Account, AnvilFixture.DevAddress(5), StringComparison.OrdinalIgnoreCase)).Reason, StringComparison.Ordinal);

        // Everyone claims from the published leaves file and receives exactly the scores file's payout.
        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        using var leaves = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(first.OutputFolder!, "leaves.json")));
        foreach (var leaf in leaves.RootElement.GetProperty("leaves").EnumerateArray())
        {
            var account = leaf.GetProperty("account").GetString()!;
            var before = await d.BalanceAsync(account);
            var amount = BigInteger.Parse(leaf.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            await d.Send(Sponsor, d.MarketAddress, new ClaimFunction
            {
                MarketId = market.Id, Account = account, Amount = amount, ScoreBps = leaf.GetProperty("scoreBps").GetInt32(),
                Proof = [.. leaf.GetProperty("proof").EnumerateArray().Select(p => Bytes32.Parse(p.GetString()!).ToArray())],
            });
            Assert.Equal(amount, await d.BalanceAsync(account) - before);
            if (byAccount.TryGetValue(account, out var line))
            {
                Assert.Equal(line.Payout, amount);
            }
        }

        var settled = (await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = market.Id })).ReturnValue1;
        Assert.Equal(settled.TotalPayout, settled.Claimed);
    }
}
