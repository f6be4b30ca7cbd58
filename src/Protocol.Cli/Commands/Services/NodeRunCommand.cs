using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Npgsql;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Client.Signing;
using Protocol.Core.Files;
using Protocol.Core.Retry;
using Protocol.Evaluation;
using Protocol.Indexer.Jobs;
using Protocol.Node;
using Protocol.Node.Chain;
using Protocol.Node.Evaluation;
using Protocol.Node.Inputs;
using Protocol.Node.Jobs;
using Protocol.Node.Signing;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary>
/// <c>fmp node run</c>: the oracle node. Settings come from the options file (section <c>Node</c>), then
/// <c>FMP_Node__*</c> environment variables, then flags; they are validated and the key is unlocked
/// before anything starts.
/// </summary>
public sealed class NodeRunCommand : AsyncCommand<NodeRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("JSON options file with a \"Node\" section (see docs/operators.md).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--rpc <URL>")]
        [Description("Node:RpcUrl, the chain's JSON-RPC endpoint (http:// or https://).")]
        public string? RpcUrl { get; init; }

        [CommandOption("--market <ADDRESS>")]
        [Description("Node:MarketAddress, the FeedbackMarket contract (deployments/<chainId>.json).")]
        public string? MarketAddress { get; init; }

        [CommandOption("--start-block <N>")]
        [Description("Node:StartBlock, the block the market was deployed in: logs are read from there (default 0).")]
        public long? StartBlock { get; init; }

        [CommandOption("--max-log-range <N>")]
        [Description("Node:MaxLogRange, most blocks in one eth_getLogs request (default 10000; halved when refused).")]
        public long? MaxLogRange { get; init; }

        [CommandOption("--db <CONNECTION>")]
        [Description("Node:ConnectionString, the node's own PostgreSQL database (jobs, signing ledger).")]
        public string? ConnectionString { get; init; }

        [CommandOption("-k|--keystore <FILE>")]
        [Description("Node:Keystore, the oracle key's Web3 Secret Storage file.")]
        public string? Keystore { get; init; }

        [CommandOption("-p|--password-file <FILE>")]
        [Description("Node:PasswordFile, the file holding the keystore's password.")]
        public string? PasswordFile { get; init; }

        [CommandOption("--out <FOLDER>")]
        [Description("Node:OutputFolder, where scores, metrics and leaves files are published (default out/node).")]
        public string? OutputFolder { get; init; }

        [CommandOption("--scan-cron <CRON>")]
        [Description("Node:ScanCron, schedule of the scan for markets to evaluate (default \"* * * * *\").")]
        public string? ScanCron { get; init; }

        [CommandOption("--backend <BACKEND>")]
        [Description("Node:Backend: auto (default), cpu or cuda.")]
        public string? Backend { get; init; }

        [CommandOption("--metrics-port <PORT>")]
        [Description("Node:MetricsPort, loopback port of /metrics (default 9464; 0 turns it off).")]
        public int? MetricsPort { get; init; }

        [CommandOption("--dashboard-port <PORT>")]
        [Description("Node:DashboardPort, loopback port of the job dashboard /hangfire (default 9465; 0 turns it off).")]
        public int? DashboardPort { get; init; }

        [CommandOption("--reports-port <PORT>")]
        [Description("Node:ReportsPort, port that serves the published reports at /reports/<market>/<round>/ (default 9466; 0 turns it off).")]
        public int? ReportsPort { get; init; }

        [CommandOption("--reports-address <IP>")]
        [Description("Node:ReportsAddress, address the reports are served on (default 127.0.0.1; 0.0.0.0 publishes them).")]
        public string? ReportsAddress { get; init; }

        [CommandOption("--job-recovery-timeout <TIME>")]
        [Description("Node:JobRecoveryTimeout, how soon a dead process's job is picked up again (default 00:01:00).")]
        public string? JobRecoveryTimeout { get; init; }

        [CommandOption("--outage-backoff-cap <TIME>")]
        [Description("Node:OutageBackoffCap, longest wait between tries while the RPC is unreachable (default 00:00:30).")]
        public string? OutageBackoffCap { get; init; }

        [CommandOption("--dispute-budget <WEI>")]
        [Description("Node:DisputeBudget, most the node may have at stake in dispute bonds (open or lost), in token base units or as a percentage of its bond (default 10%; 0: watch and log only).")]
        public string? DisputeBudget { get; init; }

        [CommandOption("--retry-backoff <TIME>")]
        [Description("Node:RetryBackoff, first wait before a failed evaluation is tried again (default 00:01:00; doubles while the market is evaluated).")]
        public string? RetryBackoff { get; init; }

        [CommandOption("--retry-backoff-cap <TIME>")]
        [Description("Node:RetryBackoffCap, longest wait between two tries of a failed evaluation (default 00:10:00).")]
        public string? RetryBackoffCap { get; init; }

        [CommandOption("--log-format <FORMAT>")]
        public string LogFormat { get; init; } = "text";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var builder = HostBuilder.Create(settings.ConfigFile, "Node", new Dictionary<string, string?>
        {
            ["RpcUrl"] = settings.RpcUrl,
            ["MarketAddress"] = settings.MarketAddress,
            ["StartBlock"] = settings.StartBlock?.ToString(CultureInfo.InvariantCulture),
            ["MaxLogRange"] = settings.MaxLogRange?.ToString(CultureInfo.InvariantCulture),
            ["ConnectionString"] = settings.ConnectionString,
            ["Keystore"] = settings.Keystore,
            ["PasswordFile"] = settings.PasswordFile,
            ["OutputFolder"] = settings.OutputFolder,
            ["ScanCron"] = settings.ScanCron,
            ["Backend"] = settings.Backend,
            ["MetricsPort"] = settings.MetricsPort?.ToString(CultureInfo.InvariantCulture),
            ["DashboardPort"] = settings.DashboardPort?.ToString(CultureInfo.InvariantCulture),
            ["ReportsPort"] = settings.ReportsPort?.ToString(CultureInfo.InvariantCulture),
            ["ReportsAddress"] = settings.ReportsAddress,
            ["JobRecoveryTimeout"] = settings.JobRecoveryTimeout,
            ["OutageBackoffCap"] = settings.OutageBackoffCap,
            ["DisputeBudget"] = settings.DisputeBudget,
            ["RetryBackoff"] = settings.RetryBackoff,
            ["RetryBackoffCap"] = settings.RetryBackoffCap,
        }, settings.LogFormat);

        if (OptionsKeys.Unknown(builder.Configuration, "Node", typeof(NodeOptions)) is { Count: > 0 } unknown)
        {
            await Console.Error.WriteLineAsync("invalid node options: " + string.Join("; ", unknown)).ConfigureAwait(false);
            return 2;
        }

        NodeOptions options;
        try
        {
            options = builder.Configuration.GetSection("Node").Get<NodeOptions>() ?? new NodeOptions();
        }
        catch (InvalidOperationException e)
        {
            // "Failed to convert configuration value at 'Node:MetricsPort' to type 'System.Int32'": names the key.
            await Console.Error.WriteLineAsync("invalid node options: " + (e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message)).ConfigureAwait(false);
            return 2;
        }

        ConfigPaths.ResolveNodePaths(options, settings.ConfigFile);
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            await Console.Error.WriteLineAsync("invalid node options: " + string.Join("; ", problems.Select(p => p.ErrorMessage))).ConfigureAwait(false);
            return 2;
        }

        var backend = Enum.Parse<EvaluationBackend>(options.Backend, ignoreCase: true); // validated above
        if (Protocol.Evaluation.Backends.BackendProbe.Check(backend, out var backendName) is { } backendProblem)
        {
            await Console.Error.WriteLineAsync($"fmp node run: Node:Backend (--backend) is {options.Backend}, but {backendProblem}; set it to auto or cpu (every backend signs the same digest), or run the node where an NVIDIA GPU and its driver are installed").ConfigureAwait(false);
            return 1;
        }

        if (!Uri.TryCreate(options.RpcUrl, UriKind.Absolute, out var rpc) || rpc.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"invalid node options: Node:RpcUrl (--rpc) \"{options.RpcUrl}\" is not an http(s) URL such as http://127.0.0.1:8545").ConfigureAwait(false);
            return 2;
        }

        var key = await Keystore.UnlockAsync(options.Keystore, options.PasswordFile, cancellationToken).ConfigureAwait(false);
        var (chainId, startProblem) = await NodeStartChecks.ChainAsync(options, cancellationToken).ConfigureAwait(false);
        if (startProblem is not null)
        {
            await Console.Error.WriteLineAsync("fmp node run: " + startProblem).ConfigureAwait(false);
            return 1;
        }

        using var stopping = new CancellationTokenSource();
        var web3 = new Web3(new Account(key, chainId), OutageRetry.Client(options.RpcUrl));
        var db = NpgsqlDataSource.Create(options.ConnectionString);
        var ledger = new ReportLedger(db, chainId, options.MarketAddress, key.GetPublicAddress());

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(db);
        services.AddSingleton<IWeb3>(web3);
        services.AddSingleton(ledger);
        services.AddSingleton(options.Fetch);
        services.AddSingleton(_ => new HttpClient());
        services.AddSingleton(FileReadOptions.Default);
        services.AddSingleton<InputFetcher>();
        services.AddSingleton<SubmissionLoader>();
        services.AddSingleton(new EvaluationOptions { Backend = backend });
        services.AddSingleton<EvaluationPipeline>();
        services.AddSingleton(sp => new OracleNode(web3, options.MarketAddress, chainId, key, ledger, sp.GetRequiredService<EvaluationPipeline>(),
            Path.GetFullPath(options.OutputFolder), sp.GetRequiredService<ILogger<OracleNode>>(), options.LogWindow, options.Policy));
        services.AddSingleton(TimeProvider.System);
        services.AddTransient<ScanJob>();
        services.AddTransient<EvaluateJob>();
        // Hangfire installs its schema as the storage is built: under the node schema lock too.
        PostgreSqlStorage storage;
        try
        {
            storage = await NodeSchema.CreateAsync(db, options.MarketAddress, () => new PostgreSqlStorage(new DataSourceConnectionFactory(db), new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                InvisibilityTimeout = options.JobRecoveryTimeout,
                UseSlidingInvisibilityTimeout = true,
                // A lock row whose holder lost its connection (a database outage while Hangfire's recurring scheduler
                // held "recurring-jobs:lock") is broken only once it is this old: at the default 10 minutes a
                // one-minute outage stopped every scan for ten. The node's jobs take no locks of their own, and
                // Hangfire's passes hold theirs for milliseconds, so the job recovery timeout is ample.
                DistributedLockTimeout = options.JobRecoveryTimeout,
            }), cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"fmp node run: the database of Node:ConnectionString (--db) cannot be used: {DatabaseProblem(e, options.ConnectionString)}").ConfigureAwait(false);
            return 1;
        }

        services.AddHangfire(hangfire => hangfire.UseStorage(storage));
        // Two servers, one worker each: evaluations use every core already, and scans (the dispute watcher and the
        // settler with them) must never wait behind an evaluation.
        services.AddHangfireServer(server => { server.ServerName = "evaluate"; server.WorkerCount = 1; server.Queues = [EvaluateJob.Queue]; });
        services.AddHangfireServer(server => { server.ServerName = "scan"; server.WorkerCount = 1; server.Queues = [ScanJob.Queue]; });
        services.AddHostedService(sp => new RecurringScan(sp.GetRequiredService<IRecurringJobManager>(), options.ScanCron));

        using var metrics = options.MetricsPort > 0 ? new Prometheus.MetricServer("127.0.0.1", options.MetricsPort) : null;
        try
        {
            metrics?.Start();
        }
        catch (System.Net.HttpListenerException e)
        {
            await Console.Error.WriteLineAsync(PortProblem(options.MetricsPort, "Node:MetricsPort (--metrics-port)", "the Prometheus endpoint", e)).ConfigureAwait(false);
            return 1;
        }

        Microsoft.AspNetCore.Builder.WebApplication? dashboardApp;
        try
        {
            dashboardApp = options.DashboardPort > 0 ? await StartDashboardAsync(storage, options.DashboardPort, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync(PortProblem(options.DashboardPort, "Node:DashboardPort (--dashboard-port)", "the job dashboard", e)).ConfigureAwait(false);
            return 1;
        }

        await using var dashboard = dashboardApp;
        Microsoft.AspNetCore.Builder.WebApplication? reportsApp;
        try
        {
            reportsApp = options.ReportsPort > 0
                ? await Publishing.FileServer.StartAsync(options.OutputFolder, "/reports", options.ReportsAddress, options.ReportsPort, cancellationToken).ConfigureAwait(false)
                : null;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync(PortProblem(options.ReportsPort, "Node:ReportsPort (--reports-port)", "the published reports", e, options.ReportsAddress)).ConfigureAwait(false);
            return 1;
        }

        await using var reports = reportsApp;
        using var host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(stopping.Cancel);
        // From here on an unreachable RPC is ridden out (retried with a capped, doubling wait), not fatal.
        web3.Client.OverridingRequestInterceptor = new OutageRetry(new OutagePolicy(options.OutageBackoffCap), host.Services.GetRequiredService<ILogger<OutageRetry>>(), stopping.Token);
        var (logger, oracle, output) = (host.Services.GetRequiredService<ILogger<NodeRunCommand>>(), key.GetPublicAddress(), Path.GetFullPath(options.OutputFolder));
        CliLog.NodeStarting(logger, oracle, chainId, options.RpcUrl, options.MarketAddress, backendName, options.MetricsPort, options.DashboardPort, output); // once, so a log says what the node watched
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static string PortProblem(int port, string option, string what, Exception e, string address = "127.0.0.1") =>
        $"fmp node run: port {port} on {address} is already in use ({e.Message}), so {what} cannot listen there; " +
        $"another node or program holds it: stop it, or set {option} to a free port (0 turns {what} off)";

    // The server's own words (3D000 database "x" does not exist, 28P01 password authentication failed, connection
    // refused) with the host and database, and what to do about it.
    private static string DatabaseProblem(NpgsqlException e, string connectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var where = $"database \"{target.Database}\" on {target.Host}:{target.Port} as {target.Username}";
        return e is PostgresException p
            ? $"{where}: {p.SqlState} {p.MessageText}; " + (p.SqlState == "3D000"
                ? $"create it (createdb -h {target.Host} -p {target.Port} -U <superuser> -O {target.Username} {target.Database}) or fix the connection string"
                : "fix the connection string, or the role's rights on the database")
            : $"{where}: {e.GetBaseException().Message}; is PostgreSQL running there?";
    }

    // Hangfire's dashboard on loopback only (its default authorization admits local requests only).
    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> StartDashboardAsync(JobStorage storage, int port, CancellationToken cancellationToken)
    {
        var web = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseUrls(web.WebHost, $"http://127.0.0.1:{port}");
        web.Logging.ClearProviders();
        web.Services.AddHangfire(hangfire => hangfire.UseStorage(storage));
        var app = web.Build();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { DashboardTitle = "fmp oracle node" }, storage);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    private sealed class RecurringScan(IRecurringJobManager jobs, string cron) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            jobs.AddOrUpdate<ScanJob>(ScanJob.Id, ScanJob.Queue, job => job.RunAsync(CancellationToken.None), cron);
            jobs.Trigger(ScanJob.Id); // look right away, not only at the next tick
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
