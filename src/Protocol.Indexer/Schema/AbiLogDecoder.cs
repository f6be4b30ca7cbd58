using System.Buffers.Binary;
using System.Numerics;
using System.Reflection;
using System.Text;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Protocol.Indexer.Schema;

/// <summary>
/// Decodes a log straight from its topics and data words into column values, for events whose
/// parameters are all static types or strings (every protocol event but MarketCreated, whose struct
/// goes through Nethereum). It is the hot path of a backfill: no reflection per log, no intermediate
/// objects. The values match <see cref="EventTables"/>' column conversions; a test compares the two
/// decoders on every event the life-cycle scenario emits.
/// </summary>
internal static class AbiLogDecoder
{
    private delegate object? Reader(string[] topics, ReadOnlySpan<byte> data);

    /// <summary>A decoder for <paramref name="eventType"/>, or null when it has struct parameters.</summary>
    public static Func<string[], byte[], object?[]>? TryCreate(Type eventType)
    {
        var parameters = eventType.GetProperties()
            .Select(p => p.GetCustomAttribute<ParameterAttribute>())
            .OfType<ParameterAttribute>()
            .OrderBy(p => p.Order)
            .ToList();
        if (parameters.Any(p => p.Type.Contains("tuple", StringComparison.Ordinal) || p.Type.EndsWith(']')
            || (p.Type == "bytes") || (p.Parameter.Indexed && p.Type == "string")))
        {
            return null;
        }

        var readers = new List<Reader>();
        var topic = 1;
        var slot = 0;
        foreach (var p in parameters)
        {
            var type = p.Type;
            if (p.Parameter.Indexed)
            {
                var index = topic++;
                readers.Add((topics, _) =>
                {
                    Span<byte> word = stackalloc byte[32];
                    return Convert.FromHexString(topics[index].AsSpan(2), word, out var consumed, out var written) == System.Buffers.OperationStatus.Done && written == 32 && consumed == 64
                        ? Word(type, word)
                        : throw new FormatException($"topic {index} is not a 32-byte word");
                });
            }
            else if (type == "string")
            {
                var head = slot++ * 32;
                readers.Add((_, data) =>
                {
                    var offset = checked((int)Uint(data.Slice(head, 32)));
                    var length = checked((int)Uint(data.Slice(offset, 32)));
                    return Encoding.UTF8.GetString(data.Slice(offset + 32, length));
                });
            }
            else
            {
                var head = slot++ * 32;
                readers.Add((_, data) => Word(type, data.Slice(head, 32)));
            }
        }

        var all = readers.ToArray();
        return (topics, data) =>
        {
            var values = new object?[all.Length];
            for (var i = 0; i < all.Length; i++)
            {
                values[i] = all[i](topics, data);
            }

            return values;
        };
    }

    // One 32-byte word as the column value EventTables maps the ABI type to.
    private static object Word(string type, ReadOnlySpan<byte> word) => type switch
    {
        "address" => Hex(word[12..]),
        "bool" => word[31] != 0,
        "uint8" or "uint16" or "uint32" or "uint64" => checked((long)BinaryPrimitives.ReadUInt64BigEndian(word[24..])),
        "int8" or "int16" or "int32" or "int64" => BinaryPrimitives.ReadInt64BigEndian(word[24..]),
        _ when type.StartsWith("bytes", StringComparison.Ordinal) => Hex(word[..int.Parse(type.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture)]),
        _ when type.StartsWith("uint", StringComparison.Ordinal) => new BigInteger(word, isUnsigned: true, isBigEndian: true),
        _ when type.StartsWith("int", StringComparison.Ordinal) => new BigInteger(word, isUnsigned: false, isBigEndian: true),
        _ => throw new NotSupportedException($"ABI type {type}"),
    };

    // "0x" and lower-case hex, in one allocation.
    private static string Hex(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[2 + (bytes.Length * 2)];
        chars[0] = '0';
        chars[1] = 'x';
        Convert.TryToHexStringLower(bytes, chars[2..], out _);
        return new string(chars);
    }

    private static BigInteger Uint(ReadOnlySpan<byte> word) => new(word, isUnsigned: true, isBigEndian: true);
}
