using Nethereum.Signer;
using Protocol.Client;
using Protocol.Client.Chain;
using Protocol.Client.Datasets;
using Protocol.Client.Markets;
using Protocol.Client.Oracles;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// What docs/integrators.md shows a C# integrator doing with Protocol.Client alone, in process against anvil: a sponsor
/// creates a market from its market file and reveals the gold set, curators commit, reveal and claim from an oracle's
/// published report, the market is finalized and its dataset exported; refusals come back typed, before anything is sent.
/// The oracle's report is built and signed here as a node would (the node's own tests cover how it is computed).
/// </summary>
public sealed class ClientLibraryTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-client-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_market_runs_from_create_to_claim_and_export_through_the_library_with_typed_refusals()
    {
        var ct = CancellationToken.None;
        var d = await DeployAsync(anvil);
        var marketFile = await MarketFilesAsync(d);
        var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl, d.MarketAddress, ct);
        Assert.Equal(d.RegistryAddress, chain.Registry, ignoreCase: true);

        // Sponsor: create from the market file (refused without the pool's tokens, nothing sent); a rerun with the same
        // secrets finds the market and sends nothing.
        var sponsor = Signer.FromKey(chain, new EthECKey(AnvilFixture.DevPrivateKeys[Sponsor]));
        var plan = await MarketPlan.ReadAsync(marketFile, ct);
        var secretsPath = Path.Combine(_dir, "market.secrets.json");
        var poor = await Assert.ThrowsAsync<RefusalException>(() => SponsorActions.CreateAsync(MarketSession.Contract(chain, sponsor), plan, secretsPath, ct));
        Assert.Equal(RefusalCode.InsufficientFunds, poor.Code);
        Assert.Empty(sponsor.Sent);
        await d.MintAndApproveAsync(Sponsor, d.MarketAddress, 100 * Token);
        var created = await SponsorActions.CreateAsync(MarketSession.Contract(chain, sponsor), plan, secretsPath, ct);
        Assert.False(created.AlreadyCreated);
        Assert.Equal("createMarket", created.Transactions[^1].Name);
        var again = await SponsorActions.CreateAsync(MarketSession.Contract(chain, sponsor), plan, secretsPath, ct);
        Assert.True(again.AlreadyCreated);
        Assert.Equal(created.MarketId, again.MarketId);
        Assert.Empty(again.Transactions);

        // Curators: a stake outside the bounds and a reveal before its phase are refused with their codes.
        var sessions = new Dictionary<int, MarketSession>();
        var labelled = 0;
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var curator in new[] { 4, 5 })
        {
            await d.MintAndApproveAsync(curator, d.MarketAddress, 5 * Token);
            var m = await MarketSession.OpenAsync(chain, created.MarketId, Signer.FromKey(chain, new EthECKey(AnvilFixture.DevPrivateKeys[curator])));
            sessions[curator] = m;
            // bt-inrun-v3 assigns each key its own items; the verified task pool says which.
            var pool = await CuratorTaskPool.LoadAsync(m, d.StartBlock, ct);
            var mine = pool.For(m.Address, m.Id);
            Assert.InRange(mine.Count, Math.Max(1, pool.MinimumLabels), 3);
            var labels = await LabelFileAsync(curator, mine);
            labelled += mine.Count;
            counts[m.Address] = mine.Count;
            var request = new CommitRequest(labels, Path.Combine(_dir, $"labels{curator}.commit.json"), "5", "stake", d.StartBlock);
            var tooMuch = await Assert.ThrowsAsync<RefusalException>(() => CuratorActions.CommitAsync(m, request with { Stake = "50" }, ct));
            Assert.Equal(RefusalCode.InvalidInput, tooMuch.Code);
            var commit = await CuratorActions.CommitAsync(m, request, ct);
            Assert.Equal(mine.Count, commit.Labels);
            Assert.Equal(5 * Token, commit.Stake);
            Assert.Equal(["commit"], commit.Transactions.Select(t => t.Name)); // the allowance covered the stake
        }

        var early = new RevealRequest(Path.Combine(_dir, "labels4.jsonl"), Path.Combine(_dir, "labels4.commit.json"), null, true, null);
        var secrets4 = await CuratorActions.ReadSecretsAsync(early.SecretsPath, ct);
        var wrongPhase = await Assert.ThrowsAsync<RefusalException>(async () =>
            await CuratorActions.RevealAsync(sessions[4], secrets4, early, await CuratorActions.RevealUriAsync(early, ct), ct));
        Assert.Equal(RefusalCode.WrongPhase, wrongPhase.Code);
        Assert.Contains("is in phase open (commits close ", wrongPhase.Message, StringComparison.Ordinal);

        await anvil.IncreaseTimeAsync(2 * 3_600 + 1);
        foreach (var (curator, m) in sessions)
        {
            await m.RefreshAsync();
            var request = new RevealRequest(Path.Combine(_dir, $"labels{curator}.jsonl"), Path.Combine(_dir, $"labels{curator}.commit.json"), null, OnChain: true, null);
            var secrets = await CuratorActions.ReadSecretsAsync(request.SecretsPath, ct);
            var revealed = await CuratorActions.RevealAsync(m, secrets, request, await CuratorActions.RevealUriAsync(request, ct), ct);
            Assert.StartsWith("data:", revealed.Uri, StringComparison.Ordinal);
        }

        // Sponsor: the gold set, on chain; a second reveal is refused.
        await anvil.IncreaseTimeAsync(3_600 + 1);
        var (sponsorSecrets, id) = await SponsorActions.ReadSecretsAsync(secretsPath, null, ct);
        var sm = await MarketSession.OpenAsync(chain, id, sponsor);
        var gold = await SponsorActions.RevealGoldAsync(sm, sponsorSecrets, secretsPath, new GoldRevealRequest(OnChain: true), ct);
        Assert.Equal("revealGold", gold.Transactions.Single().Name);
        await sm.RefreshAsync();
        Assert.Equal(RefusalCode.Refused, (await Assert.ThrowsAsync<RefusalException>(() =>
            SponsorActions.RevealGoldAsync(sm, sponsorSecrets, secretsPath, new GoldRevealRequest(OnChain: true), ct))).Code);

        // Two oracles sign a report and publish it the way a node does.
        var (report, scores) = await AttestAsync(d, id, counts, [new(AnvilFixture.DevAddress(4), 5 * Token, 6_000, 900_000), new(AnvilFixture.DevAddress(5), 5 * Token, -3_000, -200_000)]);
        await PublishedReports.PublishAsync(Path.Combine(_dir, "reports"), id, report, scores);
        using var served = await PublishedReports.ServeAsync(Path.Combine(_dir, "reports"));

        // Not yet final: finalize and claim are refused with when; then both go through, once.
        await sm.RefreshAsync();
        Assert.Equal(RefusalCode.WrongPhase, (await Assert.ThrowsAsync<RefusalException>(() => SponsorActions.SettleAsync(sm, finalize: true, ct))).Code);
        await anvil.IncreaseTimeAsync(3_600 + 1);
        await sm.RefreshAsync();
        var settled = await SponsorActions.SettleAsync(sm, finalize: true, ct);
        Assert.False(settled.AlreadyRecorded);
        Assert.Contains(settled.Transactions, t => t.Name == "finalize");

        var m4 = sessions[4];
        await m4.RefreshAsync();
        var claim = await CuratorActions.ClaimAsync(m4, served.Url, ct);
        Assert.Equal(ClaimKind.Leaf, claim.Kind);
        Assert.Equal(report.Leaves.Single(l => l.Account == AnvilFixture.DevAddress(4)).Amount, claim.Paid);
        Assert.True(claim.Paid > 5 * Token); // the stake back and a share of the pool
        Assert.Equal(RefusalCode.Refused, (await Assert.ThrowsAsync<RefusalException>(() => CuratorActions.ClaimAsync(m4, served.Url, ct))).Code);

        // The dataset: every revealed label with its curator's value, from files checked against the chain.
        var export = await DatasetExport.ExportAsync(m4, new Uri(served.Url), Path.Combine(_dir, "dataset"), parquet: false, d.StartBlock, ct);
        Assert.Equal(labelled, export.Tables.Counts.Labels);
        Assert.Equal(2, export.Tables.Counts.Curators);
        Assert.Contains(export.Written, w => w.EndsWith("labels.jsonl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_oracle_key_registers_and_the_registry_rules_are_refused_before_sending()
    {
        var ct = CancellationToken.None;
        var d = await DeployAsync(anvil);
        var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl, d.MarketAddress, ct);
        var oracle = await OracleAccount.OpenAsync(chain, Signer.FromKey(chain, new EthECKey(AnvilFixture.DevPrivateKeys[6])));
        Assert.Equal(MinBond, oracle.MinBond);

        var nothing = await Assert.ThrowsAsync<RefusalException>(() => oracle.WithdrawAsync(ct));
        Assert.Equal(RefusalCode.NotFound, nothing.Code);
        var poor = await Assert.ThrowsAsync<RefusalException>(() => oracle.RegisterAsync(MinBond, topUp: false, ct));
        Assert.Equal(RefusalCode.InsufficientFunds, poor.Code);
        Assert.Empty(oracle.Signer.Sent);

        await d.MintAndApproveAsync(6, d.RegistryAddress, MinBond);
        var registered = await oracle.RegisterAsync(MinBond, topUp: false, ct);
        Assert.Equal(["register"], registered.Transactions.Select(t => t.Name)); // the allowance covered the bond
        Assert.Equal(OracleStatus.Active, registered.After.Status);
        Assert.StartsWith("bonded, its signatures count from", registered.After.StateName, StringComparison.Ordinal);
        Assert.Equal(RefusalCode.Refused, (await Assert.ThrowsAsync<RefusalException>(() => oracle.RegisterAsync(MinBond, topUp: false, ct))).Code);
        Assert.Equal(RefusalCode.WrongPhase, (await Assert.ThrowsAsync<RefusalException>(() => oracle.WithdrawAsync(ct))).Code);
    }

    [Fact]
    public async Task A_wrong_address_or_a_dead_rpc_is_refused_with_what_to_fix()
    {
        var ct = CancellationToken.None;
        var d = await DeployAsync(anvil);
        var registry = await Assert.ThrowsAsync<RefusalException>(() => ChainConnection.ConnectAsync(anvil.RpcUrl, d.RegistryAddress, ct));
        Assert.Equal(RefusalCode.WrongContract, registry.Code);
        Assert.Contains("it answers as the OracleRegistry; set --market to the market address", registry.Message, StringComparison.Ordinal);
        var token = await Assert.ThrowsAsync<RefusalException>(() => ChainConnection.ConnectAsync(anvil.RpcUrl, d.TokenAddress, ct, new ConnectionSources("rpc", "Market:Address")));
        Assert.Contains("Set Market:Address to the market address", token.Message, StringComparison.Ordinal);
        var dead = await Assert.ThrowsAsync<RefusalException>(() => ChainConnection.ConnectAsync($"http://127.0.0.1:{FreePort.Next()}", d.MarketAddress, ct));
        Assert.Equal(RefusalCode.Unreachable, dead.Code);
        var none = await Assert.ThrowsAsync<RefusalException>(async () => await MarketSession.OpenAsync(await ChainConnection.ConnectAsync(anvil.RpcUrl, d.MarketAddress, ct), 7));
        Assert.Equal(RefusalCode.NotFound, none.Code);
    }

    // A three-item task pool, a gold set and the sponsor's market file (the default spec, bt-inrun-v3) in _dir.
    private async Task<string> MarketFilesAsync(ProtocolDeployment d)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "public"));
        Directory.CreateDirectory(Path.Combine(_dir, "private"));
        var tasks = Enumerable.Range(1, 3).Select(i => new TaskItem($"t{i}", $"prompt {i}", $"answer {i} a", $"answer {i} b"));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "public", "tasks.jsonl"), CanonicalWriter.ToBytes(tasks.Select(ProtocolFiles.ToLine)));
        var gold = new[] { new GoldItem("g1", "p", "ga", "gb", Preference.A), new GoldItem("g2", "p", "ha", "hb", Preference.B) };
        await File.WriteAllBytesAsync(Path.Combine(_dir, "private", "gold.jsonl"), CanonicalWriter.ToBytes(gold.Select(ProtocolFiles.ToLine)));
        var path = Path.Combine(_dir, "market.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "token": "{{d.TokenAddress}}", "pool": "100", "spec": "bt-inrun-v3",
              "tasks": "public/tasks.jsonl", "gold": "private/gold.jsonl",
              "deadlines": { "commit": "2h", "reveal": "1h", "gold": "1h", "evaluation": "1d" },
              "stake": { "min": "1", "cap": "10" },
              "slashBps": 5000, "oracleFeeBps": 500, "challengePeriod": "1h"
            }
            """);
        return path;
    }

    private async Task<string> LabelFileAsync(int curator, IReadOnlyList<TaskItem> items)
    {
        var path = Path.Combine(_dir, $"labels{curator}.jsonl");
        var labels = items.Select(i => new Label(i.Id, curator == 4 ? Preference.A : Preference.B));
        await File.WriteAllBytesAsync(path, CanonicalWriter.ToBytes(labels.Select(ProtocolFiles.ToLine)));
        return path;
    }

    // The oracle's side: the payout table, leaves and tree, a scores file the report commits to, two signatures.
    private static async Task<(SettledReport Report, byte[] Scores)> AttestAsync(ProtocolDeployment d, System.Numerics.BigInteger id, Dictionary<string, long> labels, CuratorOutcome[] outcomes)
    {
        var table = PayoutCalculator.Compute(new MarketTerms(100 * Token, 500, 5_000, 10 * Token), outcomes);
        var leaves = table.Leaves(id);
        var tree = MerkleTree.Build(leaves.Select(l => l.Hash));
        var scores = ScoresFile.ToBytes(table.Curators.Select(p => new ScoreLine(p.Account, true, null, labels[p.Account], p.Value, p.ScoreBps, p.Stake, p.Slash, p.Reward, p.Payout)));
        var report = new Report
        {
            MarketId = id, Round = 0, ResultsRoot = tree.Root.ToArray(), TotalPayout = table.TotalPayout,
            ScoresHash = Keccak.Hash(scores).ToArray(), MetricsHash = Keccak.Hash("metrics"u8).ToArray(),
        };
        var signatures = Oracles.Take(2).Select(o => d.Signing.Sign(report, new EthECKey(AnvilFixture.DevPrivateKeys[o]))).ToList();
        await d.Send(Sponsor, d.MarketAddress, new AttestFunction { Report = report, Signatures = signatures });
        return (new SettledReport(table, leaves, tree, report), scores);
    }
}
