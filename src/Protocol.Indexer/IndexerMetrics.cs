using Prometheus;

namespace Protocol.Indexer;

/// <summary>The indexer's Prometheus metrics (default registry: served wherever the process exposes /metrics).</summary>
public static class IndexerMetrics
{
    /// <summary>Steps retried because the chain or the database was unreachable.</summary>
    public static readonly Counter OutageRetries = Metrics.CreateCounter("fmp_indexer_outage_retries_total", "Indexer steps retried because the chain RPC or the database was unreachable.");
}
