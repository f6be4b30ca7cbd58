using Microsoft.Extensions.Logging;

namespace Protocol.Cli;

internal static partial class CliLog
{
    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopped by an error")]
    public static partial void Fatal(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Oracle {Oracle} on chain {ChainId} ({Rpc}): market {Market}, backend {Backend}, metrics port {MetricsPort}, job dashboard port {DashboardPort}, publishing to {Output}")]
    public static partial void NodeStarting(ILogger logger, string oracle, System.Numerics.BigInteger chainId, string rpc, string market, string backend, int metricsPort, int dashboardPort, string output);
}
