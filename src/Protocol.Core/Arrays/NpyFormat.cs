using System.Buffers.Binary;
using System.Text;
using Protocol.Core.Files;

namespace Protocol.Core.Arrays;

/// <summary>
/// Reads the preamble of a NumPy .npy file (NEP 1, versions 1.0, 2.0 and 3.0): the magic "\x93NUMPY", a
/// major and minor version byte, a little-endian header length (2 bytes in 1.0, 4 in 2.0 and 3.0), and the
/// header: a Python dict literal with 'descr', 'fortran_order' and 'shape' (Latin-1 before 3.0, UTF-8 in 3.0).
/// </summary>
internal static class NpyFormat
{
    private const int MaxHeaderBytes = 100_000_000;
    private const string Expected = "{'descr': '<f4', 'fortran_order': False, 'shape': (N, D)}";
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    internal static ArrayFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = ArrayFile.OpenStream(path);
        try
        {
            return Read(stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static ArrayFile Read(FileStream stream, string path)
    {
        var fileLength = stream.Length;
        Span<byte> start = stackalloc byte[8];
        if (stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) < start.Length || !start[..6].SequenceEqual(Magic))
            throw Fail(path, "not an .npy file: it does not start with the magic \\x93NUMPY; save the array with np.save");

        var (major, minor) = (start[6], start[7]);
        if (major is not (1 or 2 or 3) || minor != 0)
            throw Fail(path, $"unsupported .npy version {major}.{minor}: versions 1.0, 2.0 and 3.0 can be read; save with a current NumPy's np.save");

        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        if (stream.ReadAtLeast(lengthBytes, lengthBytes.Length, throwOnEndOfStream: false) < lengthBytes.Length)
            throw Fail(path, "the file ends inside the header length; it is truncated");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        var dataOffset = 8 + lengthBytes.Length + headerLength;
        if (dataOffset > fileLength)
            throw Fail(path, $"the header length {headerLength} runs past the end of the file ({fileLength} bytes); the file is truncated");
        if (headerLength > MaxHeaderBytes)
            throw Fail(path, $"the header length {headerLength} is over the limit of {MaxHeaderBytes} bytes; this is not an array header");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var header = Header(path, headerBytes, major);
        var (type, shape) = Parse(path, header);

        var needed = ArrayShape.ByteCount(path, shape, type.Size);
        var present = fileLength - dataOffset;
        if (present < needed)
            throw Fail(path, $"the data is truncated: shape {ArrayShape.Describe(shape)} of {type.Name} needs {needed} bytes but only {present} follow the header");
        if (present > needed)
            throw Fail(path, $"{present - needed} trailing bytes after the data: shape {ArrayShape.Describe(shape)} of {type.Name} needs {needed} bytes but {present} follow the header");

        return new ArrayFile(stream, path, path, shape, type, dataOffset, new Dictionary<string, string>());
    }

    private static string Header(string path, byte[] bytes, byte major)
    {
        if (major < 3)
            return Encoding.Latin1.GetString(bytes);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(path, "the header is not valid UTF-8, as version 3.0 requires");
        }
    }

    private static (ElementType Type, long[] Shape) Parse(string path, string header)
    {
        Dictionary<string, object?> dict;
        try
        {
            dict = PythonLiteral.ParseDict(header);
        }
        catch (FormatException e)
        {
            throw Fail(path, $"the header is not a valid Python dict literal ({e.Message}); expected e.g. {Expected}");
        }

        if (dict.Count != 3 || !dict.TryGetValue("descr", out var descr) || !dict.TryGetValue("fortran_order", out var fortran) || !dict.TryGetValue("shape", out var shapeValue))
            throw Fail(path, $"the header must hold exactly the keys 'descr', 'fortran_order' and 'shape', not {string.Join(", ", dict.Keys.Select(k => $"'{k}'"))}");

        var type = descr switch
        {
            string text => ElementType.FromNpy(text, out var problem) ?? throw Fail(path, problem),
            PythonSequence => throw Fail(path, $"structured dtypes (records with named fields) are not supported: save a plain array of {ElementType.NpySupported}"),
            _ => throw Fail(path, $"'descr' must be a dtype string such as '<f4'; expected e.g. {Expected}"),
        };

        if (fortran is not bool fortranOrder)
            throw Fail(path, "'fortran_order' must be True or False");
        if (shapeValue is not PythonSequence { IsTuple: true } tuple || tuple.Items.Any(d => d is not long))
            throw Fail(path, $"'shape' must be a tuple of integers such as (N, D); expected e.g. {Expected}");

        var shape = tuple.Items.Cast<long>().ToArray();
        if (shape.Length == 0)
            throw Fail(path, "the array is 0-d (a single scalar): save an array of at least one dimension, e.g. np.atleast_1d(x)");
        _ = ArrayShape.ByteCount(path, shape, 1);
        // Fortran and C order lay the bytes out alike when at most one dimension exceeds 1.
        if (fortranOrder && shape.Count(d => d > 1) > 1)
            throw Fail(path, "the array is stored in Fortran (column-major) order; save it in C order with np.save(path, np.ascontiguousarray(arr))");
        return (type, shape);
    }

    private static FileFormatException Fail(string path, string problem) => new(path, 0, problem);
}
