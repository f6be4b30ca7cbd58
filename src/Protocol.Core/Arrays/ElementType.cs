using System.Buffers.Binary;

namespace Protocol.Core.Arrays;

/// <summary>The float element types an <see cref="ArrayFile"/> can read.</summary>
internal enum ElementKind
{
    Float16,
    BFloat16,
    Float32,
    Float64,
}

/// <summary>One element type with its byte order; decodes raw bytes to doubles exactly (every supported type widens to double without rounding).</summary>
internal readonly record struct ElementType(ElementKind Kind, bool BigEndian)
{
    /// <summary>What the importers accept, for error messages.</summary>
    internal const string NpySupported = "float16, float32 or float64 ('<f2', '<f4', '<f8', or '>' for big-endian)";

    internal const string SafetensorsSupported = "F16, BF16, F32 or F64";

    internal int Size => Kind switch
    {
        ElementKind.Float16 or ElementKind.BFloat16 => 2,
        ElementKind.Float32 => 4,
        _ => 8,
    };

    internal string Name => Kind switch
    {
        ElementKind.Float16 => "float16",
        ElementKind.BFloat16 => "bfloat16",
        ElementKind.Float32 => "float32",
        _ => "float64",
    };

    /// <summary>Parses a NumPy descr such as '&lt;f4'; null with the problem when it is not a supported float.</summary>
    internal static ElementType? FromNpy(string descr, out string problem)
    {
        problem = "";
        if (descr.Length == 3 && descr[1] == 'f' && descr[2] is '2' or '4' or '8')
        {
            var kind = descr[2] switch { '2' => ElementKind.Float16, '4' => ElementKind.Float32, _ => ElementKind.Float64 };
            switch (descr[0])
            {
                case '<': return new ElementType(kind, BigEndian: false);
                case '>': return new ElementType(kind, BigEndian: true);
                case '=': return new ElementType(kind, BigEndian: !BitConverter.IsLittleEndian);
                case '|':
                    problem = $"dtype '{descr}' is not valid: '|' means byte order does not apply, which is never true of a float; save with '<' (little-endian)";
                    return null;
            }
        }

        problem = $"dtype '{descr}' is not supported: only {NpySupported} arrays can be imported; save a float array (e.g. arr.astype(np.float32))";
        return null;
    }

    /// <summary>Maps a safetensors dtype such as "F32"; null when it is not a supported float. Safetensors data is always little-endian.</summary>
    internal static ElementType? FromSafetensors(string dtype) => dtype switch
    {
        "F16" => new ElementType(ElementKind.Float16, BigEndian: false),
        "BF16" => new ElementType(ElementKind.BFloat16, BigEndian: false),
        "F32" => new ElementType(ElementKind.Float32, BigEndian: false),
        "F64" => new ElementType(ElementKind.Float64, BigEndian: false),
        _ => null,
    };

    /// <summary>Decodes <paramref name="values"/>.Length elements from <paramref name="bytes"/>.</summary>
    internal void Decode(ReadOnlySpan<byte> bytes, Span<double> values)
    {
        // One switch per chunk, not per element: this is the hot loop of a multi-gigabyte import.
        switch (Kind)
        {
            case ElementKind.Float16:
                for (var i = 0; i < values.Length; i++)
                    values[i] = (double)BitConverter.UInt16BitsToHalf(ReadUInt16(bytes[(2 * i)..]));
                break;
            case ElementKind.BFloat16:
                // bfloat16 is the upper half of a float32, so shifting the bits back is exact (NaN and infinities included).
                for (var i = 0; i < values.Length; i++)
                    values[i] = BitConverter.UInt32BitsToSingle((uint)ReadUInt16(bytes[(2 * i)..]) << 16);
                break;
            case ElementKind.Float32:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            default:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
        }
    }

    private ushort ReadUInt16(ReadOnlySpan<byte> bytes) =>
        BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);
}
