using System.Numerics;
using Microsoft.Extensions.Logging;

namespace Protocol.CuratorApp;

internal static partial class CuratorAppLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Curator app for {Curator} in market {MarketId}: {Items} items, labels in {LabelsFile}, listening on {Url}")]
    public static partial void Listening(ILogger logger, string curator, BigInteger marketId, int items, string labelsFile, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Function}: tx {Hash}, gas used {GasUsed}")]
    public static partial void Sent(ILogger logger, string function, string hash, long gasUsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} done for {Curator} in market {MarketId}: {Transactions} transaction(s)")]
    public static partial void Acted(ILogger logger, string action, BigInteger marketId, string curator, int transactions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Action} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string action, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    public static partial void Failed(ILogger logger, string method, string path, Exception exception);
}
