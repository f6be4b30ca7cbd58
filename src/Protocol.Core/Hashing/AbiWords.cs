using System.Buffers.Binary;
using System.Numerics;
using Nethereum.Util;

namespace Protocol.Core.Hashing;

/// <summary>
/// <c>abi.encode</c> for the static types the protocol hashes (uint256, uint32, int32, address,
/// bytes32): each value is one 32-byte big-endian word. Written out rather than reflected so that the
/// byte layout is obvious next to the Solidity it must match.
/// </summary>
public sealed class AbiWords
{
    private readonly List<byte[]> _words = [];

    /// <summary>uint256 (also any smaller uint).</summary>
    public AbiWords Uint256(BigInteger value)
    {
        if (value.Sign < 0 || value.GetByteCount(isUnsigned: true) > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "not a uint256");
        }

        var word = new byte[32];
        value.TryWriteBytes(word.AsSpan(32 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        _words.Add(word);
        return this;
    }

    /// <summary>int32 (sign-extended to 32 bytes, two's complement).</summary>
    public AbiWords Int32Word(int value)
    {
        var word = new byte[32];
        if (value < 0)
        {
            word.AsSpan().Fill(0xff);
        }

        BinaryPrimitives.WriteInt32BigEndian(word.AsSpan(28), value);
        _words.Add(word);
        return this;
    }

    /// <summary>address (20 bytes, left-padded).</summary>
    public AbiWords Address(string address)
    {
        if (!AddressUtil.Current.IsValidEthereumAddressHexFormat(address))
        {
            throw new ArgumentException($"not an address: {address}", nameof(address));
        }

        var word = new byte[32];
        Convert.FromHexString(address[2..]).CopyTo(word, 12);
        _words.Add(word);
        return this;
    }

    /// <summary>bytes32.</summary>
    public AbiWords Bytes32(Bytes32 value)
    {
        _words.Add(value.ToArray());
        return this;
    }

    /// <summary>The encoding: the words back to back.</summary>
    public byte[] ToArray() => [.. _words.SelectMany(w => w)];

    /// <summary>keccak256 of the encoding.</summary>
    public Bytes32 Keccak() => Hashing.Keccak.Hash(ToArray());
}
