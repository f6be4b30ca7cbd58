using System.ComponentModel;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Protocol.Indexer;
using Protocol.Indexer.Jobs;
using Protocol.Indexer.Sync;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary><c>fmp indexer run</c>: the indexer as a hosted service. Settings come from the options file, then <c>FMP_Indexer__*</c> environment variables, then flags.</summary>
public sealed class IndexerRunCommand : AsyncCommand<IndexerRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("JSON options file with an \"Indexer\" section (see docs/analysts.md).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--rpc <URL>")]
        [Description("JSON-RPC endpoint.")]
        public string? RpcUrl { get; init; }

        [CommandOption("--db <CONNECTION>")]
        [Description("PostgreSQL connection string.")]
        public string? ConnectionString { get; init; }

        [CommandOption("--market <ADDRESS>")]
        public string? MarketAddress { get; init; }

        [CommandOption("--registry <ADDRESS>")]
        public string? RegistryAddress { get; init; }

        [CommandOption("--start-block <N>")]
        public long? StartBlock { get; init; }

        [CommandOption("--reorg-depth <N>")]
        public int? ReorgDepth { get; init; }

        [CommandOption("--log-format <FORMAT>")]
        [Description("text (default) or json.")]
        public string LogFormat { get; init; } = "text";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var builder = HostBuilder.Create(settings.ConfigFile, "Indexer", new Dictionary<string, string?>
        {
            ["RpcUrl"] = settings.RpcUrl,
            ["ConnectionString"] = settings.ConnectionString,
            ["MarketAddress"] = settings.MarketAddress,
            ["RegistryAddress"] = settings.RegistryAddress,
            ["StartBlock"] = settings.StartBlock?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ReorgDepth"] = settings.ReorgDepth?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, settings.LogFormat);

        if (OptionsKeys.Unknown(builder.Configuration, "Indexer", typeof(IndexerOptions)) is { Count: > 0 } unknown)
        {
            await Console.Error.WriteLineAsync("invalid indexer options: " + string.Join("; ", unknown)).ConfigureAwait(false);
            return 2;
        }

        builder.Services.AddOptions<IndexerOptions>().Bind(builder.Configuration.GetSection("Indexer")).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<IndexerOptions>>().Value.ConnectionString));
        builder.Services.AddSingleton(_ => new HttpClient());
        builder.Services.AddSingleton(sp => new ChainIndexer(
            sp.GetRequiredService<IOptions<IndexerOptions>>().Value, sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<HttpClient>(), sp.GetRequiredService<ILogger<ChainIndexer>>()));
        builder.Services.AddHostedService<IndexerWorker>();

        // Recurring jobs (Hangfire on the indexer's own database, schema "hangfire"), started once the indexer
        // has first reached the head (RecurringJobs below).
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<IndexerOptions>>().Value);
        builder.Services.AddSingleton<ConsistencyJob>();
        builder.Services.AddSingleton<RefreshViewsJob>();
        builder.Services.AddHangfire((sp, hangfire) => hangfire.UsePostgreSqlStorage(
            storage => storage.UseConnectionFactory(new DataSourceConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>())),
            new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true }));
        builder.Services.AddHostedService<RecurringJobs>();

        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return Environment.ExitCode; // 1 when a service stopped the host on a fatal error (StopsHostOnFailure)
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("invalid indexer options: " + string.Join("; ", e.Failures)).ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>
    /// Once the indexer has first reached the head: registers (or removes) the recurring jobs and starts the
    /// Hangfire server that runs them. Not at start: setting up Hangfire's schema and server took 0.4–0.5 s
    /// from a cold start's backfill (measured at 200,000 events), and both jobs are about a caught-up database.
    /// </summary>
    private sealed class RecurringJobs(IServiceProvider services, ChainIndexer indexer, IndexerOptions options, IHostApplicationLifetime lifetime, ILogger<RecurringJobs> logger)
        : StopsHostOnFailure(lifetime, logger)
    {
        private BackgroundJobServer? _server;

        protected override async Task RunAsync(CancellationToken stoppingToken)
        {
            await indexer.CaughtUp.WaitAsync(stoppingToken).ConfigureAwait(false);
            services.GetRequiredService<IGlobalConfiguration>(); // applies AddHangfire's configuration (storage, activator)
            var jobs = services.GetRequiredService<IRecurringJobManager>(); // creates Hangfire's schema when missing
            if (string.IsNullOrWhiteSpace(options.ConsistencyCheckCron))
            {
                jobs.RemoveIfExists(ConsistencyJob.Id);
            }
            else
            {
                jobs.AddOrUpdate<ConsistencyJob>(ConsistencyJob.Id, job => job.RunAsync(CancellationToken.None), options.ConsistencyCheckCron);
            }

            if (string.IsNullOrWhiteSpace(options.RefreshViewsCron))
            {
                jobs.RemoveIfExists(RefreshViewsJob.Id);
            }
            else
            {
                jobs.AddOrUpdate<RefreshViewsJob>(RefreshViewsJob.Id, job => job.RunAsync(CancellationToken.None), options.RefreshViewsCron);
            }

            _server = new BackgroundJobServer(
                new BackgroundJobServerOptions { WorkerCount = 1, Activator = services.GetRequiredService<JobActivator>() },
                services.GetRequiredService<JobStorage>());
        }

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
            if (_server is { } server)
            {
                server.SendStop();
                await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                server.Dispose();
            }
        }
    }

    /// <summary>Runs the indexer until the host stops.</summary>
    private sealed class IndexerWorker(ChainIndexer indexer, IHostApplicationLifetime lifetime, ILogger<IndexerWorker> logger) : StopsHostOnFailure(lifetime, logger)
    {
        protected override Task RunAsync(CancellationToken stoppingToken) => indexer.RunAsync(stoppingToken);
    }

    /// <summary>A background service whose failure stops the host with a non-zero exit: a half-running indexer should not look alive.</summary>
    private abstract class StopsHostOnFailure(IHostApplicationLifetime lifetime, ILogger logger) : BackgroundService
    {
        protected abstract Task RunAsync(CancellationToken stoppingToken);

        protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                await RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // the host must stop with an error code whatever went wrong
            catch (Exception e)
#pragma warning restore CA1031
            {
                CliLog.Fatal(logger, e);
                Environment.ExitCode = 1;
                lifetime.StopApplication();
            }
        }
    }
}
