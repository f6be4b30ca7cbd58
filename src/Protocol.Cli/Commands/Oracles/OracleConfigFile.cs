using System.Globalization;
using Microsoft.Extensions.Configuration;
using Protocol.Client;
using Protocol.Client.Chain;
using Protocol.Client.Oracles;
using Protocol.Client.Signing;
using Protocol.Node;

namespace Protocol.Cli.Commands.Oracles;

/// <summary>
/// The <c>fmp oracle</c> commands' account: the chain, market and key named in the node's options file, opened through
/// the library; each transaction is printed as it lands.
/// </summary>
internal static class OracleConfigFile
{
    public static async Task<OracleAccount> OpenAsync(string configFile, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(configFile);
        if (!File.Exists(path))
        {
            throw new RefusalException($"--config {configFile}: no such file (the node's options file, see docs/operators.md){GivenPath.Tried(configFile)}", RefusalCode.InvalidInput);
        }

        // Paths written in the file are read from the file's folder; paths from FMP_Node__* variables from the current one.
        var fromFile = new ConfigurationBuilder().AddJsonFile(path).Build().GetSection("Node");
        var merged = new ConfigurationBuilder().AddJsonFile(path).AddEnvironmentVariables("FMP_").Build().GetSection("Node");
        var options = merged.Get<NodeOptions>() ?? new NodeOptions();
        string Require(string key) => merged[key] is { Length: > 0 } value ? value : throw new RefusalException($"{configFile}: Node:{key} is missing", RefusalCode.InvalidInput);
        string PathOf(string key)
        {
            var value = Require(key);
            return Path.IsPathRooted(value) || value != fromFile[key] ? Path.GetFullPath(value) : Path.GetFullPath(value, Path.GetDirectoryName(path)!);
        }

        Require(nameof(NodeOptions.RpcUrl));
        Require(nameof(NodeOptions.MarketAddress));
        var keystore = PathOf(nameof(NodeOptions.Keystore));
        var passwordFile = PathOf(nameof(NodeOptions.PasswordFile));
        foreach (var (key, file) in new[] { ("Keystore", keystore), ("PasswordFile", passwordFile) })
        {
            if (!File.Exists(file))
            {
                throw new RefusalException($"{configFile}: Node:{key} {file} does not exist{(key == "Keystore" ? " (create a key with fmp keys new)" : "")}", RefusalCode.InvalidInput);
            }
        }

        var sources = new ConnectionSources($"{configFile}: Node:RpcUrl", $"{configFile}: Node:MarketAddress");
        var chain = await ChainConnection.ConnectAsync(options.RpcUrl, options.MarketAddress, cancellationToken, sources).ConfigureAwait(false);
        var signer = await Signer.FromKeystoreAsync(chain, keystore, passwordFile, cancellationToken).ConfigureAwait(false);
        signer.OnSent = sent => Console.Out.WriteLineAsync(sent.ToString());
        return await OracleAccount.OpenAsync(chain, signer).ConfigureAwait(false);
    }

    /// <summary>The line each command starts with: which key, chain, registry and bond token.</summary>
    public static void PrintHeader(OracleAccount s) =>
        Console.Out.WriteLine($"oracle {s.Address} on chain {s.Chain.ChainId.ToString(CultureInfo.InvariantCulture)}, registry {s.Registry}, bond token {s.Token.Symbol ?? "?"} {s.Token.Address}");
}
