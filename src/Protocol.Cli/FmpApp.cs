using Protocol.Cli.Commands;
using Protocol.Cli.Commands.Curators;
using Protocol.Cli.Commands.Datasets;
using Protocol.Cli.Commands.Evaluation;
using Protocol.Cli.Commands.Keys;
using Protocol.Cli.Commands.Markets;
using Protocol.Cli.Commands.Oracles;
using Protocol.Cli.Commands.Services;
using Protocol.Indexer;
using Protocol.Node;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli;

/// <summary>Every fmp command, in one place, so that tests can render each command's help in process.</summary>
public static class FmpApp
{
    /// <summary>The service commands whose flags are their options class's (by "branch command"), and its section.</summary>
    public static IReadOnlyDictionary<string, (Type Options, string Section)> ServiceOptions { get; } = new Dictionary<string, (Type, string)>(StringComparer.Ordinal)
    {
        ["node run"] = (typeof(NodeOptions), "Node"),
        ["indexer run"] = (typeof(IndexerOptions), "Indexer"),
    };

    public static void Configure(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.SetApplicationName("fmp");
        config.SetHelpProvider(new FmpHelpProvider(config.Settings));
        // fmp --version: the assembly version (the SDK default until releases are versioned).
        config.SetApplicationVersion(typeof(FmpApp).Assembly.GetName().Version?.ToString(3) ?? "unknown");
        // An option the command does not declare is refused (UnknownOptions), not ignored.
        config.SetInterceptor(new UnknownOptions());
        // A usage mistake (an unknown option, a missing value, a settings check) exits 2, as every command's own refusal
        // of its input does; Spectre's default is -1 (255 to a shell). Anything else is a fault: printed as Spectre
        // prints it, exit -1 as before.
        config.SetExceptionHandler((e, _) =>
        {
            if (e is CommandAppException or UsageException)
            {
                if ((e as CommandAppException)?.Pretty is { } pretty)
                {
                    AnsiConsole.Write(pretty);
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]Error:[/] {e.Message}");
                }

                return 2;
            }

            AnsiConsole.WriteException(e, ExceptionFormats.ShortenEverything);
            return -1;
        });
        config.AddBranch("indexer", indexer =>
        {
            indexer.SetDescription("Mirror the protocol's events into PostgreSQL for analysts.");
            indexer.AddCommand<IndexerRunCommand>("run").WithDescription("Backfill, then follow the chain head (reorg-safe); stops on Ctrl+C or SIGTERM.");
            indexer.AddCommand<IndexerCheckCommand>("check").WithDescription("Compare the database with the contracts' state at the checkpoint; exit 1 on any difference.");
        });
        config.AddCommand<ServeCommand>("serve").WithDescription("Publish a folder read-only over HTTP (a local market's task pool, gold set and label files).");
        config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate a market from local files (default spec " + Protocol.Evaluation.EvaluationSpecs.DefaultName + "): scores, metrics and the report digest.");
        config.AddBranch("features", features =>
        {
            features.SetDescription("Committed features: the sponsor's embeddings of each comparison, bound to the task pool and gold set.");
            features.AddCommand<FeaturesEmbedCommand>("embed").WithDescription("Embed a task pool (and gold set) with a packaged model (all-MiniLM-L6-v2, snowflake-arctic-embed-xs or both); writes the features files and prints what the market commits to.");
            features.AddCommand<FeaturesImportCommand>("import").WithDescription("Bring a lab's own embeddings (.npy or .safetensors) in as a features file.");
            features.AddCommand<FeaturesVerifyCommand>("verify").WithDescription("Recompute a sample of rows with the named packaged model and report the largest deviation (exit 1 above --tolerance).");
        });
        config.AddBranch("node", node =>
        {
            node.SetDescription("The oracle node: watch markets, evaluate in durable jobs, sign once, attest.");
            node.AddCommand<NodeRunCommand>("run").WithDescription("Run until Ctrl+C or SIGTERM.");
            node.AddCommand<NodeStatusCommand>("status").WithDescription("The key, its bond and balance, the chain, the reports signed, disagreements seen.");
        });
        config.AddBranch("oracle", oracle =>
        {
            oracle.SetDescription("The key's place in the OracleRegistry: bond, exit, withdraw (reads the node's options file).");
            oracle.AddCommand<OracleRegisterCommand>("register").WithDescription("Approve the registry for --bond tokens, then register the key as an oracle (refused before sending if it would revert).");
            oracle.AddCommand<OracleExitCommand>("exit").WithDescription("Request exit: the key's signatures stop counting and the unbonding delay starts.");
            oracle.AddCommand<OracleWithdrawCommand>("withdraw").WithDescription("Take the bond back once the unbonding delay is over (says when, if too early).");
            oracle.AddCommand<OracleStatusCommand>("status").WithDescription("The key's registry state, bond, unbonding time and balances.");
        });
        config.AddBranch("market", market =>
        {
            market.SetDescription("A market as its sponsor and curators see it (docs/sponsors.md). --rpc, --market, --market-id, --keystore and --password-file fall back to FMP_RPC, FMP_MARKET, FMP_MARKET_ID, FMP_KEYSTORE and FMP_PASSWORD_FILE.");
            market.AddCommand<MarketCreateCommand>("create").WithDescription("Create a market from a market file: hashes every file, keeps the gold salt in a secrets file (mode 600), approves the pool, creates; prints the id and where to publish each file.");
            market.AddCommand<MarketRevealGoldCommand>("reveal-gold").WithDescription("Reveal the gold set (after the reveal deadline), once its URI serves the committed bytes.");
            market.AddCommand<MarketSettleCommand>("finalize").WithDescription("Record a finalized market (credits the oracle fee), then withdraw the key's credit.");
            market.AddCommand<MarketSettleCommand>("cancel").WithDescription("Record a failed market (cancel, or forfeit when the gold set was never revealed), then withdraw the key's credit.");
            market.AddCommand<MarketStatusCommand>("status").WithDescription("Phase, deadlines (local time and \"in 3 h\"), commits, reveals, stakes, attestations, the accepted digest, and what happens next.");
        });
        config.AddBranch("curator", curator =>
        {
            curator.SetDescription("A curator's moves (docs/curators.md).");
            curator.AddCommand<CuratorAppCommand>("app").WithDescription("Label in the browser: a local web app for one key (terms and deadlines, your items side by side, a key press per label, saved at once), then stake and commit, reveal and claim as buttons.");
            curator.AddCommand<CuratorTasksCommand>("tasks").WithDescription("The items to label (yours, when the spec assigns items), from the published task pool checked against its hash.");
            curator.AddCommand<CuratorImportCommand>("import").WithDescription("A label file from another tool's preferences (Label Studio pairwise, Argilla ranking, TRL prompt/chosen/rejected), matched to the task pool by id or by prompt and responses; refuses, writing nothing, what does not match.");
            curator.AddCommand<CuratorCommitCommand>("commit").WithDescription("Check a label file against the task pool, keep a fresh salt (mode 600), approve the stake, commit.");
            curator.AddCommand<CuratorRevealCommand>("reveal").WithDescription("Reveal the committed label file once its URI serves it byte for byte.");
            curator.AddCommand<CuratorClaimCommand>("claim").WithDescription("Claim the key's leaf of a finalized market (from an oracle's published report, checked against the accepted root), or its stake of a cancelled or forfeited one.");
        });
        config.AddBranch("dataset", dataset =>
        {
            dataset.SetDescription("The labelled dataset of a settled market, the sponsor's product (docs/sponsors.md).");
            dataset.AddCommand<DatasetExportCommand>("export").WithDescription("Every revealed label (checked against the chain) as prompt/chosen/rejected with its curator's value-based weight, and the value-weighted vote per comparison; JSON Lines, --parquet too.");
        });
        config.AddBranch("keys", keys =>
        {
            keys.SetDescription("The oracle's key, in a Web3 Secret Storage file unlocked by a password file.");
            keys.AddCommand<KeysNewCommand>("new").WithDescription("Create a new key; prints its address.");
            keys.AddCommand<KeysShowCommand>("show").WithDescription("Print a keystore's address (and check the password when given).");
        });
        config.AddBranch("api", api =>
        {
            api.SetDescription("Read-only HTTP API and dashboard for analysts over the indexed database.");
            api.AddCommand<ApiRunCommand>("run").WithDescription("Serve the dashboard (/dashboard/), /api/... and /openapi/v1.json on loopback.");
        });
    }
}
