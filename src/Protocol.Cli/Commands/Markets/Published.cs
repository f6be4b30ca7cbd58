using Microsoft.Extensions.Logging.Abstractions;
using Protocol.Core.Hashing;
using Protocol.Node.Inputs;

namespace Protocol.Cli.Commands;

/// <summary>
/// Fetches what a market names by URI the way an oracle node does (file, http(s), ipfs with FMP_IPFS_GATEWAY), so a
/// command can check that a file is published, byte for byte, before a transaction makes it count.
/// </summary>
internal static class Published
{
    private static readonly HttpClient Http = new();

    /// <summary>The bytes at <paramref name="uri"/>; throws with the URI and the reason when there are none.</summary>
    public static async Task<byte[]> FetchAsync(string uri, string what, CancellationToken cancellationToken)
    {
        var result = await Fetcher(Http, new FetchOptions { Attempts = 2, Timeout = TimeSpan.FromSeconds(20) }).FetchAsync(uri, cancellationToken).ConfigureAwait(false);
        return result.Bytes ?? throw new OracleCommandException($"cannot fetch {what} from {uri}: {result.Failure}");
    }

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

    /// <summary>Null when <paramref name="uri"/> serves exactly the bytes hashed <paramref name="hash"/>; else what is wrong.</summary>
    public static async Task<string?> ProblemAsync(string uri, Bytes32 hash, string what, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await FetchAsync(uri, what, cancellationToken).ConfigureAwait(false);
            var actual = Keccak.Hash(bytes);
            return actual == hash ? null : $"{uri} serves {bytes.Length} bytes with keccak256 {actual}, not the {what} ({hash})";
        }
        catch (OracleCommandException e)
        {
            return e.Message;
        }
    }
}
