using System.ComponentModel;
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
using Protocol.Core.Files;
using Protocol.Evaluation;
using Protocol.Indexer.Jobs;
using Protocol.Node;
using Protocol.Node.Evaluation;
using Protocol.Node.Inputs;
using Protocol.Node.Jobs;
using Protocol.Node.Signing;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

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
        public string? RpcUrl { get; init; }

        [CommandOption("--market <ADDRESS>")]
        public string? MarketAddress { get; init; }

        [CommandOption("--db <CONNECTION>")]
        public string? ConnectionString { get; init; }

        [CommandOption("-k|--keystore <FILE>")]
        public string? Keystore { get; init; }

        [CommandOption("-p|--password-file <FILE>")]
        public string? PasswordFile { get; init; }

        [CommandOption("--out <FOLDER>")]
        [Description("Where scores, metrics and leaves files are published.")]
        public string? OutputFolder { get; init; }

        [CommandOption("--backend <BACKEND>")]
        [Description("auto, cpu or cuda.")]
        public string? Backend { get; init; }

        [CommandOption("--log-format <FORMAT>")]
        public string LogFormat { get; init; } = "text";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var builder = HostBuilder.Create(settings.ConfigFile, "Node", new Dictionary<string, string?>
        {
            ["RpcUrl"] = settings.RpcUrl,
            ["MarketAddress"] = settings.MarketAddress,
            ["ConnectionString"] = settings.ConnectionString,
            ["Keystore"] = settings.Keystore,
            ["PasswordFile"] = settings.PasswordFile,
            ["OutputFolder"] = settings.OutputFolder,
            ["Backend"] = settings.Backend,
        }, settings.LogFormat);

        if (OptionsKeys.Unknown(builder.Configuration, "Node", typeof(NodeOptions)) is { Count: > 0 } unknown)
        {
            await Console.Error.WriteLineAsync("invalid node options: " + string.Join("; ", unknown)).ConfigureAwait(false);
            return 2;
        }

        var options = builder.Configuration.GetSection("Node").Get<NodeOptions>() ?? new NodeOptions();
        ConfigPaths.ResolveNodePaths(options, settings.ConfigFile);
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            await Console.Error.WriteLineAsync("invalid node options: " + string.Join("; ", problems.Select(p => p.ErrorMessage))).ConfigureAwait(false);
            return 2;
        }

        var backend = Enum.Parse<EvaluationBackend>(options.Backend, ignoreCase: true); // validated above

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
        var web3 = new Web3(new Account(key, chainId), options.RpcUrl);
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
            Path.GetFullPath(options.OutputFolder), sp.GetRequiredService<ILogger<OracleNode>>(), options.LogWindow));
        services.AddTransient<ScanJob>();
        services.AddTransient<EvaluateJob>();
        // Hangfire installs its schema as the storage is built: under the node schema lock too.
        var storage = await NodeSchema.CreateAsync(db, ledger, () => new PostgreSqlStorage(new DataSourceConnectionFactory(db), new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            InvisibilityTimeout = options.JobRecoveryTimeout,
            UseSlidingInvisibilityTimeout = true,
        }), cancellationToken).ConfigureAwait(false);
        services.AddHangfire(hangfire => hangfire.UseStorage(storage));
        services.AddHangfireServer(server => server.WorkerCount = 1); // evaluations use every core already
        services.AddHostedService(sp => new RecurringScan(sp.GetRequiredService<IRecurringJobManager>(), options.ScanCron));

        using var metrics = options.MetricsPort > 0 ? new Prometheus.MetricServer("127.0.0.1", options.MetricsPort) : null;
        metrics?.Start();
        await using var dashboard = options.DashboardPort > 0 ? await StartDashboardAsync(storage, options.DashboardPort, cancellationToken).ConfigureAwait(false) : null;
        using var host = builder.Build();
        var (logger, oracle, output, backendName) = (host.Services.GetRequiredService<ILogger<NodeRunCommand>>(), key.GetPublicAddress(), Path.GetFullPath(options.OutputFolder), backend.ToString());
        CliLog.NodeStarting(logger, oracle, chainId, options.RpcUrl, options.MarketAddress, backendName, options.MetricsPort, options.DashboardPort, output); // once, so a log says what the node watched
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
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
            jobs.AddOrUpdate<ScanJob>(ScanJob.Id, job => job.RunAsync(CancellationToken.None), cron);
            jobs.Trigger(ScanJob.Id); // look right away, not only at the next tick
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
