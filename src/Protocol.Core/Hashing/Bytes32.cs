using System.Globalization;

namespace Protocol.Core.Hashing;

/// <summary>A Solidity <c>bytes32</c>: hashes, salts, roots. Immutable, compared by value, printed as 0x-hex.</summary>
public readonly struct Bytes32 : IEquatable<Bytes32>, IComparable<Bytes32>
{
    private readonly byte[]? _bytes;

    /// <summary>Wraps exactly 32 bytes (copied).</summary>
    public Bytes32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException($"bytes32 needs 32 bytes, got {bytes.Length}", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    /// <summary>All zero.</summary>
    public static Bytes32 Zero { get; } = new(new byte[32]);

    /// <summary>The 32 bytes.</summary>
    public ReadOnlySpan<byte> Span => _bytes ?? Zero._bytes!;

    /// <summary>A copy of the 32 bytes.</summary>
    public byte[] ToArray() => Span.ToArray();

    /// <summary>Parses 64 hex digits with or without a 0x prefix.</summary>
    public static Bytes32 Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        if (digits.Length != 64)
        {
            throw new FormatException($"bytes32 needs 64 hex digits, got {digits.Length}: {hex}");
        }

        return new Bytes32(Convert.FromHexString(digits));
    }

    /// <summary>Lower-case 0x-prefixed hex.</summary>
    public override string ToString() => "0x" + Convert.ToHexStringLower(Span);

    public bool Equals(Bytes32 other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is Bytes32 other && Equals(other);

    public override int GetHashCode() => BitConverter.ToInt32(Span[..4]);

    /// <summary>Unsigned big-endian order, as Solidity compares bytes32 (and as sorted Merkle pairs need).</summary>
    public int CompareTo(Bytes32 other) => Span.SequenceCompareTo(other.Span);

    public static bool operator ==(Bytes32 left, Bytes32 right) => left.Equals(right);

    public static bool operator !=(Bytes32 left, Bytes32 right) => !left.Equals(right);

    public static bool operator <(Bytes32 left, Bytes32 right) => left.CompareTo(right) < 0;

    public static bool operator >(Bytes32 left, Bytes32 right) => left.CompareTo(right) > 0;

    public static bool operator <=(Bytes32 left, Bytes32 right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Bytes32 left, Bytes32 right) => left.CompareTo(right) >= 0;

    /// <summary>Formats with <see cref="CultureInfo.InvariantCulture"/>-independent hex; provided for interpolation.</summary>
    public string ToString(IFormatProvider? provider) => ToString();
}
