using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Protocol.Indexer;
using Protocol.Indexer.Jobs;
using Protocol.Indexer.Sync;
using Protocol.ServiceDefaults;

namespace Protocol.IndexerHost;

/// <summary>
/// The indexer's composition root. From a host builder already holding its configuration (the options file,
/// <c>FMP_Indexer__*</c> variables, then flags: <see cref="ServiceBuilder"/>), it checks the options, runs the chain
/// indexer as a hosted service and, once it first reaches the head, its recurring jobs. Returns 2 for invalid options,
/// 1 when a service stopped the host on an error, 0 when stopped.
/// </summary>
public static class ChainIndexerHost
{
    public static async Task<int> RunAsync(HostApplicationBuilder builder, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(errors);
        if (OptionsKeys.Unknown(builder.Configuration, "Indexer", typeof(IndexerOptions)) is { Count: > 0 } unknown)
        {
            await errors.WriteLineAsync("invalid indexer options: " + string.Join("; ", unknown)).ConfigureAwait(false);
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
            await errors.WriteLineAsync("invalid indexer options: " + string.Join("; ", e.Failures)).ConfigureAwait(false);
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
}
