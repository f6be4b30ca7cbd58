using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Protocol.Core.Retry;
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
    private readonly OutagePolicy _outages;
    private long _range;

    // Backfill ranges fetched and decoded ahead while the current one is written, in block order: two, so
    // that the node serialises one answer while the indexer parses the other and PostgreSQL writes a third.
    private const int PrefetchDepth = 2;
    private readonly List<(long From, long To, Task<Fetched> Range)> _prefetch = [];

    /// <summary>An indexer for <paramref name="options"/>; <paramref name="clock"/> is the clock outage waits run on (the system's when null).</summary>
    public ChainIndexer(IndexerOptions options, NpgsqlDataSource dataSource, HttpClient http, ILogger<ChainIndexer> logger, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _outages = new OutagePolicy(options.OutageBackoffCap, clock, IsDatabaseOutage);
        _dataSource = dataSource;
        _logger = logger;
        _rpc = new ChainRpc(http, new Uri(options.RpcUrl), options.RpcTimeout, options.RpcAttempts, logger);
        _store = new EventStore(dataSource);
        _decoder = new LogDecoder(options.MarketAddress, options.RegistryAddress);
        _addresses = [options.MarketAddress.ToLowerInvariant(), options.RegistryAddress.ToLowerInvariant()];
        _range = options.InitialBlockRange;
    }

    /// <summary>Completes when <see cref="RunAsync"/> or <see cref="SyncToHeadAsync"/> first reaches the head.</summary>
    public Task CaughtUp => _caughtUp.Task;

    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Events written since start.</summary>
    public long EventsIndexed { get; private set; }

    /// <summary>eth_getLogs ranges split since start (provider errors or oversized answers).</summary>
    public long RangeSplits { get; private set; }

    /// <summary>Reorgs undone since start.</summary>
    public long Reorgs { get; private set; }

    /// <summary>Outage retries since start: steps that failed because the chain or the database was unreachable.</summary>
    public long OutageRetries { get; private set; }

    /// <summary>
    /// Applies migrations, then indexes until cancelled. A failure at start (wrong URL, missing database) is fatal; an
    /// outage after that (the RPC or the database unreachable, by the <see cref="OutagePolicy"/> the node uses too) is
    /// ridden out: the step is retried with a doubling wait capped at <see cref="IndexerOptions.OutageBackoffCap"/>,
    /// logged once per wait, for as long as it lasts.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var outage = _outages.Track();
        while (!cancellationToken.IsCancellationRequested)
        {
            bool atHead;
            try
            {
                atHead = await StepAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (_outages.IsOutage(e, cancellationToken))
            {
                DropPrefetch(); // fetched from a chain that may have moved on while it was away
                var delay = outage.Failed();
                OutageRetries++;
                IndexerMetrics.OutageRetries.Inc();
                Log.Outage(_logger, outage.Failures, e.GetBaseException().Message, delay);
                await _outages.WaitAsync(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (outage.Recovered() is { } recovered)
            {
                Log.Recovered(_logger, recovered.Lasted, recovered.Failures);
            }

            if (atHead)
            {
                _caughtUp.TrySetResult();
                await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The indexer's own outages besides the RPC's (<see cref="OutagePolicy.IsOutage"/>): transient database errors,
    /// and any database error caused by a broken connection.
    /// </summary>
    private static bool IsDatabaseOutage(Exception e) =>
        e is NpgsqlException n && (n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException);

    /// <summary>Applies migrations and indexes up to the current head (tests and one-shot backfills).</summary>
    public async Task SyncToHeadAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        while (!await StepAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        _caughtUp.TrySetResult();
    }

    // Applies the migrations while the first backfill ranges are already being fetched (from the stored
    // checkpoint, or from StartBlock in a database without one): on a cold start the two take about as
    // long, and each leaves the other core idle. A checkpoint that turns out reorganised drops the ranges.
    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var head = _rpc.BlockNumberAsync(cancellationToken);
        var checkpoint = await _store.CheckpointIfAnyAsync(cancellationToken).ConfigureAwait(false);
        var next = (checkpoint?.Number ?? _options.StartBlock - 1) + 1;
        Log.Starting(_logger, next, _options.MarketAddress, _options.RegistryAddress);
        var safe = await head.ConfigureAwait(false) - _options.ReorgDepth;
        if (next <= safe)
        {
            var to = Math.Min(safe, next + _range - 1);
            _prefetch.Add((next, to, FetchAsync(next, to, cancellationToken)));
            Prefetch(to, safe, cancellationToken);
        }

        try
        {
            await Migrator.MigrateAsync(_dataSource, _logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            DropPrefetch();
            throw;
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
    // one holds about 80% of MaxLogsPerRequest (at most twice the last range); a provider error halves it.
    // An answer over MaxLogsPerRequest is split at a block boundary without being fetched again: the first
    // part is written now, the rest next. The next ranges are fetched and decoded while this one is written.
    private async Task BackfillAsync(long from, long to, long head, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var safe = head - _options.ReorgDepth;
        var fetch = TakePrefetch(from, safe, ref to) ?? FetchAsync(from, to, cancellationToken);
        Prefetch(to, safe, cancellationToken);
        Fetched fetched;
        while (true)
        {
            try
            {
                fetched = await fetch.ConfigureAwait(false);
                break;
            }
            catch (RpcException e) when (to > from)
            {
                DropPrefetch(); // sized like the refused range, and no longer adjacent to the shorter one
                _range = Math.Max(1, (to - from + 1) / 2);
                RangeSplits++;
                Log.SplitRange(_logger, from, to, e.Message, _range);
                to = from + _range - 1;
                fetch = FetchAsync(from, to, cancellationToken);
            }
        }

        if (fetched.Events.Count > _options.MaxLogsPerRequest && to > from)
        {
            var (first, remainder) = await SplitAsync(fetched, from, to, cancellationToken).ConfigureAwait(false);
            _range = Math.Clamp(DensityRange(to - from + 1, fetched.Events.Count), 1, to - from);
            RangeSplits++;
            Log.SplitRange(_logger, from, to, $"{fetched.Events.Count} logs", first.End.Number - from + 1);
            _prefetch.Insert(0, (first.End.Number + 1, to, Task.FromResult(remainder)));
            (fetched, to) = (first, first.End.Number);
        }
        else
        {
            _range = Math.Clamp(DensityRange(to - from + 1, fetched.Events.Count), 1, Math.Min(_options.MaxBlockRange, Math.Max(_range, to - from + 1) * 2));
        }

        Prefetch(to, safe, cancellationToken);
        await _store.WriteBatchAsync(fetched.Events, [fetched.End], fetched.End, pruneBelow: head - _options.ReorgDepth - 1, cancellationToken).ConfigureAwait(false);
        EventsIndexed += fetched.Events.Count;
        Log.Batch(_logger, from, to, fetched.Events.Count, watch.ElapsedMilliseconds, _range, head);
    }

    // One backfill range, decoded, and its last block's header (asked for together with the logs: the header
    // is cheap, and waiting for it behind the next range's logs cost a fifth of the run).
    private sealed record Fetched(List<DecodedEvent> Events, BlockHeader End);

    private async Task<Fetched> FetchAsync(long from, long to, CancellationToken cancellationToken)
    {
        var header = _rpc.BlockAsync(to, cancellationToken);
        var logs = _rpc.LogsAsync(from, to, _addresses, cancellationToken);
        await Task.WhenAll(header, logs).ConfigureAwait(false);
        var end = header.Result ?? throw new InvalidOperationException($"block {to} vanished while backfilling");
        return new Fetched(await DecodeAsync(logs.Result, cancellationToken).ConfigureAwait(false), end);
    }

    // An oversized range in two: its first blocks up to MaxLogsPerRequest events (at least its first block,
    // however many that holds), with that part's last header fetched, and the rest.
    private async Task<(Fetched First, Fetched Remainder)> SplitAsync(Fetched fetched, long from, long to, CancellationToken cancellationToken)
    {
        var last = Math.Clamp(fetched.Events[_options.MaxLogsPerRequest].BlockNumber - 1, from, to - 1);
        var count = fetched.Events.FindIndex(e => e.BlockNumber > last) is var i and >= 0 ? i : fetched.Events.Count;
        var end = await _rpc.BlockAsync(last, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"block {last} vanished while backfilling");
        return (new Fetched(fetched.Events[..count], end), new Fetched(fetched.Events[count..], fetched.End));
    }

    // Blocks that should hold about 80% of MaxLogsPerRequest, at the density of the last answer.
    private long DensityRange(long blocks, int logs) => (long)Math.Min(long.MaxValue / 2, blocks * 0.8 * _options.MaxLogsPerRequest / Math.Max(1, logs));

    // Starts fetching the ranges after `to` (up to PrefetchDepth of them, none beyond `safe`), sized by the
    // density known now; started before the current range has arrived, so that the pipeline is full from
    // the first range on (an answer that turns out oversized is split, not fetched again).
    private void Prefetch(long to, long safe, CancellationToken cancellationToken)
    {
        for (var end = _prefetch.Count > 0 ? _prefetch[^1].To : to; _prefetch.Count < PrefetchDepth && end + 1 <= safe; end = _prefetch[^1].To)
        {
            var nextTo = Math.Min(safe, end + _range);
            _prefetch.Add((end + 1, nextTo, FetchAsync(end + 1, nextTo, cancellationToken)));
        }
    }

    // The first prefetched range when it starts at `from` and ends at or below `safe` (it then sets `to`: it
    // may be shorter or longer than asked for); otherwise every prefetched range is dropped (failures
    // observed) and the caller fetches afresh.
    private Task<Fetched>? TakePrefetch(long from, long safe, ref long to)
    {
        if (_prefetch is [var first, ..] && first.From == from && first.To <= safe)
        {
            _prefetch.RemoveAt(0);
            to = first.To;
            return first.Range;
        }

        DropPrefetch();
        return null;
    }

    private void DropPrefetch()
    {
        foreach (var dropped in _prefetch)
        {
            _ = dropped.Range.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        _prefetch.Clear();
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
