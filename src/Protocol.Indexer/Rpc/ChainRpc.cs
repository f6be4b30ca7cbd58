using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Protocol.Core.Retry;

namespace Protocol.Indexer.Rpc;

/// <summary>A JSON-RPC error response, or a response that does not have the expected shape.</summary>
public sealed class RpcException(string method, int code, string message)
    : Exception($"{method}: RPC error {code}: {message}")
{
    public int Code { get; } = code;
}

/// <summary>
/// The few JSON-RPC calls the indexer makes, over plain HttpClient and System.Text.Json (the log
/// firehose is the hot path; Nethereum's Newtonsoft-based client is several times slower on it).
/// Transient failures (timeouts, connection errors, 5xx, malformed bodies) are retried with backoff;
/// JSON-RPC errors are returned to the caller, which decides (e.g. split an oversized range).
/// </summary>
public sealed class ChainRpc(HttpClient http, Uri endpoint, TimeSpan timeout, int attempts, ILogger logger)
{
    // Between two tries of one request: 100 ms, 200 ms … up to 5 s (the step counts as an outage after the last try).
    private static readonly Backoff RetryBackoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

    private long _id;

    // Answer buffers, shared by the requests in flight (a backfill has a few, of megabytes each; the shared
    // pool keeps arrays per thread, and async continuations return them on other threads than rented them).
    private readonly ArrayPool<byte> _buffers = ArrayPool<byte>.Create(maxArrayLength: 1 << 28, maxArraysPerBucket: 4);

    public async Task<long> BlockNumberAsync(CancellationToken cancellationToken) =>
        ParseQuantity((await CallAsync("eth_blockNumber", [], cancellationToken).ConfigureAwait(false))!.GetValue<string>());

    public async Task<BlockHeader?> BlockAsync(long number, CancellationToken cancellationToken)
    {
        var result = await CallAsync("eth_getBlockByNumber", [Quantity(number), false], cancellationToken).ConfigureAwait(false);
        return result is JsonObject block ? ToHeader(block) : null;
    }

    /// <summary>Logs of <paramref name="addresses"/> in blocks [from, to].</summary>
    public Task<List<RawLog>> LogsAsync(long from, long to, string[] addresses, CancellationToken cancellationToken)
    {
        var filter = new JsonObject { ["fromBlock"] = Quantity(from), ["toBlock"] = Quantity(to), ["address"] = new JsonArray([.. addresses.Select(a => (JsonNode)a)]) };
        return CallAsync("eth_getLogs", [filter], LogsResponse.Parse, cancellationToken);
    }

    /// <summary>Logs of one block by hash: consistent with that block even while the chain reorganises.</summary>
    public Task<List<RawLog>> LogsAsync(string blockHash, string[] addresses, CancellationToken cancellationToken)
    {
        var filter = new JsonObject { ["blockHash"] = blockHash, ["address"] = new JsonArray([.. addresses.Select(a => (JsonNode)a)]) };
        return CallAsync("eth_getLogs", [filter], LogsResponse.Parse, cancellationToken);
    }

    private Task<JsonNode?> CallAsync(string method, JsonNode?[] parameters, CancellationToken cancellationToken) =>
        CallAsync(method, parameters, Result, cancellationToken);

    // Reads the answer with `parse`, inside the retry loop: a malformed body is retried like a timeout.
    private async Task<T> CallAsync<T>(string method, JsonNode?[] parameters, Parser<T> parse, CancellationToken cancellationToken)
    {
        // Serialised once: the same request bytes are sent again on each retry.
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _id),
            ["method"] = method,
            ["params"] = new JsonArray(parameters),
        }.ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(request, parse, method, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && attempt < attempts)
            {
                var delay = RetryBackoff.After(attempt);
                Log.RpcRetry(logger, method, attempt, attempts, e.Message, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private delegate T Parser<out T>(ReadOnlySpan<byte> body, string method);

    // The body is read into a pooled buffer and parsed there: a backfill's answers are megabytes each, and
    // allocating one array per answer (as ReadAsByteArrayAsync does) kept the GC collecting the large object heap.
    private async Task<T> SendOnceAsync<T>(string request, Parser<T> parse, string method, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(request, System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = _buffers.Rent(response.Content.Headers.ContentLength is > 0 and < int.MaxValue - 1 and var length ? (int)length + 1 : 64 * 1024);
            var used = 0;
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(used), cts.Token).ConfigureAwait(false)) > 0)
                {
                    used += read;
                    if (used == buffer.Length)
                    {
                        var larger = _buffers.Rent(checked(buffer.Length * 2));
                        buffer.AsSpan(0, used).CopyTo(larger);
                        _buffers.Return(buffer);
                        buffer = larger;
                    }
                }

                return parse(buffer.AsSpan(0, used), method);
            }
            finally
            {
                _buffers.Return(buffer);
            }
        }
    }

    // The `result` of a small answer (block number, block header), through the DOM.
    private static JsonNode? Result(ReadOnlySpan<byte> body, string method)
    {
        var answer = (body.IsEmpty ? null : JsonNode.Parse(body) as JsonObject) ?? throw new JsonException($"{method}: empty response");
        if (answer["error"] is JsonObject error)
        {
            throw new RpcException(method, error["code"]?.GetValue<int>() ?? 0, error["message"]?.GetValue<string>() ?? "(no message)");
        }

        return answer.ContainsKey("result") ? answer["result"] : throw new JsonException($"{method}: response has neither result nor error");
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // our own per-request timeout
        HttpRequestException or JsonException or IOException => true,
        _ => false,
    };

    private static BlockHeader ToHeader(JsonObject block) => new(
        ParseQuantity(Str(block, "number")), Str(block, "hash").ToLowerInvariant(), Str(block, "parentHash").ToLowerInvariant(), ParseQuantity(Str(block, "timestamp")));

    private static string Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new JsonException($"missing or non-string field {name}");

    internal static string Quantity(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    internal static long ParseQuantity(string hex) =>
        hex.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(hex.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException($"not a hex quantity: {hex}");
}
