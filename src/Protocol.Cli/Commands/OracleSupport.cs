using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;
using Nethereum.JsonRpc.Client;
using Protocol.Core.Contracts;

namespace Protocol.Cli.Commands;

/// <summary>A refusal or a failure with a message that says what to do; nothing (more) was sent.</summary>
internal sealed class OracleCommandException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>How an error names a path the user gave: a relative one also says where it was looked for.</summary>
internal static class GivenPath
{
    /// <summary>"; looked for /full/path" where <paramref name="given"/> is relative (read from the current folder), else "".</summary>
    public static string Tried(string given) => Path.IsPathFullyQualified(given) ? "" : $"; looked for {Path.GetFullPath(given)}";
}

/// <summary>Turns every expected failure into one line on stderr and an exit code (1 refused or reverted, 2 bad options).</summary>
internal static class OracleGuard
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (Explain(e) is { } failure)
        {
            return await FailAsync(failure.Message, failure.ExitCode).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The one-line message and exit code of an expected failure (a refusal, a revert named with its arguments, a bad
    /// value), or null for a bug. The curator app answers its page with the same message a command prints.
    /// </summary>
    public static (string Message, int ExitCode)? Explain(Exception e) => e switch
    {
        OracleCommandException o => (o.Message, o.ExitCode),
        SmartContractCustomErrorRevertException r => ("the contract would revert, so this transaction was not sent: " + RevertExplanation.Describe(r.ExceptionEncodedData), 1),
        SmartContractRevertException r => ("the contract would revert, so this transaction was not sent: " + r.RevertMessage, 1),
        TransactionFailedException t => ($"{t.Message}: the chain changed between the check and the transaction; run `fmp oracle status` and try again", 1),
        FormatException or UnauthorizedAccessException or InvalidDataException => (e.Message, 2),
        RpcClientUnknownException r => ($"RPC request failed: {r.Message} ({r.InnerException?.Message})", 1),
        _ => null,
    };

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync("Error: " + message).ConfigureAwait(false);
        return exitCode;
    }
}
