using Protocol.Core.Files;

namespace Protocol.Core.Arrays;

/// <summary>
/// A float array in a NumPy .npy or Hugging Face .safetensors file, read one row at a time so that a file of
/// gigabytes needs memory for one row only. A row is one index of the first dimension with every later
/// dimension flattened in C order. Opening checks the header and the file's size against it, so a damaged or
/// truncated file fails before the first row. Enumerate <see cref="ReadRows"/> once at a time.
/// </summary>
public sealed class ArrayFile : IDisposable
{
    // Small next to the files (gigabytes) and large enough that a row costs few system calls.
    private const int BufferBytes = 1 << 16;

    private readonly FileStream _stream;
    private readonly string _fileName;
    private readonly ElementType _type;
    private readonly long _dataOffset;
    private readonly long[] _shape;
    private int _reading;
    private bool _disposed;

    internal ArrayFile(FileStream stream, string fileName, string source, long[] shape, ElementType type, long dataOffset, IReadOnlyDictionary<string, string> metadata)
    {
        _stream = stream;
        _fileName = fileName;
        _type = type;
        _dataOffset = dataOffset;
        _shape = shape;
        Source = source;
        Metadata = metadata;
        Rows = shape[0];
        RowLength = ArrayShape.RowLength(fileName, shape);
    }

    /// <summary>The array's dimensions, first dimension first.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The element type as stored: "float16", "bfloat16", "float32" or "float64".</summary>
    public string DType => _type.Name;

    /// <summary>Where the array came from: the path, plus "#tensor" for a safetensors file.</summary>
    public string Source { get; }

    /// <summary>The safetensors "__metadata__" strings; empty for .npy files.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The number of rows: the first dimension.</summary>
    public long Rows { get; }

    /// <summary>Values per row: the product of every dimension after the first (1 for a 1-D array).</summary>
    public long RowLength { get; }

    /// <summary>Opens a NumPy .npy file (format version 1.0, 2.0 or 3.0) of float16, float32 or float64.</summary>
    /// <exception cref="FileFormatException">The file is not a readable float .npy file; the message says why and what to do.</exception>
    public static ArrayFile OpenNpy(string path) => NpyFormat.Open(path);

    /// <summary>Opens one tensor (F16, BF16, F32 or F64) of a .safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tensor">The tensor's name; may be omitted when the file holds a single tensor.</param>
    /// <exception cref="FileFormatException">The file is damaged, the tensor is missing or ambiguous, or its dtype is not a supported float.</exception>
    public static ArrayFile OpenSafetensors(string path, string? tensor = null) => SafetensorsFormat.Open(path, tensor);

    /// <summary>
    /// Yields the rows in order, each a new array of <see cref="RowLength"/> values converted exactly to double.
    /// Reads lazily: stopping early reads no further.
    /// </summary>
    public IEnumerable<double[]> ReadRows(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Enumerate(ct);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _stream.Dispose();
    }

    internal static FileStream OpenStream(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, FileOptions.SequentialScan);

    private IEnumerable<double[]> Enumerate(CancellationToken ct)
    {
        // One stream, one position: two enumerations at once would read each other's bytes.
        if (Interlocked.Exchange(ref _reading, 1) != 0)
            throw new InvalidOperationException($"{Source} is already being read; finish or dispose the other enumeration first");
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _stream.Position = _dataOffset;
            var chunk = new byte[Math.Max(_type.Size, BufferBytes / _type.Size * _type.Size)];
            var perChunk = chunk.Length / _type.Size;
            for (long r = 0; r < Rows; r++)
            {
                ct.ThrowIfCancellationRequested();
                var row = new double[RowLength];
                for (var filled = 0; filled < row.Length;)
                {
                    var count = Math.Min(row.Length - filled, perChunk);
                    var bytes = chunk.AsSpan(0, count * _type.Size);
                    Fill(bytes, r);
                    _type.Decode(bytes, row.AsSpan(filled, count));
                    filled += count;
                }

                yield return row;
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    private void Fill(Span<byte> bytes, long row)
    {
        try
        {
            _stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException)
        {
            // The size was checked on opening, so the file changed under us.
            throw new FileFormatException(_fileName, 0, $"the file ended inside row {row}: it shrank after it was opened; import it again once it is complete");
        }
    }
}
