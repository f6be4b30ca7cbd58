using Protocol.Client;

namespace Protocol.Cli.Commands;

/// <summary>Turns every expected failure into one line on stderr and an exit code: 2 for what the user must fix in the command line or its files, 1 for everything else.</summary>
internal static class CommandGuard
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (Explain(e) is { } failure)
        {
            await Console.Error.WriteLineAsync("Error: " + failure.Message).ConfigureAwait(false);
            return failure.ExitCode;
        }
    }

    /// <summary>
    /// The one-line message and exit code of an expected failure (the library's refusal, or a revert, RPC failure or
    /// bad value it stands for), or null for a bug. The curator app answers its page with the same message a command
    /// prints.
    /// </summary>
    public static (string Message, int ExitCode)? Explain(Exception e) =>
        RefusalException.From(e) is { } refusal ? (refusal.Message, refusal.IsCallersInput ? 2 : 1) : null;
}
