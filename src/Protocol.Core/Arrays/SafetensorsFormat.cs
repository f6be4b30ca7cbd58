using System.Buffers.Binary;
using Protocol.Core.Files;

namespace Protocol.Core.Arrays;

/// <summary>
/// Opens one tensor of a Hugging Face .safetensors file: an 8-byte little-endian header length N, N bytes of
/// JSON header, then the byte buffer the header's data_offsets point into.
/// </summary>
internal static class SafetensorsFormat
{
    // The reference implementation refuses headers over 100 MB; a larger "length" means the file is not safetensors.
    private const long MaxHeaderBytes = 100_000_000;

    internal static ArrayFile Open(string path, string? tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = ArrayFile.OpenStream(path);
        try
        {
            return Read(stream, path, tensor);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static ArrayFile Read(FileStream stream, string path, string? tensor)
    {
        var fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length)
            throw Fail(path, $"the file has {fileLength} bytes, too few for a safetensors file, which starts with an 8-byte header length");

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw Fail(path, $"the header length {headerLength} is absurd (over 100 MB): the file is not safetensors or is damaged");
        if ((long)headerLength > fileLength - 8)
            throw Fail(path, $"the header length {headerLength} runs past the end of the file ({fileLength} bytes); the file is truncated");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var (tensors, metadata) = SafetensorsHeader.Parse(path, header);
        var bufferStart = 8 + (long)headerLength;
        SafetensorsHeader.CheckLayout(path, tensors, fileLength - bufferStart);

        var chosen = Choose(path, tensors, tensor);
        var type = ElementType.FromSafetensors(chosen.DType)
            ?? throw Fail(path, $"tensor \"{chosen.Name}\" has dtype {chosen.DType}, which is not supported: only {ElementType.SafetensorsSupported} tensors can be imported; save a float tensor");
        if (chosen.Shape.Length == 0)
            throw Fail(path, $"tensor \"{chosen.Name}\" is 0-d (a single scalar): save a tensor of at least one dimension");
        return new ArrayFile(stream, path, $"{path}#{chosen.Name}", chosen.Shape, type, bufferStart + chosen.Begin, metadata);
    }

    private static SafetensorsEntry Choose(string path, List<SafetensorsEntry> tensors, string? name)
    {
        var names = string.Join(", ", tensors.Select(t => $"\"{t.Name}\"").Order(StringComparer.Ordinal));
        if (name is not null)
            return tensors.Find(t => t.Name == name) ?? throw Fail(path, $"no tensor named \"{name}\"; the file holds {names}");
        return tensors.Count switch
        {
            0 => throw Fail(path, "the file holds no tensors"),
            1 => tensors[0],
            _ => throw Fail(path, $"the file holds {tensors.Count} tensors; choose one with --tensor NAME: {names}"),
        };
    }

    private static FileFormatException Fail(string path, string problem) => new(path, 0, problem);
}
