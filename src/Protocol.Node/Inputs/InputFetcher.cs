using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Protocol.Node.Inputs;

/// <summary>What a fetch produced: the bytes, or why there are none (a reason fit for the metrics file).</summary>
public sealed record FetchResult(byte[]? Bytes, string? Failure)
{
    public bool Succeeded => Bytes is not null;
}

/// <summary>
/// Downloads inputs from <c>file://</c>, <c>http(s)://</c> and <c>ipfs://</c> URIs with a size limit, a
/// timeout and retries for transient failures. It never throws for anything a URI or a server can do:
/// every failure comes back as a reason, so one bad input cannot crash a node.
/// </summary>
public sealed partial class InputFetcher(HttpClient http, FetchOptions options, ILogger<InputFetcher> logger)
{
    public async Task<FetchResult> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return Fail($"malformed URI: {Shorten(uri)}");
        }

        return parsed.Scheme switch
        {
            "file" => await ReadFileAsync(parsed, cancellationToken).ConfigureAwait(false),
            "http" or "https" => await DownloadAsync(parsed, cancellationToken).ConfigureAwait(false),
            "ipfs" => await FetchIpfsAsync(uri, cancellationToken).ConfigureAwait(false),
            _ => Fail($"unsupported URI scheme \"{parsed.Scheme}\" (file, http, https, ipfs)"),
        };
    }

    private async Task<FetchResult> ReadFileAsync(Uri uri, CancellationToken cancellationToken)
    {
        string path;
        try
        {
            path = Path.GetFullPath(uri.LocalPath);
        }
        catch (ArgumentException)
        {
            return Fail("malformed file path");
        }

        var allowed = options.FileRoots.Select(r => Path.GetFullPath(r).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar);
        if (!allowed.Any(root => path.StartsWith(root, StringComparison.Ordinal)))
        {
            return Fail(options.FileRoots.Count == 0 ? "file URIs are disabled on this node" : $"file outside the allowed folders: {path}");
        }

        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail($"file not found: {path}");
            }

            if (info.Length > options.MaxBytes)
            {
                return Fail($"larger than {options.MaxBytes} bytes ({info.Length})");
            }

            return new FetchResult(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"cannot read {path}: {e.Message}");
        }
    }

    private Task<FetchResult> FetchIpfsAsync(string uri, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.IpfsGateway))
        {
            return Task.FromResult(Fail("ipfs URIs need an IPFS gateway, and none is configured"));
        }

        var rest = uri["ipfs://".Length..];
        var cid = rest.Split('/', 2)[0];
        if (!CidPattern().IsMatch(cid))
        {
            return Task.FromResult(Fail($"not an IPFS CID: {Shorten(cid)}"));
        }

        return DownloadAsync(new Uri(options.IpfsGateway.TrimEnd('/') + "/" + rest), cancellationToken);
    }

    private async Task<FetchResult> DownloadAsync(Uri uri, CancellationToken cancellationToken)
    {
        string failure = "";
        for (var attempt = 1; attempt <= options.Attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << (attempt - 2))), cancellationToken).ConfigureAwait(false);
            }

            var (bytes, problem, transient) = await DownloadOnceAsync(uri, cancellationToken).ConfigureAwait(false);
            if (bytes is not null)
            {
                return new FetchResult(bytes, null);
            }

            failure = problem!;
            if (!transient)
            {
                break;
            }

            NodeLog.FetchRetry(logger, uri.ToString(), attempt, options.Attempts, failure);
        }

        return Fail(failure);
    }

    private async Task<(byte[]? Bytes, string? Problem, bool Transient)> DownloadOnceAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var code = (int)response.StatusCode;
                if (code is >= 300 and < 400)
                {
                    return (null, $"redirected too many times (HTTP {code} from {uri.Host})", false);
                }

                return (null, $"HTTP {code} from {uri.Host}", code >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests);
            }

            if (response.Content.Headers.ContentLength > options.MaxBytes)
            {
                return (null, $"larger than {options.MaxBytes} bytes ({response.Content.Headers.ContentLength})", false);
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > options.MaxBytes)
                {
                    return (null, $"larger than {options.MaxBytes} bytes", false);
                }

                buffer.Write(chunk, 0, read);
            }

            return (buffer.ToArray(), null, false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"timed out after {options.Timeout.TotalSeconds:0.#} s", true);
        }
        catch (HttpRequestException e)
        {
            return (null, $"cannot reach {uri.Host}: {e.GetBaseException().Message}", true);
        }
        catch (IOException e)
        {
            return (null, $"connection to {uri.Host} broke: {e.Message}", true);
        }
    }

    private static FetchResult Fail(string reason) => new(null, reason);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    // CIDv0 (Qm + 44 base58) or CIDv1 in base32 (b + lower-case base32).
    [GeneratedRegex("^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{20,})$")]
    private static partial Regex CidPattern();
}
