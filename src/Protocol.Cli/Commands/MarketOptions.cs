using System.Globalization;
using System.Numerics;

namespace Protocol.Cli.Commands;

/// <summary>The option checks the commands on one market share (exit 2, naming the option to fix).</summary>
internal static class MarketOptions
{
    /// <summary>Every option in <paramref name="required"/> is given; <c>--rpc</c> is an http(s) URL; returns <c>--market-id</c>.</summary>
    public static BigInteger Check(string command, string? rpc, string? marketId, params (string? Value, string Option)[] required)
    {
        foreach (var (value, option) in required)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new OracleCommandException($"{option} is required ({command} --help)", 2);
            }
        }

        if (!Uri.TryCreate(rpc, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new OracleCommandException($"--rpc \"{rpc}\" is not an http(s) URL such as http://127.0.0.1:8545", 2);
        }

        if (!BigInteger.TryParse(marketId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id.IsZero)
        {
            throw new OracleCommandException($"--market-id \"{marketId}\" is not a market id (1, 2, …)", 2);
        }

        return id;
    }
}
