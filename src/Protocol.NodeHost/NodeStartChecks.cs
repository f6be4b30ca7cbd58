using System.Numerics;
using Protocol.Client;
using Protocol.Client.Chain;
using Protocol.Node;
using Protocol.ServiceDefaults;

namespace Protocol.NodeHost;

/// <summary>
/// What <c>fmp node run</c> checks before it starts watching: the RPC answers, and the market address holds the
/// market contract (with a registry behind it). Otherwise a node would run for ever watching nothing, its jobs green.
/// </summary>
public static class NodeStartChecks
{
    private static readonly ConnectionSources Sources = new(Option(nameof(NodeOptions.RpcUrl)), Option(nameof(NodeOptions.MarketAddress)));

    /// <summary>An option as the node's messages name it, from its one declaration on NodeOptions: "Node:MetricsPort (--metrics-port)".</summary>
    internal static string Option(string key) => OptionFlags.Label(typeof(NodeOptions), "Node", key);

    /// <summary>The chain id, or the problem (naming the URL or the address and the option to fix).</summary>
    public static async Task<(BigInteger ChainId, string? Problem)> ChainAsync(NodeOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var chain = await ChainConnection.ConnectAsync(options.RpcUrl, options.MarketAddress, cancellationToken, Sources).ConfigureAwait(false);
            return (chain.ChainId, null);
        }
        catch (RefusalException e)
        {
            return (0, e.Message);
        }
    }
}
