using System.Buffers.Binary;
using System.Numerics;

namespace Protocol.Evaluation.Attribution;

/// <summary>
/// The spec's permutations. seed = keccak256(abi.encode(uint256 marketId, uint32 round, bytes32 goldHash))
/// (96 bytes). Random word k (uint64) = big-endian bytes 8·(k mod 4) … +8 of
/// keccak256(seed ‖ uint64_be(k div 4)). uniform(n) draws words until one is below 2^64 − (2^64 mod n)
/// and returns it mod n. Permutation m (m = 0, 1, …) starts from the curators sorted by address and
/// applies Fisher–Yates: for i = N−1 down to 1, swap positions i and uniform(i + 1). Permutations
/// draw from one stream, in order.
/// </summary>
public sealed class PermutationSampler
{
    private readonly byte[] seed;
    private readonly byte[] block = new byte[40];
    private byte[] current = [];
    private ulong word;

    /// <summary>Creates the sampler for a seed.</summary>
    public PermutationSampler(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("seed must be 32 bytes", nameof(seed));
        }

        this.seed = seed.ToArray();
        seed.CopyTo(block);
    }

    /// <summary>keccak256(abi.encode(uint256 marketId, uint32 round, bytes32 goldHash)).</summary>
    public static byte[] Seed(BigInteger marketId, uint round, ReadOnlySpan<byte> goldHash)
    {
        if (marketId.Sign < 0 || marketId.GetByteCount(isUnsigned: true) > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(marketId), "marketId must be a uint256");
        }

        if (goldHash.Length != 32)
        {
            throw new ArgumentException("goldHash must be 32 bytes", nameof(goldHash));
        }

        var enc = new byte[96];
        var id = marketId.ToByteArray(isUnsigned: true, isBigEndian: true);
        id.CopyTo(enc, 32 - id.Length);
        BinaryPrimitives.WriteUInt32BigEndian(enc.AsSpan(60), round);
        goldHash.CopyTo(enc.AsSpan(64));
        return EvaluationSpec.Keccak(enc);
    }

    /// <summary>The next uint64 of the stream.</summary>
    public ulong NextWord()
    {
        var slot = (int)(word % 4);
        if (slot == 0)
        {
            BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan(32), word / 4);
            current = EvaluationSpec.Keccak(block);
        }

        word++;
        return BinaryPrimitives.ReadUInt64BigEndian(current.AsSpan(slot * 8));
    }

    /// <summary>Uniform integer in [0, n) by rejection.</summary>
    public int Uniform(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var un = (ulong)n;
        var limit = ulong.MaxValue - (((ulong.MaxValue % un) + 1) % un); // 2^64 − (2^64 mod n), minus one
        while (true)
        {
            var x = NextWord();
            if (x <= limit)
            {
                return (int)(x % un);
            }
        }
    }

    /// <summary>The next permutation of 0 … n−1.</summary>
    public int[] NextPermutation(int n)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++)
        {
            p[i] = i;
        }

        for (var i = n - 1; i >= 1; i--)
        {
            var j = Uniform(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }

        return p;
    }

    internal ReadOnlySpan<byte> SeedBytes => seed;
}
