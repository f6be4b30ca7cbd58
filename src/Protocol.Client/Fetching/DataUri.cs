using System.Text;

namespace Protocol.Client.Fetching;

/// <summary>
/// <c>data:</c> URIs (RFC 2397): <c>data:[&lt;media type&gt;][;base64],&lt;data&gt;</c>. A curator that reveals its label file
/// as a data URI puts the file itself in the <c>Revealed</c> event, so its availability is the chain's: no node can
/// fail to fetch it, and no publisher can answer some nodes and not others (docs/contracts.md, "Threat model").
/// </summary>
public static class DataUri
{
    private const string Scheme = "data:";

    /// <summary>Whether <paramref name="uri"/> is a data URI (the scheme is case-insensitive).</summary>
    public static bool IsDataUri(string uri) => uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>A data URI holding <paramref name="bytes"/> in base64, with <paramref name="mediaType"/>.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes, string mediaType = "application/jsonl") =>
        $"{Scheme}{mediaType};base64,{Convert.ToBase64String(bytes)}";

    /// <summary>
    /// The bytes a data URI carries, or why there are none (a malformed URI, or more than <paramref name="maxBytes"/>):
    /// always the publisher's fault, the same for every node.
    /// </summary>
    public static (byte[]? Bytes, string? Problem) Decode(string uri, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var comma = uri.IndexOf(',', StringComparison.Ordinal);
        if (!IsDataUri(uri) || comma < 0)
        {
            return (null, "malformed data URI: no comma between its header and its data");
        }

        var header = uri[Scheme.Length..comma];
        var data = uri.AsSpan(comma + 1);
        var base64 = header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase);
        // Bound before decoding: base64 holds 3 bytes in 4 characters, percent-encoding at least one byte in 3.
        if ((base64 ? data.Length / 4 * 3 : data.Length / 3) > maxBytes)
        {
            return (null, $"larger than {maxBytes} bytes (a data URI of {data.Length} characters)");
        }

        byte[]? bytes;
        if (base64)
        {
            bytes = new byte[data.Length / 4 * 3 + 3];
            if (!Convert.TryFromBase64Chars(data, bytes, out var written))
            {
                return (null, "malformed data URI: its data is not base64");
            }

            bytes = bytes[..written];
        }
        else
        {
            bytes = PercentDecode(data);
            if (bytes is null)
            {
                return (null, "malformed data URI: a % not followed by two hex digits");
            }
        }

        return bytes.Length > maxBytes ? (null, $"larger than {maxBytes} bytes ({bytes.Length})") : (bytes, null);
    }

    // RFC 3986 percent-decoding to bytes (not to a string: the file's bytes are what is hashed).
    private static byte[]? PercentDecode(ReadOnlySpan<char> data)
    {
        var output = new List<byte>(data.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '%')
            {
                if (i + 2 >= data.Length || !Uri.IsHexDigit(data[i + 1]) || !Uri.IsHexDigit(data[i + 2]))
                {
                    return null;
                }

                output.Add((byte)((Uri.FromHex(data[i + 1]) << 4) | Uri.FromHex(data[i + 2])));
                i += 2;
            }
            else
            {
                var n = Encoding.UTF8.GetBytes(data.Slice(i, char.IsHighSurrogate(data[i]) && i + 1 < data.Length ? 2 : 1), utf8);
                output.AddRange(utf8[..n].ToArray());
                if (n == 4)
                {
                    i++;
                }
            }
        }

        return [.. output];
    }
}
