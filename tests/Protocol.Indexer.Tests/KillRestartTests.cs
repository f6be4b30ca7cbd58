using System.Diagnostics;
using Dapper;
using Npgsql;
using Protocol.Core.Payouts;
using Protocol.TestSupport;
using static Protocol.TestSupport.ProtocolDeployment;

namespace Protocol.Indexer.Tests;

/// <summary>The real indexer process (<c>fmp indexer run</c>) killed with SIGKILL mid-backfill, then restarted.</summary>
public sealed class KillRestartTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Sigkill_at_several_points_loses_nothing_and_duplicates_nothing()
    {
        var d = await DeployAsync(anvil);
        for (var i = 0; i < 4; i++)
        {
            var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 100, 1_000, 100 * Token));
            foreach (var curator in new[] { 4, 5, 6 })
            {
                await market.CommitAsync(curator, 10 * Token);
            }
        }

        var head = (long)(await anvil.LatestBlockAsync()).Number.Value;
        var span = head - d.StartBlock;
        foreach (var fraction in new[] { 0.2, 0.45, 0.7 })
        {
            using var process = StartIndexer(d);
            var target = d.StartBlock + (long)(span * fraction);
            await WaitAsync(process, async () => await CheckpointAsync() >= target);
            process.Kill(); // SIGKILL: no shutdown, no flush
            await process.WaitForExitAsync();
        }

        using (var last = StartIndexer(d))
        {
            await WaitAsync(last, async () => await CheckpointAsync() >= head);
            last.Kill();
            await last.WaitForExitAsync();
        }

        await IndexerHarness.AssertRowsAreTheChainsLogsAsync(anvil, d, db.DataSource);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(12, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM committed"));
    }

    private Process StartIndexer(ProtocolDeployment d)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "fmp.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                cli, "indexer", "run", "--rpc", anvil.RpcUrl, "--db", db.ConnectionString, "--market", d.MarketAddress,
                "--registry", d.RegistryAddress, "--start-block", d.StartBlock.ToString(System.Globalization.CultureInfo.InvariantCulture), "--reorg-depth", "2",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // One block per batch, so that kills land between and inside many small transactions.
        info.Environment["FMP_Indexer__InitialBlockRange"] = "1";
        info.Environment["FMP_Indexer__MaxBlockRange"] = "1";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<long> CheckpointAsync()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var exists = await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('indexer_checkpoint') IS NOT NULL");
        return exists ? await connection.ExecuteScalarAsync<long?>("SELECT block_number FROM indexer_checkpoint") ?? -1 : -1;
    }

    private static async Task WaitAsync(Process process, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.False(process.HasExited, $"the indexer exited with {(process.HasExited ? process.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "the indexer made no progress in 60 s");
            await Task.Delay(20);
        }
    }
}
