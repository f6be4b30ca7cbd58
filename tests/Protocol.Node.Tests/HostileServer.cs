using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>A loopback web server that serves label files the way careless or hostile hosts do.</summary>
public sealed class HostileServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private WebApplication? _app;

    public string Url { get; private set; } = "";

    /// <summary>While true, <c>/outage/{name}</c> answers 503 (the host is down); then it serves the file.</summary>
    public bool Down { get; set; }

    /// <summary>Serves <paramref name="bytes"/> at <c>/files/{name}</c>; returns the URL.</summary>
    public string Serve(string name, byte[] bytes)
    {
        _files[name] = bytes;
        return $"{Url}/files/{name}";
    }

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        Url = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Url);
        builder.Logging.ClearProviders(); // a request log per hostile case would drown the test output
        _app = builder.Build();
        _app.MapGet("/files/{name}", (string name) => _files.TryGetValue(name, out var b) ? Results.Bytes(b, "application/x-ndjson") : Results.NotFound());
        _app.MapGet("/ipfs/{cid}", (string cid) => _files.TryGetValue(cid, out var b) ? Results.Bytes(b) : Results.NotFound());
        _app.MapGet("/outage/{name}", (string name) => Down ? Results.StatusCode(503) : Results.Bytes(_files[name], "application/x-ndjson"));
        _app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        _app.MapGet("/flaky/{name}", (string name) =>
            _hits.AddOrUpdate(name, 1, (_, n) => n + 1) == 1 ? Results.StatusCode(503) : Results.Bytes(_files[name]));
        _app.MapGet("/slow-headers", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            return Results.Text("{}");
        });
        _app.MapGet("/slow-body", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/x-ndjson";
            for (var i = 0; i < 50 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.WriteAsync("{", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(200, context.RequestAborted);
            }
        });
        _app.MapGet("/endless", async (HttpContext context) =>
        {
            var chunk = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
            for (var i = 0; i < 1_000 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        _app.MapGet("/claims-huge", async (HttpContext context) =>
        {
            context.Response.Headers.ContentLength = 10L << 30; // headers promise 10 GiB; one byte comes
            await context.Response.Body.WriteAsync(new byte[1]);
            await context.Response.Body.FlushAsync();
        });
        _app.MapGet("/drop", (HttpContext context) =>
        {
            context.Abort(); // connection reset before any response
            return Task.CompletedTask;
        });
        _app.MapGet("/loop", (HttpContext context) => Results.Redirect("/loop"));
        _app.MapGet("/html", () => Results.Content("<html><body>Not found, but 200</body></html>", "text/html"));
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
