using Microsoft.Extensions.Logging;

namespace Protocol.Indexer;

/// <summary>The indexer's log messages (source-generated: structured, allocation-free when disabled).</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} failed (attempt {Attempt}/{Attempts}): {Error}; retrying in {Delay}")]
    public static partial void RpcRetry(ILogger logger, string method, int attempt, int attempts, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexed blocks {From}–{To}: {Events} events in {Milliseconds} ms (range {Range}, head {Head})")]
    public static partial void Batch(ILogger logger, long from, long to, int events, long milliseconds, long range, long head);

    [LoggerMessage(Level = LogLevel.Warning, Message = "eth_getLogs for {From}–{To} failed or was oversized ({Reason}); splitting to {Range} blocks")]
    public static partial void SplitRange(ILogger logger, long from, long to, string reason, long range);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reorg: block {Block} is now {ChainHash}, indexed as {IndexedHash}; rolled back to common ancestor {Ancestor} ({Depth} blocks)")]
    public static partial void Reorg(ILogger logger, long block, string chainHash, string indexedHash, long ancestor, long depth);

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexer starting at block {Block} for market {Market} and registry {Registry}")]
    public static partial void Starting(ILogger logger, long block, string market, string registry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration}")]
    public static partial void Migrated(ILogger logger, string migration);

    [LoggerMessage(Level = LogLevel.Error, Message = "Inconsistent: {Subject}.{Field} is {Indexed} in the database but {OnChain} on chain")]
    public static partial void Inconsistent(ILogger logger, string subject, string field, string indexed, string onChain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chain or database unreachable (failure {Failures} in a row): {Error}; retrying in {Delay}")]
    public static partial void Outage(ILogger logger, int failures, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reachable again after {Duration} ({Failures} failed attempts); indexing resumes")]
    public static partial void Recovered(ILogger logger, TimeSpan duration, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consistency check: the database equals the chain at its checkpoint")]
    public static partial void Consistent(ILogger logger);
}
