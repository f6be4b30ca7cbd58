using Protocol.Core.Hashing;

namespace Protocol.Core.Files;

/// <summary>
/// How a market on a committed-features spec commits to its features without a new contract field: the task pool's
/// <c>taskPoolHash</c> and the gold set's <c>goldHash</c> (inside the gold commitment) become
/// <c>keccak256(abi.encode(keccak256(jsonl), keccak256(features)))</c>, and the URI that names the file names both:
/// <c>"&lt;jsonl URI&gt; &lt;features URI&gt;"</c>, one space apart (a URI never holds a raw space).
/// </summary>
public static class FeatureBinding
{
    /// <summary>The hash a market commits to for a JSON Lines file and its features file.</summary>
    public static Bytes32 BundleHash(Bytes32 itemsHash, Bytes32 featuresHash) => new AbiWords().Bytes32(itemsHash).Bytes32(featuresHash).Keccak();

    /// <summary>The URI field of a bundle: the JSON Lines file's URI, a space, the features file's URI.</summary>
    public static string BundleUri(string itemsUri, string featuresUri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(itemsUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(featuresUri);
        if (itemsUri.Contains(' ', StringComparison.Ordinal) || featuresUri.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException("a URI must not contain a space (escape it as %20)");
        }

        return itemsUri + " " + featuresUri;
    }

    /// <summary>Splits a bundle URI field into its two URIs; null when the field is not exactly two URIs.</summary>
    public static (string ItemsUri, string FeaturesUri)? SplitUri(string? field)
    {
        var parts = (field ?? string.Empty).Split(' ');
        return parts is [var items, var features] && items.Length > 0 && features.Length > 0 ? (items, features) : null;
    }

    /// <summary>
    /// Why a features file does not belong to its JSON Lines file (null when it does): the kind, the row count
    /// (one row per line) and, when known, the keccak256 of the JSON Lines file the header names.
    /// </summary>
    public static string? Mismatch(FeaturesHeader header, string kind, int rows, Bytes32? itemsHash = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Kind != kind)
        {
            return $"features file is of kind \"{header.Kind}\", expected \"{kind}\"";
        }

        if (itemsHash is { } h && header.ItemsHash != h)
        {
            return $"features file was made for the file with keccak256 {header.ItemsHash}, not this {kind} file ({h})";
        }

        return header.Rows != rows ? $"features file has {header.Rows} rows, the {kind} file has {rows} (one row per line, in its order)" : null;
    }
}
