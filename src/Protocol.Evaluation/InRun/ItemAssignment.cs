using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Protocol.Evaluation.InRun;

/// <summary>
/// Which task items an address may label when a spec assigns items (assignedSharePpm &lt; 10^6):
/// item <c>id</c> is assigned to <c>curator</c> in market <c>marketId</c> when the first 8 bytes (big-endian) of
/// keccak256(abi.encode(uint256 marketId, address curator, bytes32 keccak256(utf8(id)))) are below
/// floor(assignedSharePpm · 2^64 / 10^6). Anyone can compute it; no address can choose its items, so a file
/// handed to a second address labels items that address was not given.
/// </summary>
public sealed class ItemAssignment
{
    private readonly byte[] prefix = new byte[96];
    private readonly ulong threshold;

    /// <summary>The assignment of one market at a share of the pool.</summary>
    public ItemAssignment(BigInteger marketId, int assignedSharePpm)
    {
        if (assignedSharePpm is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(assignedSharePpm), assignedSharePpm, "share must be 1…1000000 ppm");
        }

        if (marketId.Sign < 0 || marketId.GetByteCount(isUnsigned: true) > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(marketId), "market id must be a uint256");
        }

        marketId.TryWriteBytes(prefix.AsSpan(32 - marketId.GetByteCount(isUnsigned: true), marketId.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        SharePpm = assignedSharePpm;
        var t = ((UInt128)(ulong)assignedSharePpm << 64) / 1_000_000;
        threshold = t > ulong.MaxValue ? ulong.MaxValue : (ulong)t;
        Everything = assignedSharePpm == 1_000_000;
    }

    /// <summary>The share of the pool each address is given, in parts per million.</summary>
    public int SharePpm { get; }

    /// <summary>True when every item is open to every address.</summary>
    public bool Everything { get; }

    /// <summary>Whether the item is assigned to the address (0x + 40 hex digits, any case).</summary>
    public bool IsAssigned(string curator, string itemId)
    {
        ArgumentNullException.ThrowIfNull(curator);
        ArgumentNullException.ThrowIfNull(itemId);
        if (Everything)
        {
            return true;
        }

        Span<byte> block = stackalloc byte[96];
        prefix.CopyTo(block);
        if (curator.Length != 42)
        {
            throw new ArgumentException($"curator address '{curator}' is not 0x + 40 hex digits", nameof(curator));
        }

        try
        {
            Convert.FromHexString(curator.AsSpan(2)).CopyTo(block.Slice(44, 20));
        }
        catch (FormatException)
        {
            throw new ArgumentException($"curator address '{curator}' is not 0x + 40 hex digits", nameof(curator));
        }

        EvaluationSpec.Keccak(Encoding.UTF8.GetBytes(itemId)).CopyTo(block[64..]);
        var word = BinaryPrimitives.ReadUInt64BigEndian(EvaluationSpec.Keccak(block));
        return word < threshold;
    }
}
