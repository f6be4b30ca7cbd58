using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Protocol.Client.Fetching;

/// <summary>What a fetch produced: the bytes, or why there are none (a reason fit for the metrics file).</summary>
/// <param name="Bytes">The content, or null.</param>
/// <param name="Failure">Why there is none.</param>
/// <param name="Missing">
/// The URI names nothing the publisher could have meant (HTTP 404 or 410, no such file, a malformed URI, an unsupported
/// scheme, not an IPFS CID): the publisher's fault, the same for every node. False for outages, timeouts and this
/// node's own limits and settings.
/// </param>
public sealed record FetchResult(byte[]? Bytes, string? Failure, bool Missing = false)
{
    public bool Succeeded => Bytes is not null;
}

/// <summary>
/// Downloads inputs from <c>file://</c>, <c>http(s)://</c> and <c>ipfs://</c> URIs with a size limit, a
/// timeout and retries for transient failures, and reads <c>data:</c> URIs (RFC 2397), whose content is in the URI
/// itself and so on chain with the event that carries it: nobody can withhold it. It never throws for anything a URI or a server can do:
/// every failure comes back as a reason, so one bad input cannot crash a node.
/// </summary>
public sealed partial class InputFetcher(HttpClient http, FetchOptions options, ILogger<InputFetcher> logger)
{
    /// <summary>The limits this fetcher applies.</summary>
    public FetchOptions Options => options;

    /// <summary>The folder large inputs are streamed into (<see cref="FetchOptions.ScratchFolder"/>, else the system temp folder).</summary>
    public string ScratchRoot => string.IsNullOrEmpty(options.ScratchFolder) ? Path.GetTempPath() : Path.GetFullPath(options.ScratchFolder);

    public async Task<FetchResult> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        // Before Uri: System.Uri refuses strings over 65,519 characters, and a data URI carries the whole file.
        if (DataUri.IsDataUri(uri))
        {
            var (bytes, problem) = DataUri.Decode(uri, options.MaxBytes);
            return bytes is not null ? new FetchResult(bytes, null) : NotThere(problem!);
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return NotThere($"malformed URI: {Shorten(uri)}");
        }

        return parsed.Scheme switch
        {
            "file" => await ReadFileAsync(parsed, cancellationToken).ConfigureAwait(false),
            "http" or "https" => await DownloadAsync(parsed, cancellationToken).ConfigureAwait(false),
            "ipfs" => await FetchIpfsAsync(uri, cancellationToken).ConfigureAwait(false),
            _ => NotThere($"unsupported URI scheme \"{parsed.Scheme}\" (file, http, https, ipfs, data)"),
        };
    }

    private async Task<FetchResult> ReadFileAsync(Uri uri, CancellationToken cancellationToken)
    {
        var (path, failure) = AllowedFile(uri, options.MaxBytes);
        if (path is null)
        {
            return failure!.StartsWith(FileNotFound, StringComparison.Ordinal) ? NotThere(failure) : Fail(failure);
        }

        try
        {
            return new FetchResult(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>The local path a file URI names, when it lies in an allowed folder, exists and is within the size limit.</summary>
    private (string? Path, string? Failure) AllowedFile(Uri uri, long maxBytes)
    {
        string path;
        try
        {
            path = Path.GetFullPath(uri.LocalPath);
        }
        catch (ArgumentException)
        {
            return (null, "malformed file path");
        }

        var allowed = options.FileRoots.Select(r => Path.GetFullPath(r).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar);
        if (!allowed.Any(root => path.StartsWith(root, StringComparison.Ordinal)))
        {
            return (null, options.FileRoots.Count == 0 ? "file URIs are disabled on this node" : $"file outside the allowed folders: {path}");
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return (null, $"{FileNotFound}{path}");
        }

        return info.Length > maxBytes ? (null, $"larger than {maxBytes} bytes ({info.Length})") : (path, null);
    }

    private Task<FetchResult> FetchIpfsAsync(string uri, CancellationToken cancellationToken)
    {
        var (gatewayUri, failure) = IpfsGatewayUri(uri);
        if (gatewayUri is null)
        {
            return Task.FromResult(failure!.StartsWith(NotACid, StringComparison.Ordinal) ? NotThere(failure) : Fail(failure));
        }

        return DownloadAsync(gatewayUri, cancellationToken);
    }

    private (Uri? Uri, string? Failure) IpfsGatewayUri(string uri)
    {
        if (string.IsNullOrEmpty(options.IpfsGateway))
        {
            return (null, "ipfs URIs need an IPFS gateway, and none is configured");
        }

        var rest = uri["ipfs://".Length..];
        var cid = rest.Split('/', 2)[0];
        return CidPattern().IsMatch(cid) ? (new Uri(options.IpfsGateway.TrimEnd('/') + "/" + rest), null) : (null, $"{NotACid}{Shorten(cid)}");
    }

    private async Task<FetchResult> DownloadAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var failure = await DownloadToAsync(uri, buffer, options.MaxBytes, cancellationToken).ConfigureAwait(false);
        if (failure is null)
        {
            return new FetchResult(buffer.ToArray(), null);
        }

        // 404 and 410 are the server saying the publisher put nothing there; anything else may be the network.
        return failure.StartsWith("HTTP 404 ", StringComparison.Ordinal) || failure.StartsWith("HTTP 410 ", StringComparison.Ordinal)
            ? NotThere(failure)
            : Fail(failure);
    }

    /// <summary>Downloads into <paramref name="sink"/> (emptied before each attempt); the failure, or null.</summary>
    private async Task<string?> DownloadToAsync(Uri uri, Stream sink, long maxBytes, CancellationToken cancellationToken)
    {
        string failure = "";
        for (var attempt = 1; attempt <= options.Attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << (attempt - 2))), cancellationToken).ConfigureAwait(false);
            }

            sink.SetLength(0);
            var (problem, transient) = await DownloadOnceAsync(uri, sink, maxBytes, cancellationToken).ConfigureAwait(false);
            if (problem is null)
            {
                return null;
            }

            failure = problem!;
            if (!transient)
            {
                break;
            }

            FetchRetry(logger, uri.ToString(), attempt, options.Attempts, failure);
        }

        return failure;
    }

    private async Task<(string? Problem, bool Transient)> DownloadOnceAsync(Uri uri, Stream sink, long maxBytes, CancellationToken cancellationToken)
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
                    return ($"redirected too many times (HTTP {code} from {uri.Host})", false);
                }

                return ($"HTTP {code} from {uri.Host}", code >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests);
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                return ($"larger than {maxBytes} bytes ({response.Content.Headers.ContentLength})", false);
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            return (await CopyLimitedAsync(body, sink, maxBytes, timeout.Token).ConfigureAwait(false), false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ($"timed out after {options.Timeout.TotalSeconds:0.#} s", true);
        }
        catch (HttpRequestException e)
        {
            return ($"cannot reach {uri.Host}: {e.GetBaseException().Message}", true);
        }
        catch (IOException e)
        {
            return ($"connection to {uri.Host} broke: {e.Message}", true);
        }
    }

    /// <summary>
    /// Streams a large input (a features file) to <paramref name="path"/> under its own size limit, so memory stays
    /// bounded whatever the file's size (limit <see cref="FetchOptions.MaxFeaturesBytes"/>); the failure, or null.
    /// The caller hashes and reads the file afterwards.
    /// </summary>
    public async Task<string?> FetchToFileAsync(string uri, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var maxBytes = options.MaxFeaturesBytes;
        if (DataUri.IsDataUri(uri))
        {
            var (bytes, problem) = DataUri.Decode(uri, maxBytes);
            if (bytes is null)
            {
                return problem;
            }

            await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return $"malformed URI: {Shorten(uri)}";
        }

        await using var sink = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
        switch (parsed.Scheme)
        {
            case "file":
                var (local, failure) = AllowedFile(parsed, maxBytes);
                if (local is null)
                {
                    return failure;
                }

                try
                {
                    await using var source = File.OpenRead(local);
                    return await CopyLimitedAsync(source, sink, maxBytes, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return $"cannot read {local}: {e.Message}";
                }

            case "http" or "https":
                return await DownloadToAsync(parsed, sink, maxBytes, cancellationToken).ConfigureAwait(false);
            case "ipfs":
                var (gateway, problem) = IpfsGatewayUri(uri);
                return gateway is null ? problem : await DownloadToAsync(gateway, sink, maxBytes, cancellationToken).ConfigureAwait(false);
            default:
                return $"unsupported URI scheme \"{parsed.Scheme}\" (file, http, https, ipfs, data)";
        }
    }

    /// <summary>Copies until the end or the limit; the failure (over the limit), or null.</summary>
    private static async Task<string?> CopyLimitedAsync(Stream source, Stream sink, long maxBytes, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                return $"larger than {maxBytes} bytes";
            }

            await sink.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    private const string FileNotFound = "file not found: ", NotACid = "not an IPFS CID: ";

    private static FetchResult Fail(string reason) => new(null, reason);

    private static FetchResult NotThere(string reason) => new(null, reason, Missing: true);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    // CIDv0 (Qm + 44 base58) or CIDv1 in base32 (b + lower-case base32).
    [GeneratedRegex("^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{20,})$")]
    private static partial Regex CidPattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching {Uri} failed (attempt {Attempt}/{Attempts}): {Reason}")]
    private static partial void FetchRetry(ILogger logger, string uri, int attempt, int attempts, string reason);
}
