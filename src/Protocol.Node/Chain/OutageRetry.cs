using Microsoft.Extensions.Logging;
using Nethereum.JsonRpc.Client;

namespace Protocol.Node.Chain;

/// <summary>
/// Rides out an RPC outage for every request the node sends (scans, market reads, attestations): a request that
/// fails because the provider is unreachable (connection refused or dropped, a timeout, an empty or garbled answer)
/// is sent again after a doubling wait capped at <see cref="NodeOptions.OutageBackoffCap"/>, for as long as the
/// outage lasts, each failure logged once per wait and counted in <c>fmp_node_rpc_outage_retries_total</c>. An
/// answer that is a JSON-RPC error (a revert, a refused range) is not an outage and is passed on at once. Waits end
/// when <paramref name="stopping"/> is cancelled (the node shuts down).
/// </summary>
public sealed class OutageRetry(TimeSpan cap, ILogger logger, CancellationToken stopping) : RequestInterceptor
{
    /// <summary>
    /// A JSON-RPC client for <paramref name="url"/> whose transport turns an answer that is no JSON-RPC answer (an empty
    /// body, which Nethereum would fail on with a NullReferenceException) into an <see cref="HttpRequestException"/>
    /// naming the URL, so that <see cref="IsOutage"/> sees it for what it is.
    /// </summary>
    public static Nethereum.JsonRpc.Client.RpcClient Client(string url)
    {
#pragma warning disable CA2000 // the HttpClient owns the handlers and lives as long as the node
        var http = new HttpClient(new EmptyAnswerCheck(new SocketsHttpHandler()));
#pragma warning restore CA2000
        return new Nethereum.JsonRpc.Client.RpcClient(new Uri(url), http);
    }

    private sealed class EmptyAnswerCheck(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode && response.Content.Headers.ContentLength is 0 or null && (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)).Length == 0)
            {
                response.Dispose();
                throw new HttpRequestException($"{request.RequestUri} answered HTTP 200 with an empty body");
            }

            return response;
        }
    }

    /// <summary>Requests sent again because the RPC was unreachable, since start.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    private long _retries;

    public override async Task<object> InterceptSendRequestAsync<T>(Func<RpcRequest, string, Task<T>> interceptedSendRequestAsync, RpcRequest request, string? route = null)
    {
        ArgumentNullException.ThrowIfNull(interceptedSendRequestAsync);
        ArgumentNullException.ThrowIfNull(request);
        return (await RetryAsync(request.Method, () => interceptedSendRequestAsync(request, route!)).ConfigureAwait(false))!;
    }

    public override async Task<object> InterceptSendRequestAsync<T>(Func<string, string, object[], Task<T>> interceptedSendRequestAsync, string method, string? route = null, params object[] paramList)
    {
        ArgumentNullException.ThrowIfNull(interceptedSendRequestAsync);
        return (await RetryAsync(method, () => interceptedSendRequestAsync(method, route!, paramList)).ConfigureAwait(false))!;
    }

    public override Task InterceptSendRequestAsync(Func<RpcRequest, string, Task> interceptedSendRequestAsync, RpcRequest request, string? route = null)
    {
        ArgumentNullException.ThrowIfNull(interceptedSendRequestAsync);
        ArgumentNullException.ThrowIfNull(request);
        return RetryAsync(request.Method, async () => { await interceptedSendRequestAsync(request, route!).ConfigureAwait(false); return true; });
    }

    public override Task InterceptSendRequestAsync(Func<string, string, object[], Task> interceptedSendRequestAsync, string method, string? route = null, params object[] paramList)
    {
        ArgumentNullException.ThrowIfNull(interceptedSendRequestAsync);
        return RetryAsync(method, async () => { await interceptedSendRequestAsync(method, route!, paramList).ConfigureAwait(false); return true; });
    }

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row: 1, 2, 4 … seconds, at most <paramref name="cap"/>.</summary>
    public static TimeSpan Backoff(int failures, TimeSpan cap) =>
        TimeSpan.FromSeconds(Math.Min(cap.TotalSeconds, Math.Pow(2, Math.Clamp(failures - 1, 0, 20))));

    private async Task<T> RetryAsync<T>(string method, Func<Task<T>> send)
    {
        var failures = 0;
        var started = DateTime.UtcNow;
        while (true)
        {
            try
            {
                var result = await send().ConfigureAwait(false);
                if (failures > 0)
                {
                    NodeLog.RpcRecovered(logger, DateTime.UtcNow - started, failures);
                }

                return result;
            }
            catch (Exception e) when (IsOutage(e) && !stopping.IsCancellationRequested)
            {
                failures++;
                Interlocked.Increment(ref _retries);
                NodeMetrics.RpcOutageRetries.Inc();
                var delay = Backoff(failures, cap);
                NodeLog.RpcOutage(logger, method, failures, e.GetBaseException().Message, delay);
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
        }
    }

    /// <summary>"Unreachable for now", not "wrong": connection errors, timeouts, empty or cut answers. JSON-RPC errors are answers.</summary>
    public static bool IsOutage(Exception e) => e switch
    {
        RpcResponseException => false,
        RpcClientTimeoutException or HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException
            or TaskCanceledException or Newtonsoft.Json.JsonException or System.Text.Json.JsonException => true,
        _ => e.InnerException is { } inner && IsOutage(inner),
    };
}
