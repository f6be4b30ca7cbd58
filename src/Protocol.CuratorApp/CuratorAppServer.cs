using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Protocol.Client;

namespace Protocol.CuratorApp;

/// <summary>The running app: its base URL, and the URL to open (the page with the session token in its fragment).</summary>
internal sealed class RunningApp(WebApplication app, string url, string token, IReadOnlyList<IDisposable> owned) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string Url { get; } = url;

    public string Token { get; } = token;

    /// <summary>What the curator opens: <c>http://127.0.0.1:PORT/#token=…</c> (a fragment never reaches a server or a log).</summary>
    public string PageUrl => $"{Url}/#token={Token}";

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        foreach (var o in owned)
        {
            o.Dispose();
        }
    }
}

/// <summary>
/// The curator app's web server: Kestrel on 127.0.0.1 only, the page's embedded files, and a small JSON API over one
/// <see cref="CuratorDesk"/>. Every API call passes the <see cref="SessionGuard"/>. Refusals answer with the same
/// message the commands print (400 for a bad value, 409 for what the market or the chain refuses).
/// </summary>
internal static class CuratorAppServer
{
    /// <summary>Starts serving on <c>127.0.0.1:<paramref name="port"/></c> (0: a free port); <paramref name="owned"/> (the desk and its logger factory) is disposed with the app.</summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<RunningApp> StartAsync(CuratorDesk desk, SessionGuard guard, int port, Action<ILoggingBuilder> logging, IReadOnlyList<IDisposable> owned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desk);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(logging);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        logging(builder.Logging);
        // One line per request is noise; a busy port is reported by the command in one line, not as a stack trace.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Protocol.CuratorApp");
        guard.Install(app);

        app.MapGet("/", (HttpResponse response) => AppAssets.Serve(null, response));
        app.MapGet("/{file}", (string file, HttpResponse response) => AppAssets.Serve(file, response));
        var api = app.MapGroup("/api");
        api.MapGet("/state", (HttpContext http, CancellationToken ct) => Answer(http, logger, async ct => Results.Json(await desk.StateAsync(ct).ConfigureAwait(false))));
        api.MapGet("/items", (HttpContext http, CancellationToken ct) => Answer(http, logger, _ =>
            Task.FromResult(Results.Json(desk.Items.Select(i => new ItemView(i.Id, i.Prompt, i.A, i.B))))));
        api.MapPost("/labels", (HttpContext http, CancellationToken ct) => Answer(http, logger, async ct =>
        {
            var choice = await BodyAsync<ChoiceRequest>(http, ct).ConfigureAwait(false);
            var id = choice.Id ?? throw new RefusalException("id is required: the item to label", RefusalCode.InvalidInput);
            var pref = choice.Pref ?? throw new RefusalException("pref is required: \"a\", \"b\" or \"skip\"", RefusalCode.InvalidInput);
            return Results.Json(await desk.Book.ChooseAsync(id, pref, ct).ConfigureAwait(false));
        }));
        api.MapPost("/undo", (HttpContext http, CancellationToken ct) => Answer(http, logger, async ct => Results.Json(await desk.Book.UndoAsync(ct).ConfigureAwait(false))));
        api.MapPost("/commit", (HttpContext http, CancellationToken ct) => Answer(http, logger, async ct =>
        {
            var stake = await BodyAsync<StakeRequest>(http, ct).ConfigureAwait(false);
            return Results.Json(await desk.CommitAsync(stake.Stake, ct).ConfigureAwait(false));
        }));
        api.MapPost("/reveal", (HttpContext http, CancellationToken ct) => Answer(http, logger, async ct => Results.Json(await desk.RevealAsync(ct).ConfigureAwait(false))));
        api.MapPost("/claim", (HttpContext http, CancellationToken ct) => Answer(http, logger, async ct => Results.Json(await desk.ClaimAsync(ct).ConfigureAwait(false))));
        api.MapFallback((HttpContext http) => Results.Json(new { error = $"no API {http.Request.Method} {http.Request.Path}" }, statusCode: StatusCodes.Status404NotFound));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        // The listening address as Kestrel bound it: with port 0 the system picked the port.
        var url = app.Urls.Single().TrimEnd('/');
        return new RunningApp(app, url, guard.Token, owned);
    }

    // Runs one API call: a refusal becomes {"error": message, "code": "WrongPhase"} with 400 (a bad value) or 409
    // (refused by the market's state), anything else a 500 whose details stay in the log.
    private static async Task<IResult> Answer(HttpContext http, ILogger logger, Func<CancellationToken, Task<IResult>> body)
    {
        try
        {
            return await body(http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (RefusalException.From(e) is { } refusal)
        {
            return Results.Json(
                new { error = refusal.Message, code = refusal.Code.ToString() },
                statusCode: refusal.IsCallersInput ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CuratorAppLog.Failed(logger, http.Request.Method, http.Request.Path, e);
            return Results.Json(new { error = $"the app failed: {e.Message} (details in the terminal that runs fmp curator app)" }, statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private static async Task<T> BodyAsync<T>(HttpContext http, CancellationToken cancellationToken)
        where T : class
    {
        // A JSON content type also makes any cross-origin sender ask first (a CORS preflight this app never answers).
        if (!http.Request.HasJsonContentType())
        {
            throw new RefusalException("the body must be JSON (Content-Type: application/json)", RefusalCode.InvalidInput);
        }

        try
        {
            return await http.Request.ReadFromJsonAsync<T>(cancellationToken).ConfigureAwait(false)
                ?? throw new RefusalException("the body is empty: a JSON object is expected", RefusalCode.InvalidInput);
        }
        catch (JsonException e)
        {
            throw new RefusalException($"the body is not the JSON object expected: {Core.Files.JsonErrors.Describe(e)}", RefusalCode.InvalidInput);
        }
    }
}
