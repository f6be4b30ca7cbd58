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
        catch (OracleCommandException e)
        {
            return await FailAsync(e.Message, e.ExitCode).ConfigureAwait(false);
        }
        catch (SmartContractCustomErrorRevertException e)
        {
            return await FailAsync("the contract would revert, so this transaction was not sent: " + RevertExplanation.Describe(e.ExceptionEncodedData), 1).ConfigureAwait(false);
        }
        catch (SmartContractRevertException e)
        {
            return await FailAsync("the contract would revert, so this transaction was not sent: " + e.RevertMessage, 1).ConfigureAwait(false);
        }
        catch (TransactionFailedException e)
        {
            return await FailAsync($"{e.Message}: the chain changed between the check and the transaction; run `fmp oracle status` and try again", 1).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            return await FailAsync(e.Message, 2).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException e)
        {
            return await FailAsync(e.Message, 2).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            return await FailAsync(e.Message, 2).ConfigureAwait(false);
        }
        catch (RpcClientUnknownException e)
        {
            return await FailAsync($"RPC request failed: {e.Message} ({e.InnerException?.Message})", 1).ConfigureAwait(false);
        }
    }

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync("Error: " + message).ConfigureAwait(false);
        return exitCode;
    }
}
