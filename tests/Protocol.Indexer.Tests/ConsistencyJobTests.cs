using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging.Abstractions;
using Protocol.DevChain;
using Protocol.Indexer.Jobs;
using Protocol.ServiceDefaults;
using Protocol.TestSupport;

namespace Protocol.Indexer.Tests;

/// <summary>The consistency check as a Hangfire recurring job on PostgreSQL storage, run by a real Hangfire server.</summary>
public sealed class ConsistencyJobTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    private sealed class Activator(params object[] jobs) : JobActivator
    {
        public override object ActivateJob(Type jobType) => jobs.Single(jobType.IsInstanceOfType);
    }

    [Fact]
    public async Task Recurring_check_succeeds_on_a_faithful_database_and_fails_on_a_tampered_one()
    {
        var d = await ProtocolDeployment.DeployAsync(anvil);
        await Scenarios.CancelledMarketAsync(anvil, d);
        await IndexerHarness.Create(d, db.DataSource, anvil.RpcUrl, reorgDepth: 4).SyncToHeadAsync(CancellationToken.None);

        var options = new IndexerOptions { RpcUrl = anvil.RpcUrl, ConnectionString = db.ConnectionString, MarketAddress = d.MarketAddress, RegistryAddress = d.RegistryAddress };
        var storage = new PostgreSqlStorage(
            new DataSourceConnectionFactory(db.DataSource),
            new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromMilliseconds(100) });
        var job = new ConsistencyJob(db.DataSource, options, NullLogger<ConsistencyJob>.Instance);
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = 1, Activator = new Activator(job, new RefreshViewsJob(db.DataSource)) }, storage);
        var jobs = new RecurringJobManager(storage);
        jobs.AddOrUpdate<ConsistencyJob>(ConsistencyJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Never());
        var monitor = storage.GetMonitoringApi();

        jobs.Trigger(ConsistencyJob.Id);
        await WaitAsync(() => monitor.SucceededListCount() == 1);

        // The materialised views are refreshed by their own recurring job.
        jobs.AddOrUpdate<RefreshViewsJob>(RefreshViewsJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Never());
        jobs.Trigger(RefreshViewsJob.Id);
        await WaitAsync(() => monitor.SucceededListCount() == 2);
        await using (var read = await db.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(await read.ExecuteScalarAsync<long>("SELECT count(*) FROM committed"), await read.ExecuteScalarAsync<long>("SELECT sum(commits) FROM daily_activity"));
            Assert.Equal(await read.ExecuteScalarAsync<decimal>("SELECT sum(stake) FROM committed"), await read.ExecuteScalarAsync<decimal>("SELECT sum(staked) FROM daily_activity"));
            Assert.Equal(await read.ExecuteScalarAsync<decimal>("SELECT sum(stake) FROM refunded"), await read.ExecuteScalarAsync<decimal>("SELECT sum(refunded) FROM daily_activity"));
        }

        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE committed SET stake = stake + 1");
        }

        jobs.Trigger(ConsistencyJob.Id);
        await WaitAsync(() => monitor.FailedCount() == 1);
        var failed = Assert.Single(monitor.FailedJobs(0, 10)).Value;
        Assert.Contains("stake: indexed", failed.ExceptionMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(InconsistentDatabaseException).FullName, failed.ExceptionType);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the Hangfire job did not finish within 60 s");
            await Task.Delay(100);
        }
    }
}
