using System.Text.RegularExpressions;

namespace Protocol.DevChain;

/// <summary>
/// Where fmp's services say they listen, read from their output in one place for the demo and the tests: a port asked
/// as 0 is the one the system picked, so the line is the only way to know it.
/// </summary>
public static partial class ListeningLines
{
    /// <summary><c>fmp serve</c>'s base URL, "http://127.0.0.1:PORT/".</summary>
    public static async Task<string> ServeAsync(CliProcess serve, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(serve);
        return (await serve.WaitForOutputAsync(Serve(), timeout).ConfigureAwait(false)).Groups[1].Value;
    }

    /// <summary><c>fmp api run</c>'s base URL, "http://127.0.0.1:PORT".</summary>
    public static async Task<string> ApiAsync(CliProcess api, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(api);
        return (await api.WaitForOutputAsync(Api(), timeout).ConfigureAwait(false)).Groups[1].Value;
    }

    /// <summary>
    /// <c>fmp node run</c>'s endpoints, from its start line ("…; metrics URL, job dashboard URL, reports URL; publishing
    /// to …", OracleNodeHost); null for one turned off.
    /// </summary>
    public static async Task<NodeEndpoints> NodeAsync(CliProcess node, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(node);
        var m = await node.WaitForOutputAsync(Node(), timeout).ConfigureAwait(false);
        static Uri? At(string s) => s == "off" ? null : new Uri(s);
        return new NodeEndpoints(At(m.Groups[1].Value), At(m.Groups[2].Value), At(m.Groups[3].Value));
    }

    [GeneratedRegex(@" read-only at (http://127\.0\.0\.1:[0-9]+/)")]
    private static partial Regex Serve();

    [GeneratedRegex(@"analyst API and dashboard at (http://[^ ,]+)")]
    private static partial Regex Api();

    [GeneratedRegex(@"; metrics (\S+), job dashboard (\S+), reports (\S+);")]
    private static partial Regex Node();
}

/// <summary>Where a started node listens: its Prometheus endpoint, job dashboard and published reports (null: off).</summary>
public sealed record NodeEndpoints(Uri? Metrics, Uri? Dashboard, Uri? Reports);
