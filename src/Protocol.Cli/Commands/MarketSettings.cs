using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Client;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

/// <summary>
/// Where a market lives: the chain, the FeedbackMarket contract and the market's id. Each option falls back to an
/// environment variable (FMP_RPC, FMP_MARKET, FMP_MARKET_ID), so a guide can set them once.
/// </summary>
public class MarketSettings : CommandSettings
{
    [CommandOption("--rpc <URL>")]
    [Description("JSON-RPC endpoint of the chain (or FMP_RPC).")]
    public string? Rpc { get; init; }

    [CommandOption("--market <ADDRESS>")]
    [Description("The FeedbackMarket contract (or FMP_MARKET; deployments/<chainId>.json \"market\").")]
    public string? Market { get; init; }

    [CommandOption("--market-id <ID>")]
    [Description("The market's id (or FMP_MARKET_ID; default: the latest market).")]
    public string? MarketId { get; init; }

    [CommandOption("--start-block <BLOCK>")]
    [Description("Block the market contract was deployed in, where its events are read from (default 0).")]
    public long StartBlock { get; init; }

    internal string RpcUrl => Pick(Rpc, "FMP_RPC") switch
    {
        null => throw new RefusalException("--rpc is required: the chain's JSON-RPC URL, e.g. http://127.0.0.1:8545 (or set FMP_RPC)", RefusalCode.InvalidInput),
        var url when Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" => url,
        var url => throw new RefusalException($"--rpc \"{url}\" is not an http(s) URL such as http://127.0.0.1:8545", RefusalCode.InvalidInput),
    };

    internal string MarketAddress => Pick(Market, "FMP_MARKET") switch
    {
        null => throw new RefusalException("--market is required: the FeedbackMarket's address (deployments/<chainId>.json \"market\"; or set FMP_MARKET)", RefusalCode.InvalidInput),
        var a when Nethereum.Util.AddressUtil.Current.IsValidEthereumAddressHexFormat(a) => a,
        var a => throw new RefusalException($"--market \"{a}\" is not an address (0x and 40 hex digits)", RefusalCode.InvalidInput),
    };

    /// <summary>The id asked for, or null for "the latest".</summary>
    internal BigInteger? Id => Pick(MarketId, "FMP_MARKET_ID") is not { } text
        ? null
        : BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !id.IsZero
            ? id
            : throw new RefusalException($"--market-id \"{text}\" is not a market id (1, 2, …)", RefusalCode.InvalidInput);

    private protected static string? Pick(string? option, string variable) =>
        !string.IsNullOrWhiteSpace(option) ? option.Trim() : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v.Trim() : null;
}

/// <summary>A market and the key that acts in it (a Web3 Secret Storage file unlocked by a password file).</summary>
public class MarketKeySettings : MarketSettings
{
    [CommandOption("-k|--keystore <FILE>")]
    [Description("Web3 Secret Storage file of the key (or FMP_KEYSTORE; fmp keys new, or cast/geth).")]
    public string? Keystore { get; init; }

    [CommandOption("-p|--password-file <FILE>")]
    [Description("File holding the keystore password (or FMP_PASSWORD_FILE).")]
    public string? PasswordFile { get; init; }

    internal (string Keystore, string PasswordFile) KeyFiles()
    {
        var keystore = Pick(Keystore, "FMP_KEYSTORE") ?? throw new RefusalException("--keystore is required: the key's Web3 Secret Storage file (fmp keys new creates one; or set FMP_KEYSTORE)", RefusalCode.InvalidInput);
        var password = Pick(PasswordFile, "FMP_PASSWORD_FILE") ?? throw new RefusalException("--password-file is required: the file holding the keystore's password (or set FMP_PASSWORD_FILE)", RefusalCode.InvalidInput);
        foreach (var (file, option) in new[] { (keystore, "--keystore"), (password, "--password-file") })
        {
            if (!File.Exists(file))
            {
                throw new RefusalException($"{option} {file}: no such file{GivenPath.Tried(file)}", RefusalCode.InvalidInput);
            }
        }

        return (Path.GetFullPath(keystore), Path.GetFullPath(password));
    }
}
