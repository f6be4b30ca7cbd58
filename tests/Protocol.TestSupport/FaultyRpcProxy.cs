using System.Net;
using Protocol.DevChain;

namespace Protocol.TestSupport;

/// <summary>
/// A JSON-RPC proxy on a free loopback port in front of a real node that misbehaves now and then, from a
/// fixed seed: it answers 500, cuts the response body short, or stalls past the client's timeout. The
/// node behind it is real; only the faults are made up (a flaky provider cannot be produced on demand).
/// </summary>
public sealed class FaultyRpcProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new();
    private readonly Uri _target;
    private readonly Random _random;
    private readonly double _faultRate;
    private readonly TimeSpan _stall;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private int _faults;
    private int _requests;
    private int _rangeRefusals;

    public FaultyRpcProxy(string targetUrl, double faultRate, TimeSpan stall, int seed = 7)
    {
        _target = new Uri(targetUrl);
        _random = new Random(seed);
        _faultRate = faultRate;
        _stall = stall;
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort.Next();
            try
            {
                _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 3)
            {
                _listener.Prefixes.Clear();
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>Requests answered with a fault so far.</summary>
    public int Faults => Volatile.Read(ref _faults);

    /// <summary>
    /// While set, every request's connection is dropped without an answer, as when the provider is down (its port
    /// cannot be closed and reopened reliably under a running HttpListener).
    /// </summary>
    public bool Down
    {
        get => Volatile.Read(ref _down);
        set => Volatile.Write(ref _down, value);
    }

    private bool _down;

    /// <summary>Requests seen so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>
    /// When set, <c>eth_getLogs</c> over more blocks than this is refused with a JSON-RPC error, as hosted
    /// providers do (anvil itself has no such limit).
    /// </summary>
    public long? MaxLogRange { get; init; }

    /// <summary><c>eth_getLogs</c> requests refused for their range so far.</summary>
    public int RangeRefusals => Volatile.Read(ref _rangeRefusals);

    /// <summary>The block ranges of the <c>eth_getLogs</c> requests seen so far (those by block number), in arrival order.</summary>
    public IReadOnlyList<(long From, long To)> LogRanges
    {
        get
        {
            lock (_logRanges)
            {
                return [.. _logRanges];
            }
        }
    }

    private readonly List<(long From, long To)> _logRanges = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
        _upstream.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    // The block range of an eth_getLogs by block numbers, else null.
    private static (long From, long To)? LogRange(byte[] request)
    {
        using var json = System.Text.Json.JsonDocument.Parse(request);
        var root = json.RootElement;
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object || root.GetProperty("method").GetString() != "eth_getLogs"
            || !root.GetProperty("params")[0].TryGetProperty("fromBlock", out var from) || !root.GetProperty("params")[0].TryGetProperty("toBlock", out var to)
            || from.GetString() is not ['0', 'x', ..] || to.GetString() is not ['0', 'x', ..])
        {
            return null;
        }

        return (Convert.ToInt64(from.GetString(), 16), Convert.ToInt64(to.GetString(), 16));
    }

    // Records the range of an eth_getLogs by block numbers; its error answer when it spans more than
    // MaxLogRange blocks, else null.
    private byte[]? RecordAndRefuseRange(byte[] request)
    {
        if (LogRange(request) is not { } range)
        {
            return null;
        }

        lock (_logRanges)
        {
            _logRanges.Add(range);
        }

        if (MaxLogRange is not { } max || range.To - range.From + 1 <= max)
        {
            return null;
        }

        using var json = System.Text.Json.JsonDocument.Parse(request);
        return System.Text.Encoding.UTF8.GetBytes(
            $"{{\"jsonrpc\":\"2.0\",\"id\":{json.RootElement.GetProperty("id").GetRawText()},\"error\":{{\"code\":-32005,\"message\":\"query exceeds max block range {max}\"}}}}");
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Down)
        {
            context.Response.Abort();
            return;
        }

        double roll;
        lock (_random)
        {
            roll = _random.NextDouble();
        }

        try
        {
            using var request = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(request).ConfigureAwait(false);
            if (RecordAndRefuseRange(request.ToArray()) is { } refusal)
            {
                Interlocked.Increment(ref _rangeRefusals);
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = refusal.Length;
                await context.Response.OutputStream.WriteAsync(refusal).ConfigureAwait(false);
                context.Response.Close();
                return;
            }

            using var body = new ByteArrayContent(request.ToArray());
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var upstream = await _upstream.PostAsync(_target, body).ConfigureAwait(false);
            var bytes = await upstream.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var fault = roll < _faultRate ? (int)(roll / _faultRate * 3) : -1;
            if (fault >= 0)
            {
                Interlocked.Increment(ref _faults);
            }

            switch (fault)
            {
                case 0:
                    context.Response.StatusCode = 500;
                    break;
                case 1:
                    bytes = bytes[..(bytes.Length / 2)]; // a body cut short
                    break;
                case 2:
                    await Task.Delay(_stall).ConfigureAwait(false);
                    break;
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or HttpRequestException)
        {
            context.Response.Abort(); // the client went away (timed out) or the proxy is stopping
        }
    }
}
