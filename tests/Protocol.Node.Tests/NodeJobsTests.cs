using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Web3;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.Node.Jobs;
using Protocol.ServiceDefaults;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>The node's durable jobs on a real Hangfire server with PostgreSQL storage.</summary>
public sealed class NodeJobsTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-jobs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class ServiceActivator(IServiceProvider services) : JobActivator
    {
        public override object ActivateJob(Type jobType) => services.GetRequiredService(jobType);
    }

    [Fact]
    public async Task Scans_enqueue_one_evaluation_per_market_and_round_and_the_job_attests()
    {
        var crowd = new CrowdMarket(_dir);
        var (tasks, gold) = crowd.LoadCrowdData();
        var specPath = Path.Combine(RepositoryLayout.Root, "specs", "bt-shapley-v1.json");
        var files = new MarketFiles(
            await crowd.WriteAsync("tasks.jsonl", tasks.Select(ProtocolFiles.ToLine)), new Uri(Path.Combine(_dir, "tasks.jsonl")).AbsoluteUri,
            Keccak.Hash(File.ReadAllBytes(specPath)), new Uri(specPath).AbsoluteUri,
            await crowd.WriteAsync("gold.jsonl", gold.Select(ProtocolFiles.ToLine)), new Uri(Path.Combine(_dir, "gold.jsonl")).AbsoluteUri);
        var labels = await crowd.WriteAsync("good.jsonl", tasks.Take(40).Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));

        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token), files: files);
        market.UseLabelFile(4, labels, new Uri(Path.Combine(_dir, "good.jsonl")).AbsoluteUri);
        await market.CommitAsync(4, 10 * Token);
        await market.CommitAsync(5, 10 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await anvil.IncreaseTimeAsync(3_600);

        var node = await crowd.NodeAsync(anvil, db, d, 1, "http://127.0.0.1:9");
        var options = new NodeOptions { RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress, ConnectionString = db.ConnectionString };
        await NodeSchema.MigrateAsync(db.DataSource, d.MarketAddress, CancellationToken.None);
        var storage = new PostgreSqlStorage(new DataSourceConnectionFactory(db.DataSource),
            new PostgreSqlStorageOptions { SchemaName = "hangfire_node", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromMilliseconds(100) });
        var client = new BackgroundJobClient(storage);
        var services = new ServiceCollection()
            .AddSingleton(node)
            .AddSingleton<IBackgroundJobClient>(client)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(options)
            .AddSingleton(db.DataSource)
            .AddSingleton<EvaluateJob>()
            .BuildServiceProvider();
        var scan = new ScanJob(anvil.Web3, options, db.DataSource, client, NullLogger<ScanJob>.Instance);

        Assert.Equal(0, await scan.RunAsync(CancellationToken.None)); // evaluation phase, but the gold set is still hidden
        await market.RevealGoldAsync();
        Assert.Equal(1, await scan.RunAsync(CancellationToken.None));
        Assert.Equal(0, await scan.RunAsync(CancellationToken.None)); // the same market and round: nothing new

        using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = 1, Queues = [EvaluateJob.Queue], Activator = new ServiceActivator(services) }, storage))
        {
            var monitor = storage.GetMonitoringApi();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (monitor.SucceededListCount() < 1)
            {
                Assert.True(monitor.FailedCount() == 0, string.Join("; ", monitor.FailedJobs(0, 5).Select(j => j.Value.ExceptionMessage)));
                Assert.True(DateTime.UtcNow < deadline, "the evaluation job did not finish");
                await Task.Delay(200);
            }
        }

        await using var connection = await db.DataSource.OpenConnectionAsync();
        var digest = await connection.ExecuteScalarAsync<string>("SELECT digest FROM oracle_reports WHERE market_id = @m::numeric AND signer = @s",
            new { m = market.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), s = node.Address.ToLowerInvariant() });
        var signers = await anvil.Web3.CallAsync<ReportSignersFunction, List<string>>(d.MarketAddress, new ReportSignersFunction { Digest = Bytes32.Parse(digest!).ToArray() });
        Assert.Contains(signers, s => string.Equals(s, node.Address, StringComparison.OrdinalIgnoreCase));
    }
}
