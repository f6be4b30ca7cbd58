using Protocol.Core.Files;

namespace Protocol.Core.Arrays;

/// <summary>Size arithmetic on a shape, checked: a damaged header must not wrap around to a small, plausible size.</summary>
internal static class ArrayShape
{
    /// <summary>Python's spelling of a shape, as labs see it in NumPy: (3,) or (3, 4).</summary>
    internal static string Describe(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    /// <summary>The bytes the shape needs at <paramref name="itemSize"/> bytes per element.</summary>
    internal static long ByteCount(string fileName, IReadOnlyList<long> shape, int itemSize) =>
        Product(fileName, shape, first: 0, itemSize);

    /// <summary>Elements per row (every dimension after the first), bounded so one row fits in a .NET array.</summary>
    internal static long RowLength(string fileName, IReadOnlyList<long> shape)
    {
        // Checked on its own: a zero first dimension makes ByteCount 0 however large the rest is.
        var length = Product(fileName, shape, first: 1, seed: 1);
        if (length > Array.MaxLength)
            throw new FileFormatException(fileName, 0, $"rows of shape {Describe(shape)} hold {length} values each, more than one row can hold in memory; reshape to (N, D) with a smaller D");
        return length;
    }

    private static long Product(string fileName, IReadOnlyList<long> shape, int first, long seed)
    {
        var product = seed;
        for (var i = first; i < shape.Count; i++)
        {
            if (shape[i] < 0)
                throw new FileFormatException(fileName, 0, $"shape {Describe(shape)} has a negative dimension");
            try
            {
                product = checked(product * shape[i]);
            }
            catch (OverflowException)
            {
                throw new FileFormatException(fileName, 0, $"shape {Describe(shape)} is too large: its size overflows a 64-bit integer");
            }
        }

        return product;
    }
}
