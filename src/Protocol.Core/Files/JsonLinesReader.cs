using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Protocol.Core.Files;

/// <summary>Limits for reading untrusted files.</summary>
public sealed record FileReadOptions
{
    /// <summary>Longest accepted line in bytes (without the newline).</summary>
    public int MaxLineBytes { get; init; } = 1 << 20;

    public static FileReadOptions Default { get; } = new();
}

/// <summary>
/// Strict streaming reader for the protocol's JSON Lines files. Every line must be one JSON object with
/// exactly the expected string fields: unknown or duplicate fields, wrong types, invalid UTF-8, blank
/// lines, oversized lines and duplicate ids are errors that name the file and line. A final newline is
/// optional; a trailing <c>\r</c> is tolerated.
/// </summary>
internal static class JsonLinesReader
{
    internal enum FieldKind
    {
        String,
        NullableString,
        Boolean,
        Integer,
        Amount,
    }

    internal readonly record struct Field(string Name, FieldKind Kind);

    /// <summary>Reads objects whose fields are all strings; <paramref name="fields"/> lists them (all required, the first is the id).</summary>
    public static IAsyncEnumerable<(int Line, string[] Values)> ReadAsync(
        Stream stream, string fileName, string[] fields, FileReadOptions? options, CancellationToken cancellationToken) =>
        ReadTypedAsync(stream, fileName, [.. fields.Select(f => new Field(f, FieldKind.String))], options, cancellationToken)
            .Select(x => (x.Line, x.Values.Select(v => (string)v!).ToArray()));

    /// <summary>Reads objects with typed fields (all present; the first is the unique key).</summary>
    public static IAsyncEnumerable<(int Line, object?[] Values)> ReadTypedAsync(
        Stream stream, string fileName, Field[] fields, FileReadOptions? options, CancellationToken cancellationToken) =>
        ReadTypedAsync(stream, fileName, _ => (fields, 0), options, cancellationToken);

    /// <summary>
    /// Reads objects whose schema depends on the line number (<paramref name="schema"/> gives the fields and
    /// the index of the key field that must be non-empty and unique, or −1 for none).
    /// </summary>
    public static async IAsyncEnumerable<(int Line, object?[] Values)> ReadTypedAsync(
        Stream stream,
        string fileName,
        Func<int, (Field[] Fields, int Key)> schema,
        FileReadOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= FileReadOptions.Default;
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var (number, line) in LinesAsync(stream, fileName, options.MaxLineBytes, cancellationToken).ConfigureAwait(false))
        {
            var (fields, keyIndex) = schema(number);
            var values = ParseObject(line.Span, fields, fileName, number);
            if (keyIndex >= 0)
            {
                var key = values[keyIndex] as string;
                Expect(key is { Length: > 0 }, $"empty {fields[keyIndex].Name}", fileName, number);
                if (!ids.TryAdd(key!, number))
                {
                    throw new FileFormatException(fileName, number, $"duplicate {fields[keyIndex].Name} \"{key}\" (first on line {ids[key!]})");
                }
            }

            yield return (number, values);
        }
    }

    private static async IAsyncEnumerable<(int Number, ReadOnlyMemory<byte> Line)> LinesAsync(
        Stream stream, string fileName, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[64 * 1024];
        var number = 0;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var span = chunk.AsMemory(0, read);
            int newline;
            while ((newline = span.Span.IndexOf((byte)'\n')) >= 0)
            {
                number++;
                CheckLength(buffer.WrittenCount + newline, maxLineBytes, fileName, number);
                buffer.Write(span.Span[..newline]);
                yield return (number, TrimCr(buffer.WrittenMemory));
                buffer.ResetWrittenCount();
                span = span[(newline + 1)..];
            }

            CheckLength(buffer.WrittenCount + span.Length, maxLineBytes, fileName, number + 1);
            buffer.Write(span.Span);
        }

        if (buffer.WrittenCount > 0)
        {
            yield return (number + 1, TrimCr(buffer.WrittenMemory));
        }
    }

    private static void CheckLength(int length, int max, string fileName, int line)
    {
        if (length > max)
        {
            throw new FileFormatException(fileName, line, $"line longer than {max} bytes");
        }
    }

    private static ReadOnlyMemory<byte> TrimCr(ReadOnlyMemory<byte> line) =>
        line.Length > 0 && line.Span[^1] == (byte)'\r' ? line[..^1] : line;

    private static object?[] ParseObject(ReadOnlySpan<byte> line, Field[] fields, string fileName, int number)
    {
        if (line.IsEmpty)
        {
            throw new FileFormatException(fileName, number, "empty line");
        }

        if (!Utf8.IsValid(line))
        {
            throw new FileFormatException(fileName, number, "not valid UTF-8");
        }

        var values = new object?[fields.Length];
        var seen = new bool[fields.Length];
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 4, AllowMultipleValues = true });
        try
        {
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "not a JSON object", fileName, number);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                var index = Array.FindIndex(fields, f => f.Name == name);
                Expect(index >= 0, $"unknown field \"{name}\" (expected {string.Join(", ", fields.Select(f => f.Name))})", fileName, number);
                Expect(!seen[index], $"duplicate field \"{name}\"", fileName, number);
                seen[index] = true;
                reader.Read();
                values[index] = ReadValue(ref reader, fields[index], fileName, number);
            }

            Expect(reader.TokenType == JsonTokenType.EndObject, "not a JSON object", fileName, number);
            Expect(!reader.Read(), "content after the JSON object", fileName, number);
        }
        catch (JsonException e)
        {
            throw new FileFormatException(fileName, number, "malformed JSON at " + JsonErrors.Describe(e, singleLine: true));
        }

        for (var i = 0; i < fields.Length; i++)
        {
            Expect(seen[i], $"missing field \"{fields[i].Name}\"", fileName, number);
        }

        return values;
    }

    private static object? ReadValue(ref Utf8JsonReader reader, Field field, string fileName, int number)
    {
        var token = reader.TokenType;
        string Wrong(string expected) => $"field \"{field.Name}\" must be {expected}, not {Describe(token)}";
        switch (field.Kind)
        {
            case FieldKind.String:
                Expect(token == JsonTokenType.String, Wrong("a string"), fileName, number);
                return reader.GetString();
            case FieldKind.NullableString:
                Expect(token is JsonTokenType.String or JsonTokenType.Null, Wrong("a string or null"), fileName, number);
                return token == JsonTokenType.Null ? null : reader.GetString();
            case FieldKind.Boolean:
                Expect(token is JsonTokenType.True or JsonTokenType.False, Wrong("true or false"), fileName, number);
                return token == JsonTokenType.True;
            case FieldKind.Integer:
                Expect(token == JsonTokenType.Number && reader.TryGetInt64(out var n), Wrong("an integer"), fileName, number);
                return reader.GetInt64();
            case FieldKind.Amount:
                Expect(token == JsonTokenType.String, Wrong("a decimal string"), fileName, number);
                var text = reader.GetString()!;
                Expect(text.Length is > 0 and <= 78 && text.All(char.IsAsciiDigit) && (text == "0" || text[0] != '0'),
                    $"field \"{field.Name}\" must be a non-negative decimal integer string, not \"{text}\"", fileName, number);
                return System.Numerics.BigInteger.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            default:
                throw new ArgumentOutOfRangeException(nameof(field));
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => token.ToString(),
    };

    internal static void Expect(bool condition, string problem, string fileName, int line)
    {
        if (!condition)
        {
            throw new FileFormatException(fileName, line, problem);
        }
    }
}
