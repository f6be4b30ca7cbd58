using System.Globalization;
using Protocol.DevChain;

namespace Protocol.Demo;

/// <summary>
/// The fmp commands as a sponsor or curator types them: one child process each, with the market's FMP_* variables
/// set; every command line and its output goes to logs/fmp.log.
/// </summary>
internal sealed class FmpCommands(string dll, string log)
{
    private readonly Lock _log = new();

    /// <summary>
    /// FMP_RPC, FMP_MARKET, FMP_PASSWORD_FILE and, once the market exists, FMP_MARKET_ID; and the workstation GC for a
    /// short command (fmp is built with the server GC for its long-lived services).
    /// </summary>
    public Dictionary<string, string> Environment { get; } = new() { ["DOTNET_gcServer"] = "0" };

    /// <summary>Runs the command; its output, or an exception with it when the exit status is not 0.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var (exit, output) = await TryAsync(arguments);
        return exit == 0 ? output : throw new InvalidOperationException($"fmp {string.Join(' ', arguments)} failed ({exit}):\n{output}");
    }

    public async Task<(int Exit, string Output)> TryAsync(params string[] arguments)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // The longest is fmp features embed of the whole data set on a laptop.
        var (exit, output) = await CliProcess.RunAsync(dll, arguments, TimeSpan.FromMinutes(20), new Dictionary<string, string>(Environment));
        lock (_log)
        {
            File.AppendAllText(log, string.Create(CultureInfo.InvariantCulture, $"$ fmp {string.Join(' ', arguments)}\n{output}(exit {exit}, {clock.Elapsed.TotalSeconds:0.0} s)\n\n"));
        }

        return (exit, output);
    }
}
