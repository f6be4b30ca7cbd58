// The demo: one feedback market on real crowd labels (UKPConvArg1), end to end on a local chain —
// contracts, three oracle nodes (quorum two) and the indexer as real processes — and who won or lost. The sponsor
// and the injected curators act with the fmp commands of docs/sponsors.md and docs/curators.md, as child processes; the
// crowd workers make the same calls through Protocol.Client in this process (LibraryCurators).
// Run it with scripts/demo.sh; everything it writes is under out/demo.
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Npgsql;
using Protocol.Client.Markets;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.Demo;
using Protocol.Evaluation;
using Protocol.Indexer.Consistency;
using Protocol.DevChain;
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

// The sponsor's public folder (served by fmp serve), its private one (the gold set until its reveal), and the
// curators' files and keys.
var publicDir = Directory.CreateDirectory(Path.Combine(output, "public")).FullName;
var privateDir = Directory.CreateDirectory(Path.Combine(output, "private")).FullName;
var curatorsDir = Directory.CreateDirectory(Path.Combine(output, "curators")).FullName;
var logsDir = Directory.CreateDirectory(Path.Combine(output, "logs")).FullName;
var fmp = Path.GetFullPath(Option("--fmp") ?? Path.Combine(root, "out", "demo-bin", "fmp.dll"));
var cli = new FmpCommands(fmp, Path.Combine(logsDir, "fmp.log"));
var token = ProtocolDeployment.Token;
var stake = 50 * token;
var terms = new MarketTerms(RewardPool: 10_000 * token, OracleFeeBps: 500, SlashBps: 5_000, StakeCap: 100 * token);
var processes = new List<CliProcess>();

AnsiConsole.Write(new Rule("[bold]Feedback Market Protocol — demo[/]").LeftJustified());
var anvil = new AnvilChain();
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
    var tasksFile = Path.Combine(publicDir, "tasks.jsonl");
    var goldFile = Path.Combine(privateDir, "gold.jsonl");
    var tasksHash = await Curators.WriteAsync(tasksFile, crowd.Input.TaskPool.Select(ProtocolFiles.ToLine));
    var goldHash = await Curators.WriteAsync(goldFile, crowd.Input.Gold.Select(ProtocolFiles.ToLine));

    // The sponsor's committed features: every comparison embedded once with the packaged all-MiniLM-L6-v2
    // (fmp features embed), cached by the files' hashes because embedding takes a while on a laptop.
    var cache = Path.Combine(root, "out", "cache", "demo-features", $"{tasksHash.ToString()[2..18]}-{goldHash.ToString()[2..18]}");
    if (!File.Exists(Path.Combine(cache, "tasks.features")) || !File.Exists(Path.Combine(cache, "gold.features")))
    {
        Step.Say("the sponsor embeds every comparison with all-MiniLM-L6-v2 (fmp features embed; cached in out/cache for the next run)");
        await cli.RunAsync("features", "embed", "--tasks", tasksFile, "--gold", goldFile, "--out", cache, "--threads", "2");
    }
    else
    {
        Step.Say($"the sponsor's all-MiniLM-L6-v2 features of these files, from {Path.GetRelativePath(root, cache)}");
    }

    File.Copy(Path.Combine(cache, "tasks.features"), Path.Combine(publicDir, "tasks.features"));
    File.Copy(Path.Combine(cache, "gold.features"), Path.Combine(privateDir, "gold.features"));

    // Port 0: fmp serve binds a free port itself and prints it (a port picked here first could be taken meanwhile).
    var serve = Step.Start(fmp, Path.Combine(logsDir, "serve.log"), "serve", "--folder", publicDir, "--port", "0");
    processes.Add(serve);
    var files = await ListeningLines.ServeAsync(serve, TimeSpan.FromSeconds(60));
    if (!await Step.ServedAsync(files + "tasks.jsonl"))
    {
        throw new InvalidOperationException($"fmp serve did not serve {publicDir}; see {Path.Combine(logsDir, "serve.log")}");
    }

    Step.Say($"the sponsor publishes {Path.GetRelativePath(output, publicDir)}/ at {files} (fmp serve); the gold set stays in {Path.GetRelativePath(output, privateDir)}/");

    // Keystores for the sponsor and the curators that type fmp (the crowd signs with its keys in memory), and the faucet
    // of a local chain: gas money, the pool, the stakes.
    const string Passphrase = "demo";
    var password = Path.Combine(output, "demo.password");
    await File.WriteAllTextAsync(password, Passphrase + "\n");
    var keysDir = Directory.CreateDirectory(Path.Combine(output, "keys")).FullName;
    var sponsorKeystore = await DevKeystore.WriteAsync(Path.Combine(keysDir, "sponsor.json"), Passphrase, new EthECKey(AnvilChain.DevPrivateKeys[ProtocolDeployment.Sponsor]));
    await d.Send(ProtocolDeployment.Sponsor, d.TokenAddress, new MintFunction { To = AnvilChain.DevAddress(ProtocolDeployment.Sponsor), Amount = terms.RewardPool });
    foreach (var c in curators)
    {
        if (c.TypesCommands)
        {
            c.Keystore = await DevKeystore.WriteAsync(Path.Combine(keysDir, c.Address + ".json"), Passphrase, c.Key);
        }

        c.LabelsFile = Path.Combine(curatorsDir, c.Address + ".jsonl");
        await Curators.WriteAsync(c.LabelsFile, (c.Kind == "copier" ? c.Labels.Take(1) : c.Labels).Select(ProtocolFiles.ToLine)); // the copier's: a guess it never reveals
        await anvil.RpcAsync<object>("anvil_setBalance", c.Address, new HexBigInteger(BigInteger.Pow(10, 20)));
        await d.Send(ProtocolDeployment.Sponsor, d.TokenAddress, new MintFunction { To = c.Address, Amount = stake });
    }

    cli.Environment["FMP_RPC"] = anvil.RpcUrl;
    cli.Environment["FMP_MARKET"] = d.MarketAddress;
    cli.Environment["FMP_PASSWORD_FILE"] = password;

    // The market file of docs/sponsors.md; the spec's document is written into public/ by fmp market create.
    var spec = EvaluationSpecs.ByName("bt-inrun-v2-features-open")!;
    var marketFile = Path.Combine(output, "market.json");
    var secrets = Path.Combine(output, "market.secrets.json");
    await File.WriteAllTextAsync(marketFile, JsonSerializer.Serialize(new
    {
        token = d.TokenAddress, pool = (terms.RewardPool / token).ToString(ci), spec = spec.Name,
        tasks = "public/tasks.jsonl", taskFeatures = "public/tasks.features", gold = "private/gold.jsonl", goldFeatures = "private/gold.features",
        publishAt = files, deadlines = new { commit = "1h", reveal = "1h", gold = "1h", evaluation = "22h" },
        stake = new { min = "1", cap = (terms.StakeCap / token).ToString(ci) }, slashBps = terms.SlashBps, oracleFeeBps = terms.OracleFeeBps,
        challengePeriod = "1h", disputeBond = (ProtocolDeployment.DisputeBondFor(terms.RewardPool) / token).ToString(ci),
    }, new JsonSerializerOptions { WriteIndented = true }));
    var created = await cli.RunAsync("market", "create", "--config", marketFile, "--secrets", secrets, "--keystore", sponsorKeystore);
    var marketId = BigInteger.Parse(Regex.Match(created, @"market (\d+) created").Groups[1].Value, ci);
    cli.Environment["FMP_MARKET_ID"] = marketId.ToString(ci);
    AnsiConsole.MarkupLine(ci, $"  spec {spec.Name} {spec.Hash}: a reward-model head on the sponsor's committed sentence embeddings, one training run, labels valued by their effect on the gold log-likelihood");
    AnsiConsole.MarkupLine(ci, $"  market {marketId} (fmp market create --config market.json): {crowd.Input.TaskPool.Count:N0} comparisons to label, {crowd.Input.Gold.Count:N0} hidden gold comparisons, {curators.Count} curators ({curators.Count(c => c.Kind == "crowd")} crowd workers), pool {terms.RewardPool / token:N0} tokens");

    // The copier keeps its commitment's salt apart from the copied file it will try to reveal.
    var copier = curators.Single(c => c.Kind == "copier");
    var copierSecrets = Path.Combine(curatorsDir, "copier.commit.json");
    // Only commit and reveal take --secrets (fmp refuses an option a command does not declare).
    string[] KeyOf(DemoCurator c, string command = "reveal") => c == copier && command is ("commit" or "reveal") ? ["--keystore", c.Keystore, "--secrets", copierSecrets] : ["--keystore", c.Keystore];

    // The injected curators type the fmp commands; the crowd workers (hundreds in the full demo) make the same calls
    // in this process through Protocol.Client, the library those commands run, instead of a process each.
    var library = await LibraryCurators.ConnectAsync(anvil.RpcUrl, d.MarketAddress, marketId);
    async Task ActAsync(DemoCurator c, string[] command, Func<MarketSession, Task> call)
    {
        if (c.TypesCommands)
        {
            await cli.RunAsync([.. command, .. KeyOf(c, command[1])]);
        }
        else
        {
            await library.ActAsync(c, call);
        }
    }

    var stakeTokens = (stake / token).ToString(ci);
    await Step.EachAsync($"curators stake and commit (the {curators.Count(c => c.TypesCommands)} injected ones with fmp curator commit, the crowd with the library)", curators, c =>
        ActAsync(c, ["curator", "commit", "--labels", c.LabelsFile, "--stake", stakeTokens], m =>
            CuratorActions.CommitAsync(m, new CommitRequest(c.LabelsFile, LibraryCurators.SecretsFor(c.LabelsFile), stakeTokens, "--stake", d.StartBlock), CancellationToken.None)));

    await anvil.IncreaseTimeAsync(3_600);
    var revealing = curators.Where(c => c.Kind is not ("no reveal" or "copier")).ToList();
    await Step.EachAsync("curators publish and reveal their label files (fmp curator reveal, or the library)", revealing, c =>
    {
        var uri = files + Path.GetFileName(c.LabelsFile);
        return ActAsync(c, ["curator", "reveal", "--labels", c.LabelsFile, "--publish-to", publicDir, "--uri", uri], async m =>
        {
            var request = new RevealRequest(c.LabelsFile, LibraryCurators.SecretsFor(c.LabelsFile), uri, OnChain: false, PublishTo: publicDir);
            var secrets = await CuratorActions.ReadSecretsAsync(request.SecretsPath, CancellationToken.None);
            await CuratorActions.RevealAsync(m, secrets, request, await CuratorActions.RevealUriAsync(request, CancellationToken.None), CancellationToken.None);
        });
    });

    // The copier downloads a file revealed by another and reveals it as its own; its commitment predates that file.
    var copied = Path.Combine(curatorsDir, "copied.jsonl");
    using (var http = new HttpClient())
    {
        await File.WriteAllBytesAsync(copied, await http.GetByteArrayAsync(new Uri(files + copier.Copies + ".jsonl")));
    }

    var (refused, refusal) = await cli.TryAsync(["curator", "reveal", "--labels", copied, "--publish-to", publicDir, "--uri", files + "copied.jsonl", .. KeyOf(copier)]);
    var reason = refusal.Split('\n').FirstOrDefault(l => l.Contains("changed since the commit", StringComparison.Ordinal));
    if (refused != 2 || reason is null)
    {
        throw new InvalidOperationException($"fmp curator reveal of the copied file was not refused as changed since the commit (exit {refused}):\n{refusal}");
    }

    AnsiConsole.MarkupLine($"  the copier's reveal of another curator's revealed file was refused before sending (it committed before any file was public): [yellow]{Markup.Escape(reason.Trim())}[/]");

    await anvil.IncreaseTimeAsync(3_600);
    Step.Say("the sponsor publishes and reveals the gold set (fmp market reveal-gold --publish-to public); evaluation opens");
    await cli.RunAsync("market", "reveal-gold", "--secrets", secrets, "--publish-to", publicDir, "--keystore", sponsorKeystore);

    Step.Say("starting three oracle nodes (fmp node run) and the indexer (fmp indexer run)");
    var nodeOutputs = new List<string>();
    var nodes = new List<CliProcess>();
    foreach (var o in ProtocolDeployment.Oracles)
    {
        var keystore = Path.Combine(keysDir, $"oracle-{o}.json");
        await DevKeystore.WriteAsync(keystore, Passphrase, new EthECKey(AnvilChain.DevPrivateKeys[o]));
        var nodeOut = Path.Combine(output, $"node-{o}");
        nodeOutputs.Add(nodeOut);
        var config = Path.Combine(output, $"node-{o}.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Node = new
            {
                RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress, StartBlock = d.StartBlock, ConnectionString = await postgres.CreateDatabaseAsync($"node{o}"),
                Keystore = keystore, PasswordFile = password, OutputFolder = nodeOut, Backend = "auto",
                // Port 0: each node binds free ports itself and names them in its start line (read below), so that no
                // other server takes a port picked here first.
                MetricsPort = 0, DashboardPort = 0, ReportsPort = 0,
            },
        }));
        nodes.Add(Step.Start(fmp, Path.Combine(logsDir, $"node-{o}.log"), "node", "run", "--config", config));
        processes.Add(nodes[^1]);
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

    // 5080 when it is free (a URL to remember), else port 0: the API binds a free port itself and prints it (a port
    // picked here first could be taken by another server before the API binds it, as happened beside the test suite).
    var preferred = Step.PreferredOrZero(5080);
    var api = Step.Start(fmp, Path.Combine(logsDir, "api.log"), "api", "run", "--db", indexerDb, "--urls", $"http://127.0.0.1:{preferred}");
    processes.Add(api);
    var dashboard = await ListeningLines.ApiAsync(api, TimeSpan.FromSeconds(60));
    if (preferred == 0)
    {
        // Said, so that a bookmark of 5080 is not taken for the demo's dashboard.
        Step.Say($"port 5080 is in use: the analyst dashboard listens on port {new Uri(dashboard).Port}");
    }

    AnsiConsole.MarkupLine($"  analyst dashboard (fmp api run): [link]{dashboard}/dashboard/[/]");
    var nodeUrls = new List<NodeEndpoints>();
    foreach (var node in nodes)
    {
        nodeUrls.Add(await ListeningLines.NodeAsync(node, TimeSpan.FromSeconds(120)));
    }

    AnsiConsole.MarkupLine($"  job dashboards of the nodes: {string.Join(", ", nodeUrls.Select(u => u.Dashboard))}");
    var clock = Stopwatch.StartNew();
    await AnsiConsole.Status().StartAsync("oracles evaluate (Shapley values of 64 permutations), sign and attest…", async ctx =>
    {
        while (true)
        {
            var state = (await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = marketId })).ReturnValue1;
            var attestations = (await anvil.Web3.Eth.GetEvent<AttestedEvent>(d.MarketAddress).GetAllChangesAsync(
                anvil.Web3.Eth.GetEvent<AttestedEvent>(d.MarketAddress).CreateFilterInput(marketId, BlockParameter.CreateEarliest(), BlockParameter.CreateLatest()))).Count;
            ctx.Status(string.Create(ci, $"oracles evaluate, sign and attest… {attestations} attestation(s), {clock.Elapsed.TotalSeconds:0} s"));
            if (state.Status == 1)
            {
                break;
            }

            // A service that exited says why here too: the test suite deletes the demo's folder, logs included.
            if (processes.FirstOrDefault(p => p.Process.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"no report accepted: a service exited with {exited.Process.ExitCode} (logs in {logsDir}):\n{exited.Log}");
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new InvalidOperationException($"no report accepted in 10 minutes; see the logs in {logsDir}");
            }

            await Task.Delay(1_000);
        }
    });
    Step.Say(string.Create(ci, $"report accepted by the quorum after {clock.Elapsed.TotalSeconds:0} s"));

    // A node that was slower than the quorum still evaluates in the challenge window: wait for all three to publish
    // before the window is skipped (a slow machine must not make the third node miss it).
    var nodeDigests = await Step.NodeDigestsAsync(nodeOutputs, TimeSpan.FromMinutes(5));
    await anvil.IncreaseTimeAsync(3_601);
    await cli.RunAsync("market", "finalize", "--keystore", sponsorKeystore);
    Step.Say("challenge window over, the sponsor finalized the market (fmp market finalize); everyone claims with the proofs an oracle published");

    // Every curator leaf claimed by its own key; the remainder leaf is the burn address's (the sponsor gets nothing
    // from the leaves), and as claims are permissionless the sponsor relays it. What each got is read from the chain.
    var reportsUrl = nodeUrls[0].Reports!.GetLeftPart(UriPartial.Authority);
    var byAddress = curators.ToDictionary(c => c.Address, StringComparer.OrdinalIgnoreCase);
    var leavesFile = nodeOutputs.SelectMany(o => Directory.Exists(o) ? Directory.GetFiles(o, "leaves.json", SearchOption.AllDirectories) : []).First();
    using var leaves = JsonDocument.Parse(await File.ReadAllTextAsync(leavesFile));
    var accounts = leaves.RootElement.GetProperty("leaves").EnumerateArray().Select(l => l.GetProperty("account").GetString()!)
        .Where(a => !string.Equals(a, ProtocolConstants.BurnAddress, StringComparison.OrdinalIgnoreCase)).ToList();
    var claimed = new System.Collections.Concurrent.ConcurrentDictionary<string, BigInteger>(StringComparer.OrdinalIgnoreCase);
    await Step.EachAsync($"curators claim (fmp curator claim --reports {reportsUrl}, or the library)", accounts, async account =>
    {
        var before = await d.BalanceAsync(account);
        var c = byAddress.TryGetValue(account, out var known) ? known : throw new InvalidOperationException($"a leaf for {account}, whose key the demo does not hold");
        await ActAsync(c, ["curator", "claim", "--reports", reportsUrl], m => CuratorActions.ClaimAsync(m, reportsUrl, CancellationToken.None));
        claimed[account] = await d.BalanceAsync(account) - before;
    });

    var burnLeaf = leaves.RootElement.GetProperty("leaves").EnumerateArray()
        .Single(l => string.Equals(l.GetProperty("account").GetString(), ProtocolConstants.BurnAddress, StringComparison.OrdinalIgnoreCase));
    var burnBefore = await d.BalanceAsync(ProtocolConstants.BurnAddress);
    await d.Send(ProtocolDeployment.Sponsor, d.MarketAddress, new ClaimFunction
    {
        MarketId = marketId, Account = ProtocolConstants.BurnAddress, Amount = BigInteger.Parse(burnLeaf.GetProperty("amount").GetString()!, ci),
        ScoreBps = burnLeaf.GetProperty("scoreBps").GetInt32(), Proof = [.. burnLeaf.GetProperty("proof").EnumerateArray().Select(p => Bytes32.Parse(p.GetString()!).ToArray())],
    });
    claimed[ProtocolConstants.BurnAddress] = await d.BalanceAsync(ProtocolConstants.BurnAddress) - burnBefore;
    Step.Say(string.Create(ci, $"the remainder leaf ({claimed[ProtocolConstants.BurnAddress]} base units) is claimed to the burn address; the sponsor has no leaf"));

    var fees = BigInteger.Zero;
    foreach (var o in ProtocolDeployment.Oracles)
    {
        var credit = await anvil.Web3.CallAsync<CreditFunction, BigInteger>(d.MarketAddress, new CreditFunction { Token = d.TokenAddress, Account = AnvilChain.DevAddress(o) });
        if (credit > 0)
        {
            await d.Send(o, d.MarketAddress, new WithdrawCreditFunction { Token = d.TokenAddress, Account = AnvilChain.DevAddress(o) });
            fees += credit;
        }
    }

    var export = await cli.RunAsync("dataset", "export", "--reports", reportsUrl, "--out", Path.Combine(output, "dataset"), "--parquet");
    Step.Say("the sponsor exports the labelled dataset (fmp dataset export --parquet):");
    foreach (var line in export.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        AnsiConsole.MarkupLine($"  {Markup.Escape(line)}");
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
    var accepted = new Bytes32((await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = marketId })).ReturnValue1.AcceptedDigest).ToString();
    var report = await Results.BuildAsync(curators, scores, crowd, terms, stake, fees, claimed, accepted,
        Path.Combine(Path.GetDirectoryName(leavesFile)!, "metrics.jsonl")) with { NodeDigests = nodeDigests };
    Results.Print(AnsiConsole.Console, report, differences.Count, marketLeft);
    await Results.WriteAsync(report, output);
    var served = await Step.ServedAsync($"{dashboard}/dashboard/", $"{dashboard}/api/markets/{marketId}");
    AnsiConsole.MarkupLine(served
        ? $"analyst dashboard: [link]{dashboard}/dashboard/#/markets/{marketId}[/]" + (keep ? "" : " (it stops with the demo, now: run scripts/demo.sh --keep to browse it)")
        : "[red]the analyst dashboard did not answer[/]");
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

static async Task<bool> SchemaReadyAsync(NpgsqlDataSource db)
{
    await using var connection = await db.OpenConnectionAsync();
    await using var command = new NpgsqlCommand("SELECT to_regclass('public.markets') IS NOT NULL", connection);
    return (bool)(await command.ExecuteScalarAsync())!;
}
