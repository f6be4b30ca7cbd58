using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Protocol.Core.Tests;

/// <summary>
/// Test-only writer of .npy and .safetensors files, byte by byte from the formats' specifications, into a
/// temporary folder that is deleted on dispose.
/// </summary>
internal sealed class ArrayFileWriter : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("array-files-").FullName;

    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Encodes values as "f2", "f4", "f8" or "bf16" (bf16 truncates, so tests use values it holds exactly).</summary>
    public static byte[] Encode(IReadOnlyList<double> values, string type, bool bigEndian = false)
    {
        var size = type switch { "f2" or "bf16" => 2, "f4" => 4, _ => 8 };
        var bytes = new byte[values.Count * size];
        for (var i = 0; i < values.Count; i++)
        {
            var span = bytes.AsSpan(i * size, size);
            ulong bits = type switch
            {
                "f2" => BitConverter.HalfToUInt16Bits((Half)values[i]),
                "bf16" => BitConverter.SingleToUInt32Bits((float)values[i]) >> 16,
                "f4" => BitConverter.SingleToUInt32Bits((float)values[i]),
                _ => BitConverter.DoubleToUInt64Bits(values[i]),
            };
            for (var b = 0; b < size; b++)
                span[bigEndian ? size - 1 - b : b] = (byte)(bits >> (8 * b));
        }

        return bytes;
    }

    /// <summary>
    /// An .npy file (NEP 1): magic \x93NUMPY, version major.0, little-endian header length (2 bytes for 1.0, 4 for
    /// 2.0 and 3.0), the header padded with spaces and ended by \n so that the preamble is a multiple of 64, then data.
    /// </summary>
    public static byte[] Npy(int major, string header, byte[] data, byte minor = 0)
    {
        var lengthBytes = major == 1 ? 2 : 4;
        var encoded = (major >= 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header);
        var unpadded = 8 + lengthBytes + encoded.Length + 1;
        var padding = (64 - (unpadded % 64)) % 64;
        var headerLength = encoded.Length + padding + 1;
        var file = new List<byte>([0x93, .. "NUMPY"u8, (byte)major, minor]);
        var length = new byte[lengthBytes];
        if (major == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)headerLength));
        else
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)headerLength);
        file.AddRange(length);
        file.AddRange(encoded);
        file.AddRange(Enumerable.Repeat((byte)' ', padding));
        file.Add((byte)'\n');
        file.AddRange(data);
        return [.. file];
    }

    /// <summary>The header NumPy's np.save writes, e.g. {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }.</summary>
    public static string NpyHeader(string descr, IReadOnlyList<long> shape, bool fortranOrder = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {PythonTuple(shape)}, }}";

    public static byte[] NpyArray(int major, string descr, IReadOnlyList<long> shape, IReadOnlyList<double> values) =>
        Npy(major, NpyHeader(descr, shape), Encode(values, "f" + descr[2..], bigEndian: descr[0] == '>'));

    /// <summary>A .safetensors file: 8-byte little-endian header length, the JSON header, the byte buffer.</summary>
    public static byte[] Safetensors(string headerJson, byte[] buffer)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + header.Length + buffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        buffer.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>A valid .safetensors file of tensors laid out one after another, the header padded with spaces to 8 bytes as the reference writer does.</summary>
    public static byte[] Safetensors(IEnumerable<(string Name, string DType, long[] Shape, byte[] Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = new List<string>();
        if (metadata is not null)
            entries.Add($"\"__metadata__\":{{{string.Join(",", metadata.Select(m => $"\"{m.Key}\":\"{m.Value}\""))}}}");
        var buffer = new List<byte>();
        foreach (var (name, dtype, shape, data) in tensors)
        {
            entries.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{buffer.Count},{buffer.Count + data.Length}]}}");
            buffer.AddRange(data);
        }

        var json = "{" + string.Join(",", entries) + "}";
        json += new string(' ', (8 - (Encoding.UTF8.GetByteCount(json) % 8)) % 8);
        return Safetensors(json, [.. buffer]);
    }

    /// <summary>Python's repr of a tuple of ints: (3,) or (2, 3).</summary>
    public static string PythonTuple(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))})";

    /// <summary>Values 0, 0.5, 1, ... (exact in every float type for small counts) with alternating sign.</summary>
    public static double[] Ramp(long count) =>
        [.. Enumerable.Range(0, checked((int)count)).Select(i => (i % 2 == 0 ? 1 : -1) * i * 0.5)];
}
