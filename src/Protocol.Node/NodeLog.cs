using Microsoft.Extensions.Logging;

namespace Protocol.Node;

internal static partial class NodeLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching {Uri} failed (attempt {Attempt}/{Attempts}): {Reason}")]
    public static partial void FetchRetry(ILogger logger, string uri, int attempt, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Submission of {Curator} is invalid: {Reason}")]
    public static partial void InvalidSubmission(ILogger logger, string curator, string reason);
}
