using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Protocol.Indexer.Rpc;
using Protocol.Indexer.Schema;
using Protocol.Indexer.Storage;

namespace Protocol.Indexer.Sync;

/// <summary>The chain has reorganised deeper than the indexer keeps block hashes for.</summary>
public sealed class ReorgTooDeepException(long checkpoint, int depth)
    : Exception($"the chain no longer contains indexed block {checkpoint} and no ancestor within the last {depth} kept blocks matches; re-index from scratch or raise ReorgDepth");

/// <summary>
/// Mirrors the protocol's events into PostgreSQL. Far from the head it backfills with eth_getLogs over
/// adaptive block ranges; within <see cref="IndexerOptions.ReorgDepth"/> of the head it follows block by
/// block, checking each block's parent hash, and undoes reorganised blocks back to the common ancestor.
/// Each step writes its events and its checkpoint in one transaction: a crash or a kill loses nothing
/// and duplicates nothing; a restart resumes from the checkpoint (after checking it is still on the chain).
/// </summary>
public sealed class ChainIndexer
{
    private readonly IndexerOptions _options;
    private readonly ChainRpc _rpc;
    private readonly EventStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly LogDecoder _decoder;
    private readonly string[] _addresses;
    private readonly ILogger _logger;
    private long _range;

    // The next backfill range, fetched and decoded while the current one is written.
    private (long From, long To, Task<Fetched> Range)? _prefetch;

    public ChainIndexer(IndexerOptions options, NpgsqlDataSource dataSource, HttpClient http, ILogger<ChainIndexer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _dataSource = dataSource;
        _logger = logger;
        _rpc = new ChainRpc(http, new Uri(options.RpcUrl), options.RpcTimeout, options.RpcAttempts, logger);
        _store = new EventStore(dataSource);
        _decoder = new LogDecoder(options.MarketAddress, options.RegistryAddress);
        _addresses = [options.MarketAddress.ToLowerInvariant(), options.RegistryAddress.ToLowerInvariant()];
        _range = options.InitialBlockRange;
    }

    /// <summary>Events written since start.</summary>
    public long EventsIndexed { get; private set; }

    /// <summary>eth_getLogs ranges split since start (provider errors or oversized answers).</summary>
    public long RangeSplits { get; private set; }

    /// <summary>Reorgs undone since start.</summary>
    public long Reorgs { get; private set; }

    /// <summary>Applies migrations, then indexes until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Migrator.MigrateAsync(_dataSource, _logger, cancellationToken).ConfigureAwait(false);
        Log.Starting(_logger, (await _store.CheckpointAsync(cancellationToken).ConfigureAwait(false))?.Number ?? _options.StartBlock, _options.MarketAddress, _options.RegistryAddress);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await StepAsync(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Applies migrations and indexes up to the current head (tests and one-shot backfills).</summary>
    public async Task SyncToHeadAsync(CancellationToken cancellationToken)
    {
        await Migrator.MigrateAsync(_dataSource, _logger, cancellationToken).ConfigureAwait(false);
        while (!await StepAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    /// <summary>One unit of work; true when already at the head.</summary>
    public async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await _store.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (checkpoint is { } cp && !await StillOnChainAsync(cp, cancellationToken).ConfigureAwait(false))
        {
            await UndoReorgAsync(cp, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var next = (checkpoint?.Number ?? _options.StartBlock - 1) + 1;
        var head = await _rpc.BlockNumberAsync(cancellationToken).ConfigureAwait(false);
        if (next > head)
        {
            return true;
        }

        var safe = head - _options.ReorgDepth;
        if (next <= safe)
        {
            await BackfillAsync(next, Math.Min(safe, next + _range - 1), head, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await FollowAsync(next, head, checkpoint?.Hash, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private async Task<bool> StillOnChainAsync((long Number, string Hash) checkpoint, CancellationToken cancellationToken)
    {
        var block = await _rpc.BlockAsync(checkpoint.Number, cancellationToken).ConfigureAwait(false);
        return block?.Hash == checkpoint.Hash;
    }

    private async Task UndoReorgAsync((long Number, string Hash) checkpoint, CancellationToken cancellationToken)
    {
        foreach (var (number, hash) in await _store.RecentBlocksAsync(checkpoint.Number - 1, cancellationToken).ConfigureAwait(false))
        {
            var onChain = await _rpc.BlockAsync(number, cancellationToken).ConfigureAwait(false);
            if (onChain?.Hash == hash)
            {
                await _store.RollBackAsync(number, hash, cancellationToken).ConfigureAwait(false);
                var replaced = await _rpc.BlockAsync(checkpoint.Number, cancellationToken).ConfigureAwait(false);
                Log.Reorg(_logger, checkpoint.Number, replaced?.Hash ?? "(none)", checkpoint.Hash, number, checkpoint.Number - number);
                Reorgs++;
                return;
            }
        }

        throw new ReorgTooDeepException(checkpoint.Number, _options.ReorgDepth);
    }

    // Far from the head: eth_getLogs over a range sized from the last answer's density so that the next
    // one holds about 80% of MaxLogsPerRequest (at most twice the last range); an oversized answer
    // shrinks it the same way, a provider error halves it. The next range is fetched and decoded while
    // this one is written.
    private async Task BackfillAsync(long from, long to, long head, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var fetch = TakePrefetch(from, to) ?? FetchAsync(from, to, cancellationToken);
        Fetched fetched;
        while (true)
        {
            string problem;
            try
            {
                fetched = await fetch.ConfigureAwait(false);
                if (fetched.Events is not null)
                {
                    break;
                }

                problem = $"{fetched.LogCount} logs";
                _range = Math.Clamp(DensityRange(to - from + 1, fetched.LogCount), 1, to - from);
            }
            catch (RpcException e) when (to > from)
            {
                problem = e.Message;
                _range = Math.Max(1, (to - from + 1) / 2);
            }

            RangeSplits++;
            Log.SplitRange(_logger, from, to, problem, _range);
            to = from + _range - 1;
            fetch = FetchAsync(from, to, cancellationToken);
        }

        _range = Math.Clamp(DensityRange(to - from + 1, fetched.LogCount), 1, Math.Min(_options.MaxBlockRange, Math.Max(_range, to - from + 1) * 2));
        var safe = head - _options.ReorgDepth;
        if (to + 1 <= safe)
        {
            var nextTo = Math.Min(safe, to + _range);
            _prefetch = (to + 1, nextTo, FetchAsync(to + 1, nextTo, cancellationToken));
        }

        await _store.WriteBatchAsync(fetched.Events!, [fetched.End], fetched.End, pruneBelow: head - _options.ReorgDepth - 1, cancellationToken).ConfigureAwait(false);
        EventsIndexed += fetched.Events!.Count;
        Log.Batch(_logger, from, to, fetched.Events.Count, watch.ElapsedMilliseconds, _range, head);
    }

    // One backfill range: its logs and its last block's header (asked for together: the header is cheap,
    // and waiting for it behind the next range's logs cost a fifth of the run), decoded unless the answer
    // holds more than MaxLogsPerRequest logs (Events null: the caller splits the range).
    private sealed record Fetched(int LogCount, List<DecodedEvent>? Events, BlockHeader End);

    private async Task<Fetched> FetchAsync(long from, long to, CancellationToken cancellationToken)
    {
        var header = _rpc.BlockAsync(to, cancellationToken);
        var logs = _rpc.LogsAsync(from, to, _addresses, cancellationToken);
        await Task.WhenAll(header, logs).ConfigureAwait(false);
        var end = header.Result ?? throw new InvalidOperationException($"block {to} vanished while backfilling");
        return logs.Result.Count > _options.MaxLogsPerRequest && to > from
            ? new Fetched(logs.Result.Count, null, end)
            : new Fetched(logs.Result.Count, await DecodeAsync(logs.Result, cancellationToken).ConfigureAwait(false), end);
    }

    // Blocks that should hold about 80% of MaxLogsPerRequest, at the density of the last answer.
    private long DensityRange(long blocks, int logs) => (long)Math.Min(long.MaxValue / 2, blocks * 0.8 * _options.MaxLogsPerRequest / Math.Max(1, logs));

    // The prefetched logs when they are for exactly this range; otherwise they are dropped (their
    // failure, if any, observed) and the caller fetches afresh.
    private Task<Fetched>? TakePrefetch(long from, long to)
    {
        if (_prefetch is not { } prefetch)
        {
            return null;
        }

        _prefetch = null;
        if (prefetch.From == from && prefetch.To == to)
        {
            return prefetch.Range;
        }

        _ = prefetch.Range.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return null;
    }

    // Near the head: block by block, each block's logs fetched by its hash, each parent hash checked.
    private async Task FollowAsync(long from, long head, string? previousHash, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var headers = new List<BlockHeader>();
        var events = new List<DecodedEvent>();
        for (var number = from; number <= head; number++)
        {
            var header = await _rpc.BlockAsync(number, cancellationToken).ConfigureAwait(false);
            if (header is null || (previousHash is not null && header.ParentHash != previousHash))
            {
                break; // the chain moved under us; the next step finds out how and undoes it
            }

            var logs = await _rpc.LogsAsync(header.Hash, _addresses, cancellationToken).ConfigureAwait(false);
            foreach (var log in logs)
            {
                if (_decoder.Decode(log, header.Timestamp) is { } decoded)
                {
                    events.Add(decoded);
                }
            }

            headers.Add(header);
            previousHash = header.Hash;
        }

        if (headers.Count == 0)
        {
            // The block after the checkpoint does not extend it: the checkpoint itself was reorganised away.
            var checkpoint = await _store.CheckpointAsync(cancellationToken).ConfigureAwait(false);
            if (checkpoint is { } cp)
            {
                await UndoReorgAsync(cp, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await _store.WriteBatchAsync(events, headers, headers[^1], pruneBelow: head - _options.ReorgDepth - 1, cancellationToken).ConfigureAwait(false);
        EventsIndexed += events.Count;
        Log.Batch(_logger, from, headers[^1].Number, events.Count, watch.ElapsedMilliseconds, headers.Count, head);
    }

    private async Task<List<DecodedEvent>> DecodeAsync(List<RawLog> logs, CancellationToken cancellationToken)
    {
        // Nodes that do not put blockTimestamp in logs: fetch each block's header once.
        var times = new Dictionary<long, long>();
        foreach (var number in logs.Where(l => l.BlockTimestamp is null).Select(l => l.BlockNumber).Distinct())
        {
            times[number] = (await _rpc.BlockAsync(number, cancellationToken).ConfigureAwait(false))?.Timestamp
                ?? throw new InvalidOperationException($"block {number} vanished while backfilling");
        }

        var events = new List<DecodedEvent>(logs.Count);
        foreach (var log in logs)
        {
            if (_decoder.Decode(log, log.BlockTimestamp ?? times[log.BlockNumber]) is { } decoded)
            {
                events.Add(decoded);
            }
        }

        return events;
    }
}
