using System.Globalization;
using Nethereum.KeyStore;
using Nethereum.KeyStore.Model;
using Nethereum.Signer;
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
    /// FMP_RPC, FMP_MARKET, FMP_PASSWORD_FILE and, once the market exists, FMP_MARKET_ID; and the .NET defaults for a
    /// short command (fmp is built for long-lived services: no tiered compilation, the server GC), which start it in
    /// about half the time.
    /// </summary>
    public Dictionary<string, string> Environment { get; } = new() { ["DOTNET_TieredCompilation"] = "1", ["DOTNET_gcServer"] = "0" };

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

    /// <summary>
    /// Writes <paramref name="key"/> as a keystore file. Demo keys of a throw-away chain, so a light scrypt cost
    /// (n = 2^12, not the standard 2^18 of fmp keys new, about a second an unlock): the demo runs some hundred fmp
    /// processes that each unlock one, and fmp reads any scrypt parameters.
    /// </summary>
    public static async Task<string> KeystoreAsync(string path, string password, EthECKey key)
    {
        var scrypt = new ScryptParams { N = 1 << 12, R = 8, P = 1, Dklen = 32 };
        await File.WriteAllTextAsync(path, new KeyStoreScryptService().EncryptAndGenerateKeyStoreAsJson(password, key.GetPrivateKeyAsBytes(), key.GetPublicAddress(), scrypt));
        return path;
    }
}
