using System.ComponentModel;
using System.Globalization;
using Protocol.NodeHost;
using Protocol.ServiceDefaults;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary>
/// <c>fmp node run</c>: the oracle node. Settings come from the options file (section <c>Node</c>), then
/// <c>FMP_Node__*</c> environment variables, then these flags; <see cref="OracleNodeHost"/> validates them, unlocks the
/// key and runs the node.
/// </summary>
public sealed class NodeRunCommand : AsyncCommand<NodeRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("JSON options file with a \"Node\" section (see docs/operators.md).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--rpc <URL>")]
        [Description("Node:RpcUrl, the chain's JSON-RPC endpoint (http:// or https://).")]
        public string? RpcUrl { get; init; }

        [CommandOption("--market <ADDRESS>")]
        [Description("Node:MarketAddress, the FeedbackMarket contract (deployments/<chainId>.json).")]
        public string? MarketAddress { get; init; }

        [CommandOption("--start-block <N>")]
        [Description("Node:StartBlock, the block the market was deployed in: logs are read from there (default 0).")]
        public long? StartBlock { get; init; }

        [CommandOption("--max-log-range <N>")]
        [Description("Node:MaxLogRange, most blocks in one eth_getLogs request (default 10000; halved when refused).")]
        public long? MaxLogRange { get; init; }

        [CommandOption("--db <CONNECTION>")]
        [Description("Node:ConnectionString, the node's own PostgreSQL database (jobs, signing ledger).")]
        public string? ConnectionString { get; init; }

        [CommandOption("-k|--keystore <FILE>")]
        [Description("Node:Keystore, the oracle key's Web3 Secret Storage file.")]
        public string? Keystore { get; init; }

        [CommandOption("-p|--password-file <FILE>")]
        [Description("Node:PasswordFile, the file holding the keystore's password.")]
        public string? PasswordFile { get; init; }

        [CommandOption("--out <FOLDER>")]
        [Description("Node:OutputFolder, where scores, metrics and leaves files are published (default out/node).")]
        public string? OutputFolder { get; init; }

        [CommandOption("--scan-cron <CRON>")]
        [Description("Node:ScanCron, schedule of the scan for markets to evaluate (default \"* * * * *\"; six fields for seconds, e.g. \"*/5 * * * * *\").")]
        public string? ScanCron { get; init; }

        [CommandOption("--backend <BACKEND>")]
        [Description("Node:Backend: auto (default), cpu or cuda.")]
        public string? Backend { get; init; }

        [CommandOption("--metrics-port <PORT>")]
        [Description("Node:MetricsPort, loopback port of /metrics (default 9464; 0 turns it off).")]
        public int? MetricsPort { get; init; }

        [CommandOption("--dashboard-port <PORT>")]
        [Description("Node:DashboardPort, loopback port of the job dashboard /hangfire (default 9465; 0 turns it off).")]
        public int? DashboardPort { get; init; }

        [CommandOption("--reports-port <PORT>")]
        [Description("Node:ReportsPort, port that serves the published reports at /reports/<market>/<round>/ (default 9466; 0 turns it off).")]
        public int? ReportsPort { get; init; }

        [CommandOption("--reports-address <IP>")]
        [Description("Node:ReportsAddress, address the reports are served on (default 127.0.0.1; 0.0.0.0 publishes them).")]
        public string? ReportsAddress { get; init; }

        [CommandOption("--job-recovery-timeout <TIME>")]
        [Description("Node:JobRecoveryTimeout, how soon a dead process's job is picked up again (default 00:01:00).")]
        public string? JobRecoveryTimeout { get; init; }

        [CommandOption("--outage-backoff-cap <TIME>")]
        [Description("Node:OutageBackoffCap, longest wait between tries while the RPC is unreachable (default 00:00:30).")]
        public string? OutageBackoffCap { get; init; }

        [CommandOption("--dispute-budget <WEI>")]
        [Description("Node:DisputeBudget, most the node may have at stake in dispute bonds (open or lost), in token base units or as a percentage of its bond (default 10%; 0: watch and log only).")]
        public string? DisputeBudget { get; init; }

        [CommandOption("--retry-backoff <TIME>")]
        [Description("Node:RetryBackoff, first wait before a failed evaluation is tried again (default 00:01:00; doubles while the market is evaluated).")]
        public string? RetryBackoff { get; init; }

        [CommandOption("--retry-backoff-cap <TIME>")]
        [Description("Node:RetryBackoffCap, longest wait between two tries of a failed evaluation (default 00:10:00).")]
        public string? RetryBackoffCap { get; init; }

        [CommandOption("--log-format <FORMAT>")]
        public string LogFormat { get; init; } = "text";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var builder = ServiceBuilder.Create(settings.ConfigFile, "Node", new Dictionary<string, string?>
        {
            ["RpcUrl"] = settings.RpcUrl,
            ["MarketAddress"] = settings.MarketAddress,
            ["StartBlock"] = settings.StartBlock?.ToString(CultureInfo.InvariantCulture),
            ["MaxLogRange"] = settings.MaxLogRange?.ToString(CultureInfo.InvariantCulture),
            ["ConnectionString"] = settings.ConnectionString,
            ["Keystore"] = settings.Keystore,
            ["PasswordFile"] = settings.PasswordFile,
            ["OutputFolder"] = settings.OutputFolder,
            ["ScanCron"] = settings.ScanCron,
            ["Backend"] = settings.Backend,
            ["MetricsPort"] = settings.MetricsPort?.ToString(CultureInfo.InvariantCulture),
            ["DashboardPort"] = settings.DashboardPort?.ToString(CultureInfo.InvariantCulture),
            ["ReportsPort"] = settings.ReportsPort?.ToString(CultureInfo.InvariantCulture),
            ["ReportsAddress"] = settings.ReportsAddress,
            ["JobRecoveryTimeout"] = settings.JobRecoveryTimeout,
            ["OutageBackoffCap"] = settings.OutageBackoffCap,
            ["DisputeBudget"] = settings.DisputeBudget,
            ["RetryBackoff"] = settings.RetryBackoff,
            ["RetryBackoffCap"] = settings.RetryBackoffCap,
        }, settings.LogFormat);

        try
        {
            return await OracleNodeHost.RunAsync(builder, settings.ConfigFile, Console.Error, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a bug, not a refusal (those are answered above with their exit codes): the whole exception, so the log says where
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync("fmp node run stopped on an unexpected error: " + e).ConfigureAwait(false);
            return 1;
        }
    }
}
