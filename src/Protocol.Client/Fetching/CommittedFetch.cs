using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Client.Fetching;

/// <summary>Why a committed file could not be had, if it could not (each caller decides whose fault that is).</summary>
public enum CommittedFailure
{
    /// <summary>The bytes are the ones committed to.</summary>
    None,

    /// <summary>A committed-features URI field does not name two files one space apart.</summary>
    NotABundle,

    /// <summary>The items file could not be fetched (<see cref="CommittedFile.Fetch"/> says why and whether it is missing).</summary>
    Unavailable,

    /// <summary>The features file could not be fetched (<see cref="CommittedFile.Detail"/> says why).</summary>
    FeaturesUnavailable,

    /// <summary>The files were fetched but hash to something else (<see cref="CommittedFile.Actual"/>).</summary>
    Mismatch,
}

/// <summary>
/// What fetching a committed file found: its bytes when they match, else the <see cref="Failure"/> with what is known
/// (the fetch result, the hashes the files gave).
/// </summary>
public sealed record CommittedFile(CommittedFailure Failure, byte[]? Bytes, Bytes32 ItemsHash = default, Bytes32? FeaturesHash = null, Bytes32 Actual = default, FetchResult? Fetch = null, string? Detail = null)
{
    public bool Matches => Failure == CommittedFailure.None;
}

/// <summary>
/// The one fetch-and-verify of a file a market committed to, used by the oracle node (which turns a failure into a
/// verdict or a retry) and by every client action (which turns it into a refusal): a plain file must hash to its
/// commitment; a committed-features bundle ("items-URI features-URI") must give
/// keccak256(abi.encode(keccak256(items), keccak256(features))), the features streamed to a file since they may be
/// gigabytes. It never throws for what a URI or a server can do.
/// </summary>
public static class CommittedFetch
{
    /// <summary>The file at <paramref name="uri"/>, if it hashes to <paramref name="committed"/>.</summary>
    public static async Task<CommittedFile> PlainAsync(InputFetcher fetcher, string uri, Bytes32 committed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        var fetched = await fetcher.FetchAsync(uri, cancellationToken).ConfigureAwait(false);
        if (!fetched.Succeeded)
        {
            return new CommittedFile(CommittedFailure.Unavailable, null, Fetch: fetched);
        }

        var actual = Keccak.Hash(fetched.Bytes);
        return new CommittedFile(actual == committed ? CommittedFailure.None : CommittedFailure.Mismatch, fetched.Bytes, actual, null, actual, fetched);
    }

    /// <summary>
    /// The items file of the bundle <paramref name="uriField"/> names, if it and its features file (left at
    /// <paramref name="featuresPath"/> for the caller to read or delete) give the bundle hash <paramref name="committed"/>.
    /// </summary>
    public static async Task<CommittedFile> BundleAsync(InputFetcher fetcher, string? uriField, Bytes32 committed, string featuresPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        if (FeatureBinding.SplitUri(uriField) is not var (itemsUri, featuresUri))
        {
            return new CommittedFile(CommittedFailure.NotABundle, null, Detail: $"the URI field \"{uriField}\" should name the file and its features file, one space apart (a committed-features market)");
        }

        var fetched = await fetcher.FetchAsync(itemsUri, cancellationToken).ConfigureAwait(false);
        if (!fetched.Succeeded)
        {
            return new CommittedFile(CommittedFailure.Unavailable, null, Fetch: fetched, Detail: itemsUri);
        }

        if (await fetcher.FetchToFileAsync(featuresUri, featuresPath, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return new CommittedFile(CommittedFailure.FeaturesUnavailable, null, Fetch: fetched, Detail: failure);
        }

        var itemsHash = Keccak.Hash(fetched.Bytes);
        var featuresHash = await Keccak.HashFileAsync(featuresPath, cancellationToken).ConfigureAwait(false);
        var actual = FeatureBinding.BundleHash(itemsHash, featuresHash);
        return new CommittedFile(actual == committed ? CommittedFailure.None : CommittedFailure.Mismatch, fetched.Bytes, itemsHash, featuresHash, actual, fetched);
    }
}
