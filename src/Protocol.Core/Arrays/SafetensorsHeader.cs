using System.Text.Json;
using Protocol.Core.Files;

namespace Protocol.Core.Arrays;

/// <summary>One tensor's entry in a safetensors header; offsets are relative to the start of the byte buffer.</summary>
internal sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>
/// Parses and checks the JSON header of a .safetensors file: {name: {"dtype", "shape", "data_offsets": [begin, end]}}
/// plus an optional "__metadata__" of strings. The tensors must tile the byte buffer exactly, each the size its
/// shape and dtype say, so a damaged file is refused before any row is read.
/// </summary>
internal static class SafetensorsHeader
{
    private const string MetadataKey = "__metadata__";

    // Sizes of the dtypes the format defines, so the layout of tensors we do not import can still be checked.
    private static readonly Dictionary<string, int> ItemSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    internal static (List<SafetensorsEntry> Tensors, Dictionary<string, string> Metadata) Parse(string path, byte[] header)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Fail(path, $"the header is not valid JSON ({e.Message}); the file is damaged or not safetensors");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Fail(path, "the header must be a JSON object of tensors");
            var tensors = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw Fail(path, $"the header names \"{property.Name}\" twice");
                if (property.Name == MetadataKey)
                    ReadMetadata(path, property.Value, metadata);
                else
                    tensors.Add(ReadEntry(path, property.Name, property.Value));
            }

            return (tensors, metadata);
        }
    }

    /// <summary>Checks every tensor's size and that together they cover the buffer without gaps or overlaps.</summary>
    internal static void CheckLayout(string path, List<SafetensorsEntry> tensors, long bufferLength)
    {
        foreach (var t in tensors)
        {
            if (t.Begin > t.End)
                throw Fail(path, $"tensor \"{t.Name}\" has data_offsets [{t.Begin}, {t.End}] that end before they begin");
            if (t.End > bufferLength)
                throw Fail(path, $"tensor \"{t.Name}\" has data_offsets [{t.Begin}, {t.End}] out of range: the data buffer holds {bufferLength} bytes; the file is truncated or damaged");
            if (ItemSizes.TryGetValue(t.DType, out var size) && ArrayShape.ByteCount(path, t.Shape, size) is var needed && needed != t.End - t.Begin)
                throw Fail(path, $"tensor \"{t.Name}\" has data_offsets [{t.Begin}, {t.End}] ({t.End - t.Begin} bytes), but shape {ArrayShape.Describe(t.Shape)} of {t.DType} needs {needed} bytes");
        }

        long covered = 0;
        SafetensorsEntry? previous = null;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin < covered)
                throw Fail(path, $"tensors \"{previous!.Name}\" and \"{t.Name}\" overlap (data_offsets [{previous.Begin}, {previous.End}] and [{t.Begin}, {t.End}])");
            if (t.Begin > covered)
                throw Fail(path, $"bytes {covered} to {t.Begin} of the data buffer belong to no tensor; the tensors must be contiguous");
            covered = t.End;
            previous = t;
        }

        if (covered != bufferLength)
            throw Fail(path, $"{bufferLength - covered} trailing bytes after the last tensor: the tensors cover {covered} of the {bufferLength} bytes in the data buffer");
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail(path, "\"__metadata__\" must be an object of strings");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw Fail(path, $"\"__metadata__\" value \"{entry.Name}\" must be a string, not {entry.Value.ValueKind}");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw Fail(path, $"\"__metadata__\" names \"{entry.Name}\" twice");
        }
    }

    private static SafetensorsEntry ReadEntry(string path, string name, JsonElement value)
    {
        var problem = $"tensor \"{name}\" must be an object {{\"dtype\": \"F32\", \"shape\": [N, D], \"data_offsets\": [begin, end]}}";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || !value.TryGetProperty("data_offsets", out var offsets))
            throw Fail(path, problem);

        var dims = Integers(shape) ?? throw Fail(path, $"tensor \"{name}\" has a shape that is not a list of integers");
        if (dims.Any(d => d < 0))
            throw Fail(path, $"tensor \"{name}\" has shape {ArrayShape.Describe(dims)} with a negative dimension");
        var range = Integers(offsets);
        if (range is not [var begin, var end] || begin < 0 || end < 0)
            throw Fail(path, $"tensor \"{name}\" must have data_offsets [begin, end] of two non-negative integers");
        return new SafetensorsEntry(name, dtype.GetString()!, dims, begin, end);
    }

    private static long[]? Integers(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
            return null;
        var values = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i++]))
                return null;
        }

        return values;
    }

    private static FileFormatException Fail(string path, string problem) => new(path, 0, problem);
}
