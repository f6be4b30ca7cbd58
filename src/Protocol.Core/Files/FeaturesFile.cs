using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Protocol.Core.Hashing;

namespace Protocol.Core.Files;

/// <summary>
/// What a features file says about itself (docs/formats.md, "Committed features"). Row r is comparison r of the
/// JSON Lines file whose keccak256 is <see cref="ItemsHash"/>: x = f(a) − f(b), each entry q · 2^−ScaleBits.
/// </summary>
/// <param name="Kind">"tasks" (the task pool's rows) or "gold" (the gold set's rows).</param>
/// <param name="Rows">Rows: one per line of the JSON Lines file, in its order.</param>
/// <param name="Dim">Entries per row.</param>
/// <param name="ScaleBits">An entry q stands for q · 2^−ScaleBits (14: the range [−2, 2), enough for differences of unit vectors).</param>
/// <param name="ItemsHash">keccak256 of the JSON Lines file the rows belong to.</param>
/// <param name="Model">The model that made the features, for auditors (e.g. all-MiniLM-L6-v2).</param>
/// <param name="Settings">The model's settings, for auditors: source, sha256, text, maxTokens, pooling, normalisation, note.</param>
public sealed record FeaturesHeader(string Kind, int Rows, int Dim, int ScaleBits, Bytes32 ItemsHash, string Model, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>Bytes of the rows after the header.</summary>
    public long DataBytes => (long)Rows * Dim * sizeof(short);
}

/// <summary>
/// The binary, content-addressed features file a sponsor commits to: "FMPFEAT1", a little-endian uint32 header
/// length, the header as one canonical JSON object, then rows × dim little-endian int16. Every byte is hashed
/// (the market commits to its keccak256 through <see cref="FeatureBinding"/>), and integers cannot be NaN:
/// every node reads the same numbers. Readers check the exact length before reading a row and stream the rows.
/// </summary>
public static class FeaturesFile
{
    /// <summary>The header's <c>format</c> value this version reads and writes.</summary>
    public const string Format = "fmp-features/1";

    /// <summary>The only entry type of format 1.</summary>
    public const string DType = "int16";

    /// <summary>Most entries per row (keeps the trainer's int64 margins exact: 2^13 · 2^16 · 2^31 &lt; 2^63).</summary>
    public const int MaxDim = 8192;

    /// <summary>Most rows (the task pool's own limit is what binds in practice).</summary>
    public const int MaxRows = 1 << 26;

    /// <summary>Largest header.</summary>
    public const int MaxHeaderBytes = 64 << 10;

    /// <summary>The scales format 1 allows: entries at 2^−14 or 2^−15 stay within the trainer's |x| ≤ 2 bound.</summary>
    public static readonly IReadOnlyList<int> ScaleBitsAllowed = [14, 15];

    /// <summary>The optional header fields (all strings) auditors read.</summary>
    public static readonly IReadOnlyList<string> SettingNames = ["source", "sha256", "text", "maxTokens", "pooling", "normalisation", "note"];

    private static readonly byte[] Magic = "FMPFEAT1"u8.ToArray();
    private static readonly string[] Kinds = ["tasks", "gold"];

    /// <summary>Size of the preamble (magic and header length) before the header.</summary>
    public const int PreambleBytes = 12;

    /// <summary>The header's exact bytes (canonical: fixed field order, no spaces), without the preamble.</summary>
    public static byte[] HeaderBytes(FeaturesHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        Validate(header, "features header");
        var line = new CanonicalLine()
            .Text("format", Format).Text("kind", header.Kind).Number("rows", header.Rows).Number("dim", header.Dim)
            .Text("dtype", DType).Number("scaleBits", header.ScaleBits).Text("items", header.ItemsHash.ToString()).Text("model", header.Model);
        foreach (var name in SettingNames)
        {
            if (header.Settings.TryGetValue(name, out var value))
            {
                line.Text(name, value);
            }
        }

        var text = line.ToString();
        return Encoding.UTF8.GetBytes(text[..^1]); // the object without the JSON Lines newline
    }

    /// <summary>Everything before the first row: the magic, the header's length and the header.</summary>
    public static byte[] Head(FeaturesHeader header)
    {
        var head = HeaderBytes(header);
        var bytes = new byte[PreambleBytes + head.Length];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)head.Length);
        head.CopyTo(bytes, PreambleBytes);
        return bytes;
    }

    /// <summary>Writes a whole features file: preamble, header, then exactly header.Rows rows of header.Dim entries.</summary>
    public static async Task WriteAsync(Stream stream, FeaturesHeader header, IEnumerable<short[]> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(rows);
        await stream.WriteAsync(Head(header), cancellationToken).ConfigureAwait(false);
        var buffer = new byte[header.Dim * sizeof(short)];
        var count = 0;
        foreach (var row in rows)
        {
            if (row.Length != header.Dim)
            {
                throw new ArgumentException($"row {count} has {row.Length} entries, the header says {header.Dim}");
            }

            if (++count > header.Rows)
            {
                throw new ArgumentException($"more rows than the header's {header.Rows}");
            }

            for (var j = 0; j < row.Length; j++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(j * sizeof(short)), row[j]);
            }

            await stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        if (count != header.Rows)
        {
            throw new ArgumentException($"{count} rows written, the header says {header.Rows}");
        }
    }

    /// <summary>The whole file in memory (tests, small markets).</summary>
    public static byte[] ToBytes(FeaturesHeader header, IEnumerable<short[]> rows)
    {
        using var buffer = new MemoryStream();
        WriteAsync(buffer, header, rows).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads and checks the preamble and header from the start of <paramref name="stream"/> (left positioned at the
    /// first row), and checks that the file's <paramref name="length"/> is exactly preamble + header + rows.
    /// </summary>
    public static FeaturesHeader ReadHeader(Stream stream, long length, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var preamble = new byte[PreambleBytes];
        if (ReadFully(stream, preamble) < PreambleBytes || !preamble.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw Problem(fileName, "not a features file (it must start with \"FMPFEAT1\"; make one with `fmp features embed` or `fmp features import`)");
        }

        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble.AsSpan(8));
        if (headerLength is 0 or > MaxHeaderBytes || PreambleBytes + headerLength > length)
        {
            throw Problem(fileName, $"header length {headerLength} is not between 1 and {Math.Min(MaxHeaderBytes, Math.Max(0, length - PreambleBytes))} bytes (truncated or not a features file)");
        }

        var head = new byte[headerLength];
        if (ReadFully(stream, head) < head.Length)
        {
            throw Problem(fileName, "truncated inside the header");
        }

        var header = ParseHeader(head, fileName);
        var expected = PreambleBytes + headerLength + header.DataBytes;
        if (length != expected)
        {
            throw Problem(fileName, length < expected
                ? $"truncated: {header.Rows} rows × {header.Dim} int16 need {expected} bytes, the file has {length}"
                : $"{length - expected} bytes after the last of {header.Rows} rows (expected {expected} bytes in all)");
        }

        return header;
    }

    /// <summary>
    /// Streams the rows once and copies the wanted ones (ascending row numbers) into a flat array of
    /// wanted.Count × Dim entries; memory is bounded by what is kept, whatever the file's size.
    /// </summary>
    public static short[] ReadRows(Stream stream, FeaturesHeader header, IReadOnlyList<int> wanted, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(wanted);
        var result = new short[(long)wanted.Count * header.Dim];
        var rowBytes = header.Dim * sizeof(short);
        var buffer = new byte[rowBytes];
        var next = 0;
        for (var r = 0; r < header.Rows && next < wanted.Count; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ReadFully(stream, buffer) < rowBytes)
            {
                throw Problem(fileName, $"truncated in row {r}");
            }

            if (wanted[next] < r)
            {
                throw new ArgumentException("wanted rows must be ascending and distinct", nameof(wanted));
            }

            if (wanted[next] != r)
            {
                continue;
            }

            var target = result.AsSpan(next * header.Dim, header.Dim);
            for (var j = 0; j < target.Length; j++)
            {
                target[j] = BinaryPrimitives.ReadInt16LittleEndian(buffer.AsSpan(j * sizeof(short)));
            }

            next++;
        }

        return next == wanted.Count ? result : throw new ArgumentException($"row {wanted[next]} is beyond the file's {header.Rows} rows", nameof(wanted));
    }

    /// <summary>A real entry quantised: round half away from zero at 2^−scaleBits, clamped to int16. Not finite is an error.</summary>
    public static short Quantise(double value, int scaleBits)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a feature must be a finite number");
        }

        var scaled = Math.Round(Math.ScaleB(value, scaleBits), MidpointRounding.AwayFromZero);
        return (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
    }

    private static FeaturesHeader ParseHeader(byte[] head, string fileName)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(head);
        }
        catch (JsonException e)
        {
            throw Problem(fileName, $"header is not valid JSON: {JsonErrors.Describe(e, singleLine: true)}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Problem(fileName, "header is not a JSON object");
            }

            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            string[] required = ["format", "kind", "rows", "dim", "dtype", "scaleBits", "items", "model"];
            foreach (var p in root.EnumerateObject())
            {
                if (!required.Contains(p.Name) && !SettingNames.Contains(p.Name))
                {
                    throw Problem(fileName, $"header: unknown field \"{p.Name}\" (fields: {string.Join(", ", required.Concat(SettingNames))})");
                }

                if (!fields.TryAdd(p.Name, p.Value))
                {
                    throw Problem(fileName, $"header: duplicate field \"{p.Name}\"");
                }
            }

            foreach (var name in required.Where(n => !fields.ContainsKey(n)))
            {
                throw Problem(fileName, $"header: missing field \"{name}\"");
            }

            string Text(string name) => fields[name].ValueKind == JsonValueKind.String
                ? fields[name].GetString()!
                : throw Problem(fileName, $"header: \"{name}\" must be a string");
            int Integer(string name) => fields[name].ValueKind == JsonValueKind.Number && fields[name].TryGetInt32(out var v)
                ? v
                : throw Problem(fileName, $"header: \"{name}\" must be an integer");

            if (Text("format") != Format)
            {
                throw Problem(fileName, $"header: format \"{Text("format")}\" is not one this version reads ({Format})");
            }

            if (Text("dtype") != DType)
            {
                throw Problem(fileName, $"header: dtype \"{Text("dtype")}\" is not supported ({Format} stores {DType})");
            }

            Bytes32 items;
            try
            {
                items = Bytes32.Parse(Text("items"));
            }
            catch (FormatException)
            {
                throw Problem(fileName, "header: \"items\" must be the 0x-prefixed keccak256 of the JSON Lines file (64 hex digits)");
            }

            var settings = SettingNames.Where(fields.ContainsKey).ToDictionary(n => n, Text, StringComparer.Ordinal);
            var header = new FeaturesHeader(Text("kind"), Integer("rows"), Integer("dim"), Integer("scaleBits"), items, Text("model"), settings);
            Validate(header, fileName);
            return header;
        }
    }

    private static void Validate(FeaturesHeader h, string fileName)
    {
        ArgumentNullException.ThrowIfNull(h.Settings);
        if (!Kinds.Contains(h.Kind))
        {
            throw Problem(fileName, $"header: kind \"{h.Kind}\" must be \"tasks\" or \"gold\"");
        }

        if (h.Rows is < 1 or > MaxRows)
        {
            throw Problem(fileName, $"header: rows {h.Rows} must be between 1 and {MaxRows}");
        }

        if (h.Dim is < 1 or > MaxDim)
        {
            throw Problem(fileName, $"header: dim {h.Dim} must be between 1 and {MaxDim}");
        }

        if (!ScaleBitsAllowed.Contains(h.ScaleBits))
        {
            throw Problem(fileName, $"header: scaleBits {h.ScaleBits} must be 14 or 15");
        }

        if (string.IsNullOrWhiteSpace(h.Model))
        {
            throw Problem(fileName, "header: \"model\" must name the model that made the features");
        }

        if (h.Settings.Keys.FirstOrDefault(k => !SettingNames.Contains(k)) is { } unknown)
        {
            throw Problem(fileName, $"header: unknown setting \"{unknown}\" (settings: {string.Join(", ", SettingNames)})");
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static FileFormatException Problem(string fileName, string problem) => new(fileName, 0, problem);
}
