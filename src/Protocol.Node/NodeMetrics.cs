using Prometheus;

namespace Protocol.Node;

/// <summary>The node's Prometheus metrics (served on loopback by <c>fmp node run</c>; see docs/operators.md).</summary>
public static class NodeMetrics
{
    public static readonly Counter Jobs = Metrics.CreateCounter(
        "fmp_node_jobs_total", "Evaluation jobs finished, by outcome (attested, skipped, failed).", "outcome");

    public static readonly Histogram EvaluationSeconds = Metrics.CreateHistogram(
        "fmp_node_evaluation_seconds", "Wall time of one market evaluation (fetch, engine, files).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.25, 2, 12) });

    public static readonly Counter Trainings = Metrics.CreateCounter(
        "fmp_node_trainings_total", "Models trained by the evaluation engine.");

    public static readonly Counter Attestations = Metrics.CreateCounter(
        "fmp_node_attestations_total", "Attestation transactions this node sent.");

    public static readonly Counter Disagreements = Metrics.CreateCounter(
        "fmp_node_disagreements_total", "Digests attested by other oracles that differ from this node's for the same market and round.");

    public static readonly Gauge WalletBalance = Metrics.CreateGauge(
        "fmp_node_wallet_balance_eth", "Native balance of the oracle's address, in ether (it pays for attestations).");

    public static readonly Counter RpcOutageRetries = Metrics.CreateCounter(
        "fmp_node_rpc_outage_retries_total", "RPC requests sent again because the chain's RPC was unreachable (connection refused or dropped, timeouts).");
}
