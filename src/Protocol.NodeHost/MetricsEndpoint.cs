using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Protocol.NodeHost;

/// <summary>
/// The node's Prometheus endpoint, <c>GET /metrics</c> on loopback: the default registry in the text format, served by
/// Kestrel rather than prometheus-net's own <see cref="MetricServer"/>, whose HttpListener cannot bind port 0 (a port
/// the system picks, which tests and several nodes on one machine use instead of racing for one picked beforehand).
/// </summary>
internal static class MetricsEndpoint
{
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<WebApplication> StartAsync(int port, CancellationToken cancellationToken)
    {
        var web = WebApplication.CreateSlimBuilder();
        web.WebHost.UseUrls($"http://127.0.0.1:{port}");
        web.Logging.ClearProviders();
        var app = web.Build();
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }
}
