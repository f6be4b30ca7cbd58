// The demo: one feedback market on real crowd labels (UKPConvArg1), end to end on a local chain —
// contracts, three oracle nodes (quorum two) and the indexer as real processes — and who won or lost.
// Run it with scripts/demo.sh; everything it writes is under out/demo.
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Npgsql;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.Demo;
using Protocol.Evaluation;
using Protocol.Evaluation.Tests;
using Protocol.Indexer.Consistency;
using Protocol.Node.Signing;
using Protocol.TestSupport;
using Spectre.Console;

// Options: --small (30 crowd workers: the quick version the test suite runs), --out DIR, --fmp PATH/fmp.dll,
// --keep (leave the chain, database and analyst dashboard running after the market settles, until Ctrl+C).
var ci = CultureInfo.InvariantCulture;
var root = RepositoryLayout.Root;
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var small = args.Contains("--small");
var keep = args.Contains("--keep");
var output = Path.GetFullPath(Option("--out") ?? Path.Combine(root, "out", "demo"));
if (Directory.Exists(output))
{
    Directory.Delete(output, recursive: true);
}

var filesDir = Directory.CreateDirectory(Path.Combine(output, "files")).FullName;
var logsDir = Directory.CreateDirectory(Path.Combine(output, "logs")).FullName;
var fmp = Path.GetFullPath(Option("--fmp") ?? Path.Combine(root, "out", "demo-bin", "fmp.dll"));
var token = ProtocolDeployment.Token;
var stake = 50 * token;
var terms = new MarketTerms(RewardPool: 10_000 * token, OracleFeeBps: 500, SlashBps: 5_000, StakeCap: 100 * token);
var processes = new List<CliProcess>();

AnsiConsole.Write(new Rule("[bold]Feedback Market Protocol — demo[/]").LeftJustified());
var anvil = new AnvilFixture();
PostgresCluster? postgres = null;
try
{
    Step.Say("starting a local chain (anvil) and a throw-away PostgreSQL cluster");
    await anvil.InitializeAsync();
    postgres = await PostgresCluster.StartAsync();

    Step.Say("deploying the contracts: token, oracle registry (quorum 2, three bonded oracles), market");
    var d = await ProtocolDeployment.DeployAsync(anvil);

    Step.Say("building the market from UKPConvArg1 crowd labels (data/ukpconvarg1)");
    var crowd = UkpConvArg1.Load(UkpConvArg1.DataDirectory(root), minLabels: 30, injectedPerKind: 1, maxCrowd: small ? 30 : int.MaxValue);
    var curators = Curators.From(crowd);
    var tasksHash = await Curators.WriteAsync(Path.Combine(filesDir, "tasks.jsonl"), crowd.Input.TaskPool.Select(ProtocolFiles.ToLine));
    var goldHash = await Curators.WriteAsync(Path.Combine(filesDir, "gold.jsonl"), crowd.Input.Gold.Select(ProtocolFiles.ToLine));
    foreach (var c in curators)
    {
        c.LabelsHash = await Curators.WriteAsync(Path.Combine(filesDir, $"{c.Address}.jsonl"), c.Labels.Select(ProtocolFiles.ToLine));
    }

    // The sponsor's committed features: every comparison embedded once with the packaged all-MiniLM-L6-v2
    // (fmp features embed), cached by the files' hashes because embedding takes a while on a laptop.
    var cache = Path.Combine(root, "out", "cache", "demo-features", $"{tasksHash.ToString()[2..18]}-{goldHash.ToString()[2..18]}");
    if (!File.Exists(Path.Combine(cache, "tasks.features")) || !File.Exists(Path.Combine(cache, "gold.features")))
    {
        Step.Say("the sponsor embeds every comparison with all-MiniLM-L6-v2 (fmp features embed; cached in out/cache for the next run)");
        var (exit, embedOutput) = await CliProcess.RunAsync(fmp, ["features", "embed", "--tasks", Path.Combine(filesDir, "tasks.jsonl"), "--gold", Path.Combine(filesDir, "gold.jsonl"), "--out", cache, "--threads", "2"], TimeSpan.FromMinutes(20));
        if (exit != 0)
        {
            throw new InvalidOperationException($"fmp features embed failed ({exit}):\n{embedOutput}");
        }
    }
    else
    {
        Step.Say($"the sponsor's all-MiniLM-L6-v2 features of these files, from {Path.GetRelativePath(root, cache)}");
    }

    foreach (var name in new[] { "tasks.features", "gold.features" })
    {
        File.Copy(Path.Combine(cache, name), Path.Combine(filesDir, name), overwrite: true);
    }

    // The market commits to each file together with its features file: keccak256(abi.encode(file hash, features hash)),
    // and names both in one URI field. The crowd workers chose their own pairs: the open variant (no item assignment).
    Bytes32 Bundle(Bytes32 items, string features) => FeatureBinding.BundleHash(items, Keccak.Hash(File.ReadAllBytes(Path.Combine(filesDir, features))));
    string BundleUri(string items, string features) => FeatureBinding.BundleUri(Uri(Path.Combine(filesDir, items)), Uri(Path.Combine(filesDir, features)));
    var spec = EvaluationSpecs.ByName("bt-inrun-v2-features-open")!;
    var specPath = Path.Combine(filesDir, spec.Name + ".json");
    await File.WriteAllBytesAsync(specPath, EvaluationSpecs.Document(spec));
    var market = await d.CreateMarketAsync(terms, challengePeriod: 3_600, new MarketFiles(
        Bundle(tasksHash, "tasks.features"), BundleUri("tasks.jsonl", "tasks.features"), Keccak.Hash(File.ReadAllBytes(specPath)), Uri(specPath),
        Bundle(goldHash, "gold.features"), BundleUri("gold.jsonl", "gold.features")));
    AnsiConsole.MarkupLine(ci, $"  spec {spec.Name} {spec.Hash}: a reward-model head on the sponsor's committed sentence embeddings, one training run, labels valued by their effect on the gold log-likelihood");
    AnsiConsole.MarkupLine(ci, $"  market {market.Id}: {crowd.Input.TaskPool.Count:N0} comparisons to label, {crowd.Input.Gold.Count:N0} hidden gold comparisons, {curators.Count} curators ({curators.Count(c => c.Kind == "crowd")} crowd workers), pool {terms.RewardPool / token:N0} tokens");

    await AnsiConsole.Progress().StartAsync(async ctx =>
    {
        var bar = ctx.AddTask("curators stake and commit", maxValue: curators.Count);
        foreach (var c in curators)
        {
            await anvil.RpcAsync<object>("anvil_setBalance", c.Address, new HexBigInteger(BigInteger.Pow(10, 20)));
            await d.Send(ProtocolDeployment.Sponsor, d.TokenAddress, new MintFunction { To = c.Address, Amount = stake });
            var web3 = new Web3(new Account(c.Key, AnvilFixture.ChainId), anvil.RpcUrl);
            await web3.SendAsync(d.TokenAddress, new ApproveFunction { Spender = d.MarketAddress, Value = stake });
            var commitment = Commitments.Labels(market.Id, c.Address, c.Kind == "copier" ? Curators.CopierPlaceholder : c.LabelsHash, c.Salt);
            await web3.SendAsync(d.MarketAddress, new CommitFunction { MarketId = market.Id, Commitment = commitment.ToArray(), Stake = stake });
            bar.Increment(1);
        }
    });

    await anvil.IncreaseTimeAsync(3_600);
    await AnsiConsole.Progress().StartAsync(async ctx =>
    {
        var revealing = curators.Where(c => c.Kind != "no reveal").ToList();
        var bar = ctx.AddTask("curators reveal their label files", maxValue: revealing.Count);
        foreach (var c in revealing)
        {
            var web3 = new Web3(new Account(c.Key, AnvilFixture.ChainId), anvil.RpcUrl);
            var reveal = web3.SendAsync(d.MarketAddress, new RevealFunction
            {
                MarketId = market.Id, LabelsHash = c.LabelsHash.ToArray(), Salt = c.Salt.ToArray(), Uri = Uri(Path.Combine(filesDir, $"{c.Address}.jsonl")),
            });
            if (c.Kind == "copier")
            {
                // The copier reveals a copy of a file it saw revealed; its commitment predates that file.
                try
                {
                    await reveal;
                    throw new InvalidOperationException("the copier's reveal of a copied file was accepted");
                }
                catch (SmartContractCustomErrorRevertException e) when (e.IsCustomErrorFor<CommitmentMismatchError>())
                {
                    // Expected: left unrevealed, it takes the maximum slash (score -10000).
                }
            }
            else
            {
                await reveal;
            }

            bar.Increment(1);
        }
    });
    AnsiConsole.MarkupLine($"  the copier's reveal of another curator's revealed file was refused: [yellow]CommitmentMismatch[/] (it committed before any file was public)");

    await anvil.IncreaseTimeAsync(3_600);
    Step.Say("the sponsor reveals the gold set; evaluation opens");
    await market.RevealGoldAsync();

    Step.Say("starting three oracle nodes (fmp node run) and the indexer (fmp indexer run)");
    var password = Path.Combine(output, "oracle.password");
    await File.WriteAllTextAsync(password, "demo\n");
    var nodeOutputs = new List<string>();
    var dashboards = new PortList();
    foreach (var o in ProtocolDeployment.Oracles)
    {
        var keystore = Path.Combine(output, $"oracle-{o}.json");
        await Keystore.SaveAsync(keystore, password, new EthECKey(AnvilFixture.DevPrivateKeys[o]), CancellationToken.None);
        var nodeOut = Path.Combine(output, $"node-{o}");
        nodeOutputs.Add(nodeOut);
        var config = Path.Combine(output, $"node-{o}.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Node = new
            {
                RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress, StartBlock = d.StartBlock, ConnectionString = await postgres.CreateDatabaseAsync($"node{o}"),
                Keystore = keystore, PasswordFile = password, OutputFolder = nodeOut, Backend = "auto",
                MetricsPort = FreePort.Next(), DashboardPort = dashboards.AddPort(), ReportsPort = FreePort.Next(),
                Fetch = new { FileRoots = new[] { filesDir, Path.GetDirectoryName(specPath)! } },
            },
        }));
        processes.Add(Step.Start(fmp, Path.Combine(logsDir, $"node-{o}.log"), "node", "run", "--config", config));
    }

    var indexerDb = await postgres.CreateDatabaseAsync("indexer");
    processes.Add(Step.Start(fmp, Path.Combine(logsDir, "indexer.log"), "indexer", "run", "--rpc", anvil.RpcUrl, "--db", indexerDb,
        "--market", d.MarketAddress, "--registry", d.RegistryAddress, "--start-block", d.StartBlock.ToString(ci), "--reorg-depth", "8"));

    // fmp api run refuses a database without the indexer's schema, so it starts once the indexer has created it.
    await using (var indexed = NpgsqlDataSource.Create(indexerDb))
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!await SchemaReadyAsync(indexed))
        {
            await Task.Delay(200);
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the indexer created no schema in 2 minutes; see {Path.Combine(logsDir, "indexer.log")}");
            }
        }
    }

    var dashboard = $"http://127.0.0.1:{Step.PortOr(5080, "the analyst dashboard")}";
    processes.Add(Step.Start(fmp, Path.Combine(logsDir, "api.log"), "api", "run", "--db", indexerDb, "--urls", dashboard));
    AnsiConsole.MarkupLine($"  analyst dashboard (fmp api run): [link]{dashboard}/dashboard/[/]");
    AnsiConsole.MarkupLine($"  job dashboards of the nodes: {string.Join(", ", dashboards.Ports.Select(p => $"http://127.0.0.1:{p}/hangfire"))}");
    var clock = Stopwatch.StartNew();
    await AnsiConsole.Status().StartAsync("oracles evaluate (Shapley values of 64 permutations), sign and attest…", async ctx =>
    {
        while (true)
        {
            var state = (await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = market.Id })).ReturnValue1;
            var attestations = (await anvil.Web3.Eth.GetEvent<AttestedEvent>(d.MarketAddress).GetAllChangesAsync(
                anvil.Web3.Eth.GetEvent<AttestedEvent>(d.MarketAddress).CreateFilterInput(market.Id, BlockParameter.CreateEarliest(), BlockParameter.CreateLatest()))).Count;
            ctx.Status(string.Create(ci, $"oracles evaluate, sign and attest… {attestations} attestation(s), {clock.Elapsed.TotalSeconds:0} s"));
            if (state.Status == 1)
            {
                break;
            }

            if (processes.Any(p => p.Process.HasExited) || clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new InvalidOperationException($"no report accepted; see the logs in {logsDir}");
            }

            await Task.Delay(1_000);
        }
    });
    Step.Say(string.Create(ci, $"report accepted by the quorum after {clock.Elapsed.TotalSeconds:0} s"));

    // A node that was slower than the quorum still evaluates in the challenge window: wait for all three to publish
    // before the window is skipped (a slow machine must not make the third node miss it).
    var nodeDigests = await Step.NodeDigestsAsync(nodeOutputs, TimeSpan.FromMinutes(5));
    await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
    await market.FinalizeAsync();
    Step.Say("challenge window over, market finalized; everyone claims with the proofs the oracles published");
    var leavesFile = nodeOutputs.SelectMany(o => Directory.Exists(o) ? Directory.GetFiles(o, "leaves.json", SearchOption.AllDirectories) : []).First();
    using var leaves = JsonDocument.Parse(await File.ReadAllTextAsync(leavesFile));
    var claimed = new Dictionary<string, BigInteger>(StringComparer.OrdinalIgnoreCase);
    foreach (var leaf in leaves.RootElement.GetProperty("leaves").EnumerateArray())
    {
        var account = leaf.GetProperty("account").GetString()!;
        var amount = BigInteger.Parse(leaf.GetProperty("amount").GetString()!, ci);
        await d.Send(ProtocolDeployment.Sponsor, d.MarketAddress, new ClaimFunction
        {
            MarketId = market.Id, Account = account, Amount = amount, ScoreBps = leaf.GetProperty("scoreBps").GetInt32(),
            Proof = [.. leaf.GetProperty("proof").EnumerateArray().Select(p => Bytes32.Parse(p.GetString()!).ToArray())],
        });
        claimed[account] = amount;
    }

    var fees = BigInteger.Zero;
    foreach (var o in ProtocolDeployment.Oracles)
    {
        var credit = await anvil.Web3.CallAsync<CreditFunction, BigInteger>(d.MarketAddress, new CreditFunction { Token = d.TokenAddress, Account = AnvilFixture.DevAddress(o) });
        if (credit > 0)
        {
            await d.Send(o, d.MarketAddress, new WithdrawCreditFunction { Token = d.TokenAddress, Account = AnvilFixture.DevAddress(o) });
            fees += credit;
        }
    }

    Step.Say("waiting for the indexer to reach the head, then checking the database against the chain");
    await using var indexerData = NpgsqlDataSource.Create(indexerDb);
    var head = (long)(await anvil.LatestBlockAsync()).Number.Value;
    while (await Step.CheckpointAsync(indexerData) < head)
    {
        await Task.Delay(500);
    }

    var differences = await new ConsistencyCheck(indexerData, anvil.Web3, d.MarketAddress, d.RegistryAddress).RunAsync(CancellationToken.None);

    var scores = await ScoresFile.ReadAsync(File.OpenRead(Path.Combine(Path.GetDirectoryName(leavesFile)!, "scores.jsonl")), "scores.jsonl").ToListAsync();
    var marketLeft = await d.BalanceAsync(d.MarketAddress);
    var accepted = new Bytes32((await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = market.Id })).ReturnValue1.AcceptedDigest).ToString();
    var report = await Results.BuildAsync(curators, scores, crowd, terms, stake, fees, claimed, accepted,
        Path.Combine(Path.GetDirectoryName(leavesFile)!, "metrics.jsonl")) with { NodeDigests = nodeDigests };
    Results.Print(report, differences.Count, marketLeft);
    await Results.WriteAsync(report, output);
    var served = await Step.DashboardServesAsync(dashboard, market.Id);
    AnsiConsole.MarkupLine(served ? $"analyst dashboard: [link]{dashboard}/dashboard/#/markets/{market.Id}[/]" : "[red]the analyst dashboard did not answer[/]");
    var passed = Results.Check(report, differences.Count, marketLeft) && served;
    if (keep)
    {
        Step.Say("--keep: the chain, the database, the nodes, the indexer and the dashboard keep running; Ctrl+C stops them");
        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };

        // A plain kill (SIGTERM) stops the services too, through the finally below.
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.TrySetResult();
        });
        await stop.Task;
    }

    return passed ? 0 : 1;
}
finally
{
    foreach (var p in processes)
    {
        await p.KillAsync();
        p.Dispose();
    }

    if (postgres is not null)
    {
        await postgres.DisposeAsync();
    }

    await anvil.DisposeAsync();
}

static string Uri(string path) => new System.Uri(path).AbsoluteUri;

static async Task<bool> SchemaReadyAsync(NpgsqlDataSource db)
{
    await using var connection = await db.OpenConnectionAsync();
    await using var command = new NpgsqlCommand("SELECT to_regclass('public.markets') IS NOT NULL", connection);
    return (bool)(await command.ExecuteScalarAsync())!;
}

/// <summary>Free loopback ports handed to the nodes, remembered for printing.</summary>
internal sealed class PortList
{
    public List<int> Ports { get; } = [];

    public int AddPort()
    {
        var port = FreePort.Next();
        Ports.Add(port);
        return port;
    }
}
