using Org.BouncyCastle.Crypto.Digests;

namespace Protocol.Core.Hashing;

/// <summary>keccak256 as Ethereum uses it (not NIST SHA3-256), over bytes and streams.</summary>
public static class Keccak
{
    /// <summary>keccak256 of <paramref name="data"/>.</summary>
    public static Bytes32 Hash(ReadOnlySpan<byte> data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data);
        Span<byte> output = stackalloc byte[32];
        digest.DoFinal(output);
        return new Bytes32(output);
    }

    /// <summary>keccak256 of everything <paramref name="stream"/> yields, read in chunks (files are hashed as exact bytes).</summary>
    public static async Task<Bytes32> HashAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var digest = new KeccakDigest(256);
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            digest.BlockUpdate(buffer, 0, read);
        }

        var output = new byte[32];
        digest.DoFinal(output, 0);
        return new Bytes32(output);
    }

    /// <summary>keccak256 of a file's exact bytes.</summary>
    public static async Task<Bytes32> HashFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return await HashAsync(stream, cancellationToken).ConfigureAwait(false);
    }
}
