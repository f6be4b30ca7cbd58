namespace Protocol.Evaluation.Model;

/// <summary>
/// Quantised comparison rows (entries in units of 2^−15) as the in-run trainer reads them: sparse for hashed
/// n-grams, dense for committed features. Every operation is exact integer arithmetic, so both give the same bits
/// as the spec's definitions whatever the layout.
/// </summary>
internal abstract class FeatureRows
{
    /// <summary>Number of columns (features).</summary>
    public abstract int Dim { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Count { get; }

    /// <summary>Stored entries (work count for metrics).</summary>
    public abstract long Entries { get; }

    /// <summary>Σ x·w of one row in units of 2^−39 (exact int64).</summary>
    public abstract long Dot(int row, ReadOnlySpan<long> w);

    /// <summary>Σ x·v of one row with 128-bit accumulation (for vectors whose entries exceed 2^47).</summary>
    public abstract Int128 DotWide(int row, ReadOnlySpan<long> v);

    /// <summary>Σ x_j² of one row (units of 2^−30).</summary>
    public abstract long SquaredNorm(int row);

    /// <summary>acc_j += r · x_j for one row, in 128 bits.</summary>
    public abstract void AddScaled(int row, long r, Span<Int128> acc);

    /// <summary>acc_j += r · x_j for one row in 64 bits: the caller guarantees that no partial sum leaves int64.</summary>
    public abstract void AddScaled(int row, long r, Span<long> acc);
}
