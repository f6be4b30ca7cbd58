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

    public static readonly Counter Verdicts = Metrics.CreateCounter(
        "fmp_node_verdicts_total", "Verdicts this node signed that a market's sponsor inputs are unusable.");

    public static readonly Counter Disputes = Metrics.CreateCounter(
        "fmp_node_disputes_total", "Disputes this node opened against accepted reports whose digest differs from its own.");

    public static readonly Counter DisputesSkipped = Metrics.CreateCounter(
        "fmp_node_disputes_skipped_total", "Accepted reports this node disagreed with but did not dispute (the bond would exceed Node:DisputeBudget, or the wallet lacks it).");

    public static readonly Gauge DisputeBondsSpent = Metrics.CreateGauge(
        "fmp_node_dispute_bonds_spent", "Dispute bonds of this node at risk (disputes open) or lost, in token base units (counted against Node:DisputeBudget).");

    public static readonly Counter EquivocationsProven = Metrics.CreateCounter(
        "fmp_node_equivocations_proven_total", "Equivocation proofs this node submitted (an oracle signed two reports for one market and round).");

    public static readonly Gauge WalletBalance = Metrics.CreateGauge(
        "fmp_node_wallet_balance_eth", "Native balance of the oracle's address, in ether (it pays for attestations).");

    public static readonly Counter RpcOutageRetries = Metrics.CreateCounter(
        "fmp_node_rpc_outage_retries_total", "RPC requests sent again because the chain's RPC was unreachable (connection refused or dropped, timeouts).");

    public static readonly Counter PolicyRefusals = Metrics.CreateCounter(
        "fmp_node_policy_refusals_total", "Markets this node refused to evaluate and attest under Node:Policy, by rule.", "rule");

    public static readonly Counter EvaluationRetries = Metrics.CreateCounter(
        "fmp_node_evaluation_retries_total", "Failed evaluations enqueued again (inputs unreachable, or the bond was locked).");

    public static readonly Counter Settlements = Metrics.CreateCounter(
        "fmp_node_settlements_total", "Markets this node settled because its bond was locked behind them, by action (finalize, forfeit, cancel).", "action");
}
