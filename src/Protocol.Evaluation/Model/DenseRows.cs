namespace Protocol.Evaluation.Model;

/// <summary>
/// Committed features as the trainer reads them: row-major int16 entries q at 2^−scaleBits, used as
/// x = q · 2^(15 − scaleBits) (scaleBits 14 or 15, so |x| ≤ 2^16 as with n-grams). Kept as int16: memory is
/// rows × dim × 2 bytes.
/// </summary>
internal sealed class DenseRows : FeatureRows
{
    private readonly short[] values;
    private readonly int shift;
    private readonly int dim;

    public DenseRows(int dim, int scaleBits, short[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (dim < 1 || values.Length % dim != 0)
        {
            throw new ArgumentException($"{values.Length} entries are not whole rows of {dim}");
        }

        if (scaleBits is < 14 or > FixedPoint.FeatureBits)
        {
            throw new ArgumentOutOfRangeException(nameof(scaleBits), scaleBits, "committed features use scaleBits 14 or 15");
        }

        this.dim = dim;
        this.values = values;
        shift = FixedPoint.FeatureBits - scaleBits;
        Count = values.Length / dim;
    }

    public override int Dim => dim;

    public override int Count { get; }

    public override long Entries => values.LongLength;

    public override long Dot(int row, ReadOnlySpan<long> w)
    {
        var x = values.AsSpan(row * dim, dim);
        long z = 0;
        for (var j = 0; j < x.Length; j++)
        {
            z += x[j] * w[j];
        }

        return z << shift; // Σ (q·2^s)·w = 2^s · Σ q·w, exact
    }

    public override Int128 DotWide(int row, ReadOnlySpan<long> v)
    {
        var x = values.AsSpan(row * dim, dim);
        Int128 z = 0;
        for (var j = 0; j < x.Length; j++)
        {
            z += (Int128)v[j] * x[j];
        }

        return z << shift;
    }

    public override long SquaredNorm(int row)
    {
        var x = values.AsSpan(row * dim, dim);
        long s = 0;
        foreach (var q in x)
        {
            s += q * q;
        }

        return s << (2 * shift);
    }

    public override void AddScaled(int row, long r, Span<Int128> acc)
    {
        var x = values.AsSpan(row * dim, dim);
        var rs = (Int128)r << shift;
        for (var j = 0; j < x.Length; j++)
        {
            acc[j] += rs * x[j];
        }
    }

    public override void AddScaled(int row, long r, Span<long> acc)
    {
        var x = values.AsSpan(row * dim, dim);
        var rs = r << shift;
        for (var j = 0; j < x.Length; j++)
        {
            acc[j] += rs * x[j];
        }
    }
}
