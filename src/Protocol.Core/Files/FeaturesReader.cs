namespace Protocol.Core.Files;

/// <summary>
/// A features file opened for reading: its header is checked (and the file's exact length) when it is opened;
/// rows are streamed on demand, so a file of gigabytes costs only the rows kept.
/// </summary>
public sealed class FeaturesReader
{
    private readonly Func<Stream> open;

    private FeaturesReader(Func<Stream> open, FeaturesHeader header, string name)
    {
        this.open = open;
        Header = header;
        Name = name;
    }

    /// <summary>The checked header.</summary>
    public FeaturesHeader Header { get; }

    /// <summary>The file's name or URI, for messages.</summary>
    public string Name { get; }

    /// <summary>Opens a file on disk.</summary>
    public static FeaturesReader Open(string path, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        name ??= path;
        using var stream = File.OpenRead(path);
        var header = FeaturesFile.ReadHeader(stream, stream.Length, name);
        return new FeaturesReader(() => File.OpenRead(path), header, name);
    }

    /// <summary>Opens a file held in memory.</summary>
    public static FeaturesReader FromBytes(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var header = FeaturesFile.ReadHeader(new MemoryStream(bytes, false), bytes.Length, name);
        return new FeaturesReader(() => new MemoryStream(bytes, false), header, name);
    }

    /// <summary>The rows with these ascending numbers, as one flat array of count × dim entries.</summary>
    public short[] ReadRows(IReadOnlyList<int> wanted, CancellationToken cancellationToken = default)
    {
        using var stream = open();
        // The header and the length were checked at open; the rows start right after the header.
        stream.Seek(stream.Length - Header.DataBytes, SeekOrigin.Begin);
        using var buffered = new BufferedStream(stream, 1 << 20);
        return FeaturesFile.ReadRows(buffered, Header, wanted, Name, cancellationToken);
    }

    /// <summary>Every row (small files: the gold set).</summary>
    public short[] ReadAll(CancellationToken cancellationToken = default) => ReadRows(Enumerable.Range(0, Header.Rows).ToArray(), cancellationToken);
}
