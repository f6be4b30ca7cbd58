using Microsoft.Extensions.Logging;

namespace Protocol.Cli;

internal static partial class CliLog
{
    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopped by an error")]
    public static partial void Fatal(ILogger logger, Exception exception);
}
