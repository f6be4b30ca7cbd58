using System.ComponentModel.DataAnnotations;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;

namespace Protocol.Node;

/// <summary>Configuration of an oracle node (section <c>Node</c> of the options file; <c>FMP_Node__*</c> environment variables).</summary>
public sealed class NodeOptions
{
    [Display(ShortName = "--rpc", Prompt = "URL", Description = "the chain's JSON-RPC endpoint (http:// or https://).")]
    [Required]
    public string RpcUrl { get; set; } = "";

    [Display(ShortName = "--market", Prompt = "ADDRESS", Description = "the FeedbackMarket contract (deployments/<chainId>.json).")]
    [Required]
    [RegularExpression("^0x[0-9a-fA-F]{40}$", ErrorMessage = "MarketAddress must be 0x followed by 40 hex digits")]
    public string MarketAddress { get; set; } = "";

    [Display(ShortName = "--start-block", Prompt = "N", Description = "the block the market was deployed in: logs are read from there (default 0).")]
    [Range(0, long.MaxValue)]
    public long StartBlock { get; set; }

    [Display(ShortName = "--max-log-range", Prompt = "N", Description = "most blocks in one eth_getLogs request (default 10000; halved when the provider refuses a range).")]
    [Range(1, long.MaxValue)]
    public long MaxLogRange { get; set; } = 10_000;

    /// <summary>Where and how the node reads market logs (<see cref="StartBlock"/>, <see cref="MaxLogRange"/>).</summary>
    public LogWindow LogWindow => new(StartBlock, MaxLogRange);

    [Display(ShortName = "--db", Prompt = "CONNECTION", Description = "the node's own PostgreSQL database (jobs, signing ledger).")]
    [Required]
    public string ConnectionString { get; set; } = "";

    [Display(ShortName = "-k|--keystore", Prompt = "FILE", Description = "the oracle key's Web3 Secret Storage file (fmp keys new).")]
    [Required]
    public string Keystore { get; set; } = "";

    [Display(ShortName = "-p|--password-file", Prompt = "FILE", Description = "the file holding the keystore's password.")]
    [Required]
    public string PasswordFile { get; set; } = "";

    [Display(ShortName = "--out", Prompt = "FOLDER", Description = "where scores, metrics and leaves files are published (default out/node; serve this folder).")]
    public string OutputFolder { get; set; } = "out/node";

    [Display(ShortName = "--scan-cron", Prompt = "CRON", Description = "schedule of the scan for markets to evaluate: five fields (default \"* * * * *\", once a minute), or six with seconds first (\"*/5 * * * * *\"), honoured to the second.")]
    public string ScanCron { get; set; } = "* * * * *";

    /// <summary>
    /// How often Hangfire looks for recurring jobs that are due: every second for a schedule with seconds, else every
    /// 15 s (Hangfire's default, which would round a six-field schedule up to 15 s).
    /// </summary>
    public TimeSpan SchedulePolling => ScanCron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(15);

    [Display(ShortName = "--backend", Prompt = "BACKEND", Description = "evaluation backend: auto (default), cpu or cuda.")]
    [RegularExpression("^(auto|cpu|cuda)$", ErrorMessage = "Node:Backend (--backend) must be auto, cpu or cuda")]
    public string Backend { get; set; } = "auto";

    [Display(ShortName = "--metrics-port", Prompt = "PORT", Description = "loopback port of /metrics (default 9464; 0 picks a free port, named in the start line; -1 turns it off).")]
    [Range(-1, 65535, ErrorMessage = "Node:MetricsPort (--metrics-port) must be a port from 1 to 65535, 0 (a free port) or -1 (off)")]
    public int MetricsPort { get; set; } = 9464;

    [Display(ShortName = "--dashboard-port", Prompt = "PORT", Description = "loopback port of the job dashboard /hangfire (default 9465; 0 picks a free port, named in the start line; -1 turns it off).")]
    [Range(-1, 65535, ErrorMessage = "Node:DashboardPort (--dashboard-port) must be a port from 1 to 65535, 0 (a free port) or -1 (off)")]
    public int DashboardPort { get; set; } = 9465;

    [Display(ShortName = "--reports-port", Prompt = "PORT", Description = "port that serves the published reports at /reports/<market>/<round>/, from which curators claim (default 9466; 0 picks a free port, named in the start line; -1 turns it off).")]
    [Range(-1, 65535, ErrorMessage = "Node:ReportsPort (--reports-port) must be a port from 1 to 65535, 0 (a free port) or -1 (off)")]
    public int ReportsPort { get; set; } = 9466;

    [Display(ShortName = "--reports-address", Prompt = "IP", Description = "address the reports are served on (default 127.0.0.1; 0.0.0.0 publishes them).")]
    [RegularExpression(@"^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)$", ErrorMessage = "Node:ReportsAddress (--reports-address) must be an IP address, e.g. 127.0.0.1 or 0.0.0.0")]
    public string ReportsAddress { get; set; } = "127.0.0.1";

    [Display(ShortName = "--job-recovery-timeout", Prompt = "TIME", Description = "how soon a dead process's job is picked up again (default 00:01:00; running jobs keep extending it, so long evaluations are not run twice).")]
    public TimeSpan JobRecoveryTimeout { get; set; } = TimeSpan.FromMinutes(1);

    [Display(ShortName = "--outage-backoff-cap", Prompt = "TIME", Description = "longest wait between tries while the RPC is unreachable (default 00:00:30; the waits double from one second, for as long as the outage lasts).")]
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Node:OutageBackoffCap (--outage-backoff-cap) must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan OutageBackoffCap { get; set; } = TimeSpan.FromSeconds(30);

    [Display(ShortName = "--dispute-budget", Prompt = "WEI", Description = "most the node may have at stake in dispute bonds (open or lost), in token base units or as a percentage of its bond (default 10%; 0: watch and log only).")]
    [RegularExpression(@"^([0-9]{1,78}|([0-9]{1,3}(\.[0-9]{1,2})?)%)$", ErrorMessage = "Node:DisputeBudget (--dispute-budget) must be a whole number of token base units, e.g. 500000000000000000000, or a percentage of the oracle's bond, e.g. 10%")]
    public string DisputeBudget { get; set; } = "10%";

    [Display(ShortName = "--retry-backoff", Prompt = "TIME", Description = "first wait before a failed evaluation is tried again (default 00:01:00; doubles, for as long as the market is evaluated).")]
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Node:RetryBackoff must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMinutes(1);

    [Display(ShortName = "--retry-backoff-cap", Prompt = "TIME", Description = "longest wait between two tries of a failed evaluation (default 00:10:00).")]
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Node:RetryBackoffCap must be between 00:00:01 and 1.00:00:00")]
    public TimeSpan RetryBackoffCap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Which markets this node agrees to evaluate and attest (see <see cref="MarketPolicy"/>).</summary>
    public PolicyOptions Policy { get; set; } = new();

    /// <summary>Limits for fetching inputs.</summary>
    public FetchOptions Fetch { get; set; } = new();
}
