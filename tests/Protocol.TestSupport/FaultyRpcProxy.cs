using System.Net;

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

    /// <summary>Requests seen so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

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

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        double roll;
        lock (_random)
        {
            roll = _random.NextDouble();
        }

        try
        {
            using var body = new StreamContent(context.Request.InputStream);
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
