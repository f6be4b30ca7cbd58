// Indexer benchmark: ≥ 200k protocol events on a throw-away anvil chain, backfilled cold into a fresh
// PostgreSQL database by the real indexer, next to the raw limits measured in the same run (eth_getLogs
// alone, binary COPY alone), with the CPU time the indexer, anvil and PostgreSQL spent. Figures, not a test.
// Usage: scripts/bench/indexer.sh [events] [--ponder]; FMP_BENCH_TRACE=1 prints the indexer's log lines
// (each batch) with the time and CPU spent so far.
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Hex.HexTypes;
using Npgsql;
using NpgsqlTypes;
using Protocol.Core.Contracts;
using Protocol.DevChain;
using Protocol.Indexer;
using Protocol.Indexer.Rpc;
using Protocol.Indexer.Storage;
using Protocol.Indexer.Sync;
using Protocol.TestSupport;

var events = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 200_000;
var withPonder = args.Contains("--ponder");
const int PerTransaction = 1_000;
var ci = CultureInfo.InvariantCulture;

var anvil = new AnvilFixture();
await anvil.InitializeAsync();
var database = new PostgresDatabaseFixture();
await database.InitializeAsync();
try
{
    var d = await ProtocolDeployment.DeployAsync(anvil);
    await EventFirehose.InstallAsync(anvil, d.MarketAddress);

    var clock = Stopwatch.StartNew();
    var web3 = anvil.Web3For(0);
    for (var first = 0; first < events; first += PerTransaction)
    {
        await web3.SendAsync(d.MarketAddress, new FireFunction { MarketId = 1, First = first, N = Math.Min(PerTransaction, events - first), Gas = 12_000_000 });
    }

    var head = (long)(await anvil.LatestBlockAsync()).Number.Value;
    Console.WriteLine(string.Create(ci, $"generated {events:N0} Committed events in {head - d.StartBlock + 1} blocks in {clock.Elapsed.TotalSeconds:0.0} s"));

    // 1. The indexer, cold, into an empty database (migrations included).
    var options = new IndexerOptions
    {
        RpcUrl = anvil.RpcUrl, MarketAddress = d.MarketAddress, RegistryAddress = d.RegistryAddress, StartBlock = d.StartBlock,
        ReorgDepth = 8, InitialBlockRange = 20, // 1,000 logs a block here; the other settings are the defaults
    };
    using var http = new HttpClient();
    var indexer = new ChainIndexer(options, database.DataSource, http,
        Environment.GetEnvironmentVariable("FMP_BENCH_TRACE") == "1" ? new TraceLogger<ChainIndexer>() : NullLogger<ChainIndexer>.Instance);
    var cpu = CpuTimes.Take();
    var gc = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Bytes: GC.GetTotalAllocatedBytes(true), Paused: GC.GetTotalPauseDuration());
    clock.Restart();
    await indexer.SyncToHeadAsync(CancellationToken.None);
    var indexSeconds = clock.Elapsed.TotalSeconds;
    var indexed = indexer.EventsIndexed;
    Console.WriteLine(string.Create(ci, $"indexer: {indexed:N0} events in {indexSeconds:0.00} s = {indexed / indexSeconds:N0} events/s (range splits {indexer.RangeSplits})"));
    Console.WriteLine("  CPU seconds while indexing: " + (CpuTimes.Take() - cpu) + string.Create(ci, $" (of {Environment.ProcessorCount * indexSeconds:0.00} on {Environment.ProcessorCount} cores)"));
    Console.WriteLine(string.Create(ci, $"  indexer's GC: {(GC.GetTotalAllocatedBytes(true) - gc.Bytes) / 1e6:0} MB allocated, collections {GC.CollectionCount(0) - gc.Gen0}/{GC.CollectionCount(1) - gc.Gen1}/{GC.CollectionCount(2) - gc.Gen2} (gen 0/1/2), paused {(GC.GetTotalPauseDuration() - gc.Paused).TotalMilliseconds:0} ms"));

    // 1b. The same as operators run it: `fmp indexer run` in its own process into another empty database,
    // timed from the process start (runtime, host) until its checkpoint is the head, as Ponder is.
    var fmpConnection = await database.Cluster.CreateDatabaseAsync("fmp_run");
    double fmpSeconds;
    double? fmpFirstBatch = null;
    await using (var fmpDatabase = NpgsqlDataSource.Create(fmpConnection))
    {
        var fmpStore = new EventStore(fmpDatabase);
        clock.Restart();
        using var fmp = CliProcess.Start(CliProcess.Fmp,
            [
                "indexer", "run", "--rpc", anvil.RpcUrl, "--db", fmpConnection, "--market", d.MarketAddress, "--registry", d.RegistryAddress,
                "--start-block", d.StartBlock.ToString(ci), "--reorg-depth", options.ReorgDepth.ToString(ci),
            ],
            new Dictionary<string, string> { ["FMP_Indexer__InitialBlockRange"] = options.InitialBlockRange.ToString(ci) });
        for (long checkpoint; (checkpoint = (await fmpStore.CheckpointIfAnyAsync(CancellationToken.None))?.Number ?? -1) < head;)
        {
            fmpFirstBatch ??= checkpoint >= 0 ? clock.Elapsed.TotalSeconds : null;
            if (fmp.Process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new InvalidOperationException("fmp indexer run did not reach the head:\n" + fmp.Log);
            }

            await Task.Delay(10);
        }

        fmpSeconds = clock.Elapsed.TotalSeconds;
        if (Environment.GetEnvironmentVariable("FMP_BENCH_TRACE") == "1")
        {
            Console.WriteLine(fmp.Log);
        }
    }

    Console.WriteLine(string.Create(ci, $"fmp indexer run (its own process, start-up included): {indexed:N0} events in {fmpSeconds:0.00} s = {indexed / fmpSeconds:N0} events/s; first batch written after {fmpFirstBatch ?? fmpSeconds:0.00} s"));

    // 2. eth_getLogs alone over the same blocks, in 50-block requests, parsed.
    var rpc = new ChainRpc(http, new Uri(anvil.RpcUrl), TimeSpan.FromSeconds(60), 1, NullLogger.Instance);
    clock.Restart();
    long fetched = 0;
    for (var from = d.StartBlock; from <= head; from += 50)
    {
        fetched += (await rpc.LogsAsync(from, Math.Min(head, from + 49), [d.MarketAddress, d.RegistryAddress], CancellationToken.None)).Count;
    }

    var logsSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(ci, $"eth_getLogs alone: {fetched:N0} logs in {logsSeconds:0.00} s = {fetched / logsSeconds:N0} logs/s"));

    // 2b. The node's side alone: the same requests, the answers read as bytes and not parsed (logs counted
    // by their "logIndex" keys). What is left between this and 2 is the client's JSON parsing.
    clock.Restart();
    long raw = 0, bytes = 0;
    for (var from = d.StartBlock; from <= head; from += 50)
    {
        var request = $$"""{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"fromBlock":"0x{{from:x}}","toBlock":"0x{{Math.Min(head, from + 49):x}}","address":["{{d.MarketAddress}}","{{d.RegistryAddress}}"]}]}""";
        using var content = new StringContent(request, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(anvil.RpcUrl), content);
        var body = await response.Content.ReadAsByteArrayAsync();
        bytes += body.Length;
        for (var at = body.AsSpan(); at.IndexOf("\"logIndex\""u8) is var i and >= 0; at = at[(i + 10)..])
        {
            raw++;
        }
    }

    var rawSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(ci, $"eth_getLogs, answers not parsed: {raw:N0} logs ({bytes / 1e6:0} MB) in {rawSeconds:0.00} s = {raw / rawSeconds:N0} logs/s (the node's own limit)"));

    // 3. Binary COPY alone: the same number of rows of the same shape into a table like `committed`.
    await using var connection = await database.DataSource.OpenConnectionAsync();
    await using (var create = new NpgsqlCommand("CREATE TABLE copy_bench (LIKE committed INCLUDING ALL)", connection))
    {
        await create.ExecuteNonQueryAsync();
    }

    clock.Restart();
    await using (var tx = await connection.BeginTransactionAsync())
    {
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY copy_bench (block_number, log_index, block_time, block_hash, tx_hash, market_id, curator, commitment, stake, total_staked) FROM STDIN (FORMAT BINARY)"))
        {
            var time = DateTimeOffset.UtcNow;
            var hash = "0x" + new string('a', 64);
            for (var i = 0; i < indexed; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync((long)(i / PerTransaction), NpgsqlDbType.Bigint);
                await importer.WriteAsync(i % PerTransaction, NpgsqlDbType.Integer);
                await importer.WriteAsync(time, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(hash, NpgsqlDbType.Text);
                await importer.WriteAsync(hash, NpgsqlDbType.Text);
                await importer.WriteAsync(BigInteger.One, NpgsqlDbType.Numeric);
                await importer.WriteAsync("0x0000000000000000000000000000000000000001", NpgsqlDbType.Text);
                await importer.WriteAsync(hash, NpgsqlDbType.Text);
                await importer.WriteAsync(new BigInteger(i) * 1_000_000_000_000_000_000, NpgsqlDbType.Numeric);
                await importer.WriteAsync(new BigInteger(i + 1) * 1_000_000_000_000_000_000, NpgsqlDbType.Numeric);
            }

            await importer.CompleteAsync();
        }

        await tx.CommitAsync();
    }

    var copySeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(ci, $"binary COPY alone: {indexed:N0} rows in {copySeconds:0.00} s = {indexed / copySeconds:N0} rows/s"));
    if (withPonder)
    {
        foreach (var (cache, label) in new[] { (false, "cache disabled (its fastest setting)"), (true, "as shipped: RPC cache on, cold") })
        {
            var (ponderSeconds, firstRow) = await Ponder.RunAsync(database.Cluster, anvil.RpcUrl, d.MarketAddress, d.StartBlock, events, cache);
            Console.WriteLine(string.Create(ci, $"Ponder 0.16.10 (Node 22, {label}; same chain and PostgreSQL): {events:N0} events in {ponderSeconds:0.00} s = {events / ponderSeconds:N0} events/s; first row after {firstRow:0.00} s"));
            Console.WriteLine(string.Create(ci, $"  this indexer is {ponderSeconds / indexSeconds:0.0}x faster in-process, {ponderSeconds / fmpSeconds:0.0}x as fmp indexer run (both start-ups included); " +
                $"from first row to last, {(ponderSeconds - firstRow) / (fmpSeconds - (fmpFirstBatch ?? 0)):0.0}x"));
        }
    }

    Console.WriteLine(string.Create(ci, $"ratios: the indexer runs at {indexed / indexSeconds / (fetched / logsSeconds):P0} of fetching alone; " +
        $"fetching then writing one after the other (the two raw limits in series) would give {1 / (logsSeconds / fetched + copySeconds / indexed):N0} events/s (the indexer overlaps them, but all share the same cores)"));
}
finally
{
    await database.DisposeAsync();
    await database.Cluster.DisposeAsync(); // explicitly: a crash would skip the shared cluster's exit handler
    await anvil.DisposeAsync();
}
