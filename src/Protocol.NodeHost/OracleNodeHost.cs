using System.ComponentModel.DataAnnotations;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Npgsql;
using Protocol.Client.Fetching;
using Protocol.Client.Signing;
using Protocol.Core.Files;
using Protocol.Core.Retry;
using Protocol.Evaluation;
using Protocol.Node;
using Protocol.Node.Chain;
using Protocol.Node.Evaluation;
using Protocol.Node.Inputs;
using Protocol.Node.Jobs;
using Protocol.Node.Signing;
using Protocol.ServiceDefaults;

namespace Protocol.NodeHost;

/// <summary>
/// The oracle node's composition root. From a host builder already holding its configuration (the options file,
/// <c>FMP_Node__*</c> variables, then flags: <see cref="ServiceBuilder"/>), it validates every option, unlocks the key,
/// checks the chain, the market contract and the database, and runs the node's jobs, metrics endpoint, job dashboard
/// and published reports until stopped. Every problem found before the start is one line on <c>errors</c> and an exit
/// code: 2 for invalid options, 1 for a chain, database, device or port that cannot be used.
/// </summary>
public static partial class OracleNodeHost
{
    public static async Task<int> RunAsync(HostApplicationBuilder builder, string? configFile, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(errors);
        if (OptionsKeys.Unknown(builder.Configuration, "Node", typeof(NodeOptions)) is { Count: > 0 } unknown)
        {
            await errors.WriteLineAsync("invalid node options: " + string.Join("; ", unknown)).ConfigureAwait(false);
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
            await errors.WriteLineAsync("invalid node options: " + (e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message)).ConfigureAwait(false);
            return 2;
        }

        NodePaths.Resolve(options, configFile);
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            await errors.WriteLineAsync("invalid node options: " + string.Join("; ", problems.Select(p => p.ErrorMessage))).ConfigureAwait(false);
            return 2;
        }

        var backend = Enum.Parse<EvaluationBackend>(options.Backend, ignoreCase: true); // validated above
        if (Protocol.Evaluation.Backends.BackendProbe.Check(backend, out var backendName) is { } backendProblem)
        {
            await errors.WriteLineAsync($"fmp node run: {Option(nameof(NodeOptions.Backend))} is {options.Backend}, but {backendProblem}; set it to auto or cpu (every backend signs the same digest), or run the node where an NVIDIA GPU and its driver are installed").ConfigureAwait(false);
            return 1;
        }

        if (!Uri.TryCreate(options.RpcUrl, UriKind.Absolute, out var rpc) || rpc.Scheme is not ("http" or "https"))
        {
            await errors.WriteLineAsync($"invalid node options: {Option(nameof(NodeOptions.RpcUrl))} \"{options.RpcUrl}\" is not an http(s) URL such as http://127.0.0.1:8545").ConfigureAwait(false);
            return 2;
        }

        var key = await Keystore.UnlockAsync(options.Keystore, options.PasswordFile, cancellationToken).ConfigureAwait(false);
        var (chainId, startProblem) = await NodeStartChecks.ChainAsync(options, cancellationToken).ConfigureAwait(false);
        if (startProblem is not null)
        {
            await errors.WriteLineAsync("fmp node run: " + startProblem).ConfigureAwait(false);
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
                // A job the scan enqueues (an evaluation, a settlement) starts at once, woken by PostgreSQL's
                // NOTIFY, instead of at the workers' next poll of the queue (every 15 s by default).
                EnableLongPolling = true,
            }), cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            await errors.WriteLineAsync($"fmp node run: the database of {Option(nameof(NodeOptions.ConnectionString))} cannot be used: {DatabaseProblem(e, options.ConnectionString)}").ConfigureAwait(false);
            return 1;
        }

        services.AddHangfire(hangfire => hangfire.UseStorage(storage));
        // Two servers, one worker each: evaluations use every core already, and scans (the dispute watcher and the
        // settler with them) must never wait behind an evaluation.
        services.AddHangfireServer(server => { server.ServerName = "evaluate"; server.WorkerCount = 1; server.Queues = [EvaluateJob.Queue]; server.SchedulePollingInterval = options.SchedulePolling; });
        services.AddHangfireServer(server => { server.ServerName = "scan"; server.WorkerCount = 1; server.Queues = [ScanJob.Queue]; server.SchedulePollingInterval = options.SchedulePolling; });
        services.AddHostedService(sp => new RecurringScan(sp.GetRequiredService<IRecurringJobManager>(), options.ScanCron));

        // Each endpoint on its own port: -1 turns it off, 0 lets the system pick a free one (said in the start line below,
        // so that a test or a second node on one machine never races another program for a port picked beforehand).
        var (metrics, metricsProblem) = await ListenAsync(options.MetricsPort, "127.0.0.1", Option(nameof(NodeOptions.MetricsPort)), "the Prometheus endpoint",
            ct => MetricsEndpoint.StartAsync(options.MetricsPort, ct), cancellationToken).ConfigureAwait(false);
        await using var metricsApp = metrics;
        var (dashboard, dashboardProblem) = metricsProblem is null
            ? await ListenAsync(options.DashboardPort, "127.0.0.1", Option(nameof(NodeOptions.DashboardPort)), "the job dashboard",
                ct => StartDashboardAsync(storage, options.DashboardPort, ct), cancellationToken).ConfigureAwait(false)
            : (null, null);
        await using var dashboardApp = dashboard;
        var (reports, reportsProblem) = metricsProblem is null && dashboardProblem is null
            ? await ListenAsync(options.ReportsPort, options.ReportsAddress, Option(nameof(NodeOptions.ReportsPort)), "the published reports",
                ct => FileServer.StartAsync(options.OutputFolder, "/reports", options.ReportsAddress, options.ReportsPort, ct), cancellationToken).ConfigureAwait(false)
            : (null, null);
        await using var reportsApp = reports;
        if ((metricsProblem ?? dashboardProblem ?? reportsProblem) is { } portProblem)
        {
            await errors.WriteLineAsync(portProblem).ConfigureAwait(false);
            return 1;
        }

        using var host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(stopping.Cancel);
        // From here on an unreachable RPC is ridden out (retried with a capped, doubling wait), not fatal.
        web3.Client.OverridingRequestInterceptor = new OutageRetry(new OutagePolicy(options.OutageBackoffCap), host.Services.GetRequiredService<ILogger<OutageRetry>>(), stopping.Token);
        var (logger, oracle, output) = (host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Protocol.NodeHost"), key.GetPublicAddress(), Path.GetFullPath(options.OutputFolder));
        // Once, so a log says what the node watched and where it listens (a port asked as 0 is the one picked).
        var (metricsAt, dashboardAt, reportsAt) = (Where(metrics, "/metrics"), Where(dashboard, "/hangfire"), Where(reports, "/reports/"));
        NodeStartingLog(logger, oracle, chainId, options.RpcUrl, options.MarketAddress, backendName, metricsAt, dashboardAt, reportsAt, output);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Starts one endpoint unless its port is −1; a port already taken is the one line that says what to do.</summary>
    private static async Task<(Microsoft.AspNetCore.Builder.WebApplication? App, string? Problem)> ListenAsync(
        int port, string address, string option, string what, Func<CancellationToken, Task<Microsoft.AspNetCore.Builder.WebApplication>> start, CancellationToken cancellationToken)
    {
        if (port < 0)
        {
            return (null, null);
        }

        try
        {
            return (await start(cancellationToken).ConfigureAwait(false), null);
        }
        catch (IOException e)
        {
            return (null, $"fmp node run: port {port} on {address} is already in use ({e.Message}), so {what} cannot listen there; " +
                $"another node or program holds it: stop it, or set {option} to a free port (0 picks one, -1 turns {what} off)");
        }
    }

    // "http://127.0.0.1:40123/metrics", or "off".
    private static string Where(Microsoft.AspNetCore.Builder.WebApplication? app, string path) =>
        app is null ? "off" : app.Urls.First().TrimEnd('/') + path;

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Oracle {Oracle} on chain {ChainId} ({Rpc}): market {Market}, backend {Backend}; metrics {Metrics}, job dashboard {Dashboard}, reports {Reports}; publishing to {Output}")]
    private static partial void NodeStartingLog(ILogger logger, string oracle, System.Numerics.BigInteger chainId, string rpc, string market, string backend, string metrics, string dashboard, string reports, string output);

    private static string Option(string key) => NodeStartChecks.Option(key);
}
