using Microsoft.Extensions.Logging;
using Nethereum.JsonRpc.Client;
using Protocol.Core.Retry;

namespace Protocol.Node.Chain;

/// <summary>
/// Rides out an RPC outage for every request the node sends (scans, market reads, attestations) by the
/// <see cref="OutagePolicy"/> it shares with the indexer: a request that fails because the provider is unreachable
/// (connection refused or dropped, a timeout, an empty or garbled answer) is sent again after a doubling wait capped
/// at <see cref="NodeOptions.OutageBackoffCap"/>, for as long as the outage lasts, each failure logged once per wait
/// and counted in <c>fmp_node_rpc_outage_retries_total</c>. An answer that is a JSON-RPC error (a revert, a refused
/// range) is not an outage and is passed on at once. Waits end when <paramref name="stopping"/> is cancelled (the
/// node shuts down).
/// </summary>
public sealed class OutageRetry(OutagePolicy policy, ILogger logger, CancellationToken stopping) : RequestInterceptor
{
    /// <summary>
    /// A JSON-RPC client for <paramref name="url"/> whose transport turns an answer that is no JSON-RPC answer (an empty
    /// body, which Nethereum would fail on with a NullReferenceException) into an <see cref="HttpRequestException"/>
    /// naming the URL, so that <see cref="OutagePolicy.IsOutage"/> sees it for what it is.
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

    private Task<T> RetryAsync<T>(string method, Func<Task<T>> send) => policy.RetryAsync(
        send,
        (failures, e, delay) =>
        {
            Interlocked.Increment(ref _retries);
            NodeMetrics.RpcOutageRetries.Inc();
            NodeLog.RpcOutage(logger, method, failures, e.GetBaseException().Message, delay);
        },
        (lasted, failures) => NodeLog.RpcRecovered(logger, lasted, failures),
        stopping);
}
