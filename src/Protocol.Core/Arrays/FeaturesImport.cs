using System.Buffers.Binary;
using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Core.Arrays;

/// <summary>What to import: the array, the JSON Lines file's ids, and how the array's rows map onto them.</summary>
/// <param name="Kind">"tasks" or "gold".</param>
/// <param name="ItemIds">The JSON Lines file's ids, in its order (row r of the features file is line r).</param>
/// <param name="ItemsHash">keccak256 of the JSON Lines file.</param>
/// <param name="ArrayIds">The id of each array row, when the array is not in the file's order (null: it is).</param>
/// <param name="Model">The model that made the embeddings (goes into the header for auditors).</param>
/// <param name="Normalise">L2-normalise each embedding of an (N, 2, D) array before taking f(a) − f(b).</param>
/// <param name="Settings">Further header settings (source, text, pooling, note …).</param>
public sealed record FeaturesImportRequest(
    string Kind,
    IReadOnlyList<string> ItemIds,
    Bytes32 ItemsHash,
    IReadOnlyList<string>? ArrayIds,
    string Model,
    bool Normalise,
    IReadOnlyDictionary<string, string> Settings);

/// <summary>
/// Turns a lab's embeddings (.npy or .safetensors, float16/bfloat16/float32/float64) into a features file. The array
/// is (N, D) comparison rows x = f(a) − f(b), or (N, 2, D) embeddings [f(a), f(b)] per comparison. Rows are
/// streamed in and written in place into a seekable output, so memory stays bounded in any row order.
/// </summary>
public static class FeaturesImport
{
    /// <summary>Entries are quantised at 2^−14: the range [−2, 2) holds every difference of two unit vectors.</summary>
    public const int ScaleBits = 14;

    /// <summary>Writes the features file to <paramref name="output"/> (seekable, empty); returns its header.</summary>
    public static FeaturesHeader Write(ArrayFile array, FeaturesImportRequest request, Stream output, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        var (pairs, dim) = Layout(array);
        var order = RowOrder(array, request);
        var header = new FeaturesHeader(request.Kind, request.ItemIds.Count, checked((int)dim), ScaleBits, request.ItemsHash, request.Model,
            new Dictionary<string, string>(request.Settings, StringComparer.Ordinal));
        output.Write(FeaturesFile.Head(header));
        var dataStart = output.Position;
        output.SetLength(dataStart + header.DataBytes);

        var buffer = new byte[header.Dim * sizeof(short)];
        long r = 0;
        foreach (var row in array.ReadRows(ct))
        {
            var target = order[r];
            var comparison = Comparison(row, pairs, dim, request.Normalise);
            for (var j = 0; j < dim; j++)
            {
                var x = comparison[j];
                if (!double.IsFinite(x))
                {
                    throw Problem(array, $"row {r}, entry {j} is {x}: embeddings must be finite numbers");
                }

                if (x is < -2 or >= 2)
                {
                    throw Problem(array, $"row {r}, entry {j} is {x}, outside [-2, 2): give (N, 2, D) embeddings (normalised here), or L2-normalise before taking f(a) - f(b)");
                }

                BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(j * sizeof(short)), FeaturesFile.Quantise(x, ScaleBits));
            }

            output.Position = dataStart + (target * buffer.Length);
            output.Write(buffer);
            progress?.Report(++r);
        }

        output.Position = dataStart + header.DataBytes;
        return header;
    }

    /// <summary>(N, D) rows, or (N, 2, D) pairs; anything else is named.</summary>
    private static (bool Pairs, long Dim) Layout(ArrayFile array) => array.Shape.Count switch
    {
        2 when array.Shape[1] is >= 1 and <= FeaturesFile.MaxDim => (false, array.Shape[1]),
        3 when array.Shape[1] == 2 && array.Shape[2] is >= 1 and <= FeaturesFile.MaxDim => (true, array.Shape[2]),
        _ => throw Problem(array, $"shape ({string.Join(", ", array.Shape)}) is not (N, D) comparison rows or (N, 2, D) embeddings of a and b, with 1 <= D <= {FeaturesFile.MaxDim}"),
    };

    /// <summary>The features-file row each array row goes to; every item exactly once.</summary>
    private static long[] RowOrder(ArrayFile array, FeaturesImportRequest request)
    {
        var items = request.ItemIds;
        if (request.ArrayIds is null)
        {
            return array.Rows == items.Count
                ? [.. Enumerable.Range(0, items.Count).Select(i => (long)i)]
                : throw Problem(array, $"{array.Rows} rows, the {request.Kind} file has {items.Count} lines (give --ids when the array is in another order)");
        }

        var ids = request.ArrayIds;
        if (ids.Count != array.Rows)
        {
            throw Problem(array, $"{array.Rows} rows, but the ids file names {ids.Count}");
        }

        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            position.TryAdd(items[i], i);
        }

        var order = new long[ids.Count];
        var seen = new bool[items.Count];
        for (var k = 0; k < ids.Count; k++)
        {
            if (!position.TryGetValue(ids[k], out var p))
            {
                throw new FileFormatException("ids", k + 1, $"unknown id '{ids[k]}' (not in the {request.Kind} file)");
            }

            if (seen[p])
            {
                throw new FileFormatException("ids", k + 1, $"duplicate id '{ids[k]}'");
            }

            seen[p] = true;
            order[k] = p;
        }

        var missing = Array.IndexOf(seen, false);
        return missing < 0 ? order : throw new FileFormatException("ids", 0, $"{seen.Count(s => !s)} ids of the {request.Kind} file have no row, the first '{items[missing]}'");
    }

    /// <summary>The comparison row: the array row itself, or f(a) − f(b) from [f(a), f(b)], each optionally L2-normalised.</summary>
    private static double[] Comparison(double[] row, bool pairs, long dim, bool normalise)
    {
        if (!pairs)
        {
            return row;
        }

        double na = 1, nb = 1;
        if (normalise)
        {
            double sa = 0, sb = 0;
            for (var j = 0; j < dim; j++)
            {
                sa += row[j] * row[j];
                sb += row[dim + j] * row[dim + j];
            }

            (na, nb) = (sa > 0 ? Math.Sqrt(sa) : 1, sb > 0 ? Math.Sqrt(sb) : 1);
        }

        var x = new double[dim];
        for (var j = 0; j < dim; j++)
        {
            x[j] = (row[j] / na) - (row[dim + j] / nb);
        }

        return x;
    }

    private static FileFormatException Problem(ArrayFile array, string problem) => new(array.Source, 0, problem);
}
