using System.ComponentModel.DataAnnotations;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;

namespace Protocol.Node;

/// <summary>Configuration of an oracle node (section <c>Node</c> of the options file; <c>FMP_Node__*</c> environment variables).</summary>
public sealed class NodeOptions
{
    /// <summary>JSON-RPC endpoint of the chain.</summary>
    [Required]
    public string RpcUrl { get; set; } = "";

    /// <summary>The FeedbackMarket contract.</summary>
    [Required]
    [RegularExpression("^0x[0-9a-fA-F]{40}$", ErrorMessage = "MarketAddress must be 0x followed by 40 hex digits")]
    public string MarketAddress { get; set; } = "";

    /// <summary>Block the market contract was deployed in: logs are read from here (0: from genesis).</summary>
    [Range(0, long.MaxValue)]
    public long StartBlock { get; set; }

    /// <summary>Most blocks asked for in one <c>eth_getLogs</c> request (halved when the provider refuses a range).</summary>
    [Range(1, long.MaxValue)]
    public long MaxLogRange { get; set; } = 10_000;

    /// <summary>Where and how the node reads market logs (<see cref="StartBlock"/>, <see cref="MaxLogRange"/>).</summary>
    public LogWindow LogWindow => new(StartBlock, MaxLogRange);

    /// <summary>PostgreSQL database of this node: Hangfire's jobs, the equivocation ledger.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>Web3 Secret Storage file of the oracle key (<c>fmp keys new</c>).</summary>
    [Required]
    public string Keystore { get; set; } = "";

    /// <summary>File holding the keystore password.</summary>
    [Required]
    public string PasswordFile { get; set; } = "";

    /// <summary>Where the scores, metrics and leaves files are published (serve this folder).</summary>
    public string OutputFolder { get; set; } = "out/node";

    /// <summary>
    /// Cron schedule of the scan for markets to evaluate: five fields (once a minute by default), or six with seconds
    /// first (<c>*/5 * * * * *</c>, what the dev chain's node uses), which the node then honours to the second.
    /// </summary>
    public string ScanCron { get; set; } = "* * * * *";

    /// <summary>
    /// How often Hangfire looks for recurring jobs that are due: every second for a schedule with seconds, else every
    /// 15 s (Hangfire's default, which would round a six-field schedule up to 15 s).
    /// </summary>
    public TimeSpan SchedulePolling => ScanCron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(15);

    /// <summary>Evaluation backend: auto, cpu or cuda.</summary>
    [RegularExpression("^(auto|cpu|cuda)$", ErrorMessage = "Node:Backend (--backend) must be auto, cpu or cuda")]
    public string Backend { get; set; } = "auto";

    /// <summary>Loopback port of the Prometheus endpoint (<c>http://127.0.0.1:{port}/metrics</c>); 0 turns it off.</summary>
    [Range(0, 65535)]
    public int MetricsPort { get; set; } = 9464;

    /// <summary>Loopback port of the Hangfire dashboard (<c>http://127.0.0.1:{port}/hangfire</c>); 0 turns it off.</summary>
    [Range(0, 65535)]
    public int DashboardPort { get; set; } = 9465;

    /// <summary>
    /// Port that serves the published reports read-only (<c>http://{ReportsAddress}:{port}/reports/&lt;market&gt;/&lt;round&gt;/
    /// {scores.jsonl, metrics.jsonl, leaves.json, labels.jsonl, verdict.json}</c>), from which curators claim; 0 turns it off.
    /// </summary>
    [Range(0, 65535)]
    public int ReportsPort { get; set; } = 9466;

    /// <summary>Address the reports are served on: 127.0.0.1 (this machine, the default) or a public one (0.0.0.0 for all).</summary>
    [RegularExpression(@"^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)$", ErrorMessage = "Node:ReportsAddress (--reports-address) must be an IP address, e.g. 127.0.0.1 or 0.0.0.0")]
    public string ReportsAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// How soon a job whose process died (killed, crashed, machine lost) is picked up again. Running jobs
    /// keep extending it (Hangfire's sliding invisibility), so long evaluations are not run twice.
    /// </summary>
    public TimeSpan JobRecoveryTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Longest wait between two tries of an RPC request while the RPC is unreachable (the waits double from one
    /// second up to this; the node keeps trying for as long as the outage lasts).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Node:OutageBackoffCap (--outage-backoff-cap) must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan OutageBackoffCap { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most this node may have at stake in dispute bonds at once: bonds of disputes still open, and bonds lost to
    /// disputes the arbiter rejected (a bond refunded after an overturn or an expired dispute no longer counts). Either
    /// a whole number of token base units, or a percentage of this oracle's registry bond ("10%", the default, so that
    /// honest watching disputes out of the box at a scale that follows the operator's own stake). When a report this
    /// node disagrees with is accepted, it disputes it if the market's bond fits what is left and its wallet holds the
    /// bond; "0" watches and logs only. The node's address needs the tokens and some ether.
    /// </summary>
    [RegularExpression(@"^([0-9]{1,78}|([0-9]{1,3}(\.[0-9]{1,2})?)%)$", ErrorMessage = "Node:DisputeBudget (--dispute-budget) must be a whole number of token base units, e.g. 500000000000000000000, or a percentage of the oracle's bond, e.g. 10%")]
    public string DisputeBudget { get; set; } = "10%";

    /// <summary>
    /// First wait before an evaluation that failed (an input host down, a refused attestation) is tried again; the
    /// waits double up to <see cref="RetryBackoffCap"/>, and the node keeps trying for as long as the market is in
    /// its evaluation phase without an accepted report.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Node:RetryBackoff must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait between two tries of a failed evaluation (see <see cref="RetryBackoff"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Node:RetryBackoffCap must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan RetryBackoffCap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Which markets this node agrees to evaluate and attest (see <see cref="MarketPolicy"/>).</summary>
    public PolicyOptions Policy { get; set; } = new();

    /// <summary>Limits for fetching inputs.</summary>
    public FetchOptions Fetch { get; set; } = new();
}
