using Microsoft.Extensions.Logging.Abstractions;
using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Client.Fetching;

/// <summary>
/// Fetches what a market names by URI the way an oracle node does (file, http(s), ipfs with FMP_IPFS_GATEWAY), so a
/// command can check that a file is published, byte for byte, before a transaction makes it count.
/// </summary>
public static class CommittedFiles
{
    /// <summary>The one client every fetch of this process shares (sockets are pooled).</summary>
    public static readonly HttpClient Http = new();

    /// <summary>
    /// The file at <paramref name="uri"/> checked against <paramref name="committed"/> (<see cref="CommittedFetch.PlainAsync"/>)
    /// by a fetcher for the user's machine: two tries, 20 s each.
    /// </summary>
    public static Task<CommittedFile> PlainAsync(string uri, Bytes32 committed, CancellationToken cancellationToken) =>
        CommittedFetch.PlainAsync(Fetcher(Http, new FetchOptions { Attempts = 2, Timeout = TimeSpan.FromSeconds(20) }), uri, committed, cancellationToken);

    /// <summary>
    /// A fetcher for the user's own machine: the caller reads for itself (and checks a hash), so file URIs may name any
    /// local file; ipfs through FMP_IPFS_GATEWAY.
    /// </summary>
    public static InputFetcher Fetcher(HttpClient http, FetchOptions? options = null)
    {
        options ??= new FetchOptions();
        options.FileRoots.Add(Path.GetPathRoot(Path.GetFullPath("."))!);
        options.IpfsGateway = Environment.GetEnvironmentVariable("FMP_IPFS_GATEWAY") ?? "";
        return new InputFetcher(http, options, NullLogger<InputFetcher>.Instance);
    }

    /// <summary>
    /// The items file (task pool or gold set) a market committed to: plain, or bundled with its features file for a
    /// committed-features spec (<paramref name="uriField"/> names both; the features are streamed and hashed on disk, as
    /// they may be gigabytes). Throws naming the URIs and hashes, followed by <paramref name="advice"/>, on any mismatch.
    /// </summary>
    public static async Task<byte[]> ItemsAsync(string uriField, Bytes32 committed, bool bundle, string what, string advice, CancellationToken cancellationToken)
    {
        try
        {
            return await ItemsAsync(uriField, committed, bundle, what, cancellationToken).ConfigureAwait(false);
        }
        catch (RefusalException e)
        {
            throw new RefusalException($"{e.Message}: {advice}", e.Code, e);
        }
    }

    private static async Task<byte[]> ItemsAsync(string uriField, Bytes32 committed, bool bundle, string what, CancellationToken cancellationToken)
    {
        // A features file may be gigabytes: it gets the fetcher's default time, a plain file 20 s.
        var fetcher = Fetcher(Http, new FetchOptions { Attempts = 2 });
        var featuresPath = Path.Combine(fetcher.ScratchRoot, $"fmp-{Guid.NewGuid():N}.download");
        try
        {
            var found = bundle
                ? await CommittedFetch.BundleAsync(fetcher, uriField, committed, featuresPath, cancellationToken).ConfigureAwait(false)
                : await PlainAsync(uriField, committed, cancellationToken).ConfigureAwait(false);
            var (itemsUri, featuresUri) = FeatureBinding.SplitUri(uriField) ?? (uriField, "");
            return found.Failure switch
            {
                CommittedFailure.None => found.Bytes!,
                CommittedFailure.NotABundle => throw new RefusalException($"the {what} {found.Detail}", RefusalCode.Mismatch),
                CommittedFailure.Unavailable => throw new RefusalException($"cannot fetch {what} from {(bundle ? itemsUri : uriField)}: {found.Fetch!.Failure}", RefusalCode.Unreachable),
                CommittedFailure.FeaturesUnavailable => throw new RefusalException($"cannot fetch {what} features from {featuresUri}: {found.Detail}", RefusalCode.Unreachable),
                _ when bundle => throw new RefusalException($"{itemsUri} with its features {featuresUri} gives the bundle hash keccak256(abi.encode({found.ItemsHash}, {found.FeaturesHash})) = {found.Actual}, not the {what} the market committed to ({committed})", RefusalCode.Mismatch),
                _ => throw new RefusalException($"{uriField} is not the {what} the market committed to ({committed}, got {found.Actual})", RefusalCode.Mismatch),
            };
        }
        finally
        {
            File.Delete(featuresPath);
        }
    }

    /// <summary>
    /// A file of an oracle's published report (<c>&lt;reports&gt;/reports/&lt;market&gt;/&lt;round&gt;/&lt;file&gt;</c>, the node's
    /// Node:ReportsPort), with its URL for messages.
    /// </summary>
    public static async Task<(byte[] Bytes, Uri Url)> ReportFileAsync(Uri reports, System.Numerics.BigInteger marketId, uint round, string file, CancellationToken cancellationToken)
    {
        var (bytes, url) = await OptionalReportFileAsync(reports, marketId, round, file, cancellationToken).ConfigureAwait(false);
        return (bytes ?? throw new RefusalException($"cannot fetch {url}: 404 (Not Found); check --reports (the oracle's Node:ReportsPort and ReportsAddress)", RefusalCode.NotFound), url);
    }

    /// <summary>A published report file that may be absent (HTTP 404): null then, an error for anything else.</summary>
    public static async Task<(byte[]? Bytes, Uri Url)> OptionalReportFileAsync(Uri reports, System.Numerics.BigInteger marketId, uint round, string file, CancellationToken cancellationToken)
    {
        var url = new Uri(reports, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/reports/{marketId}/{round}/{file}"));
        try
        {
            return (await Http.GetByteArrayAsync(url, cancellationToken).ConfigureAwait(false), url);
        }
        catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (null, url);
        }
        catch (HttpRequestException e)
        {
            throw new RefusalException($"cannot fetch {url}: {e.Message}; check --reports (the oracle's Node:ReportsPort and ReportsAddress)", RefusalCode.Unreachable);
        }
    }

    /// <summary>An oracle's leaves.json of the round, refused unless its root is the one the market accepted.</summary>
    public static async Task<(System.Text.Json.JsonDocument Leaves, Uri Url)> AcceptedLeavesAsync(Uri reports, System.Numerics.BigInteger marketId, uint round, Bytes32 accepted, CancellationToken cancellationToken)
    {
        var (bytes, url) = await ReportFileAsync(reports, marketId, round, "leaves.json", cancellationToken).ConfigureAwait(false);
        System.Text.Json.JsonDocument document;
        Bytes32 root;
        try
        {
            document = System.Text.Json.JsonDocument.Parse(bytes);
            root = Bytes32.Parse(document.RootElement.GetProperty("root").GetString()!);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new RefusalException($"{url} is not a report's leaves file ({e.Message}); check --reports", RefusalCode.Mismatch);
        }

        if (root != accepted)
        {
            document.Dispose();
            throw new RefusalException($"{url} is a report with root {root}, but the market accepted {accepted}: that oracle's report was not the one accepted; use another oracle's --reports", RefusalCode.Mismatch);
        }

        return (document, url);
    }

    /// <summary>Null when <paramref name="uri"/> serves exactly the bytes hashed <paramref name="hash"/>; else what is wrong.</summary>
    public static async Task<string?> ProblemAsync(string uri, Bytes32 hash, string what, CancellationToken cancellationToken)
    {
        var found = await PlainAsync(uri, hash, cancellationToken).ConfigureAwait(false);
        return found.Failure switch
        {
            CommittedFailure.None => null,
            CommittedFailure.Unavailable => $"cannot fetch {what} from {uri}: {found.Fetch!.Failure}",
            _ => $"{uri} serves {found.Bytes!.Length} bytes with keccak256 {found.Actual}, not the {what} ({hash})",
        };
    }
}
