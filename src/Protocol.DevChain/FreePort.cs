using System.Net;
using System.Net.Sockets;

namespace Protocol.DevChain;

/// <summary>Free TCP ports on the loopback interface (never assume 8545 or 5432 is free).</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago; callers retry with another if the bind races.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
