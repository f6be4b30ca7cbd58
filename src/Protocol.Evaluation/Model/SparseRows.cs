namespace Protocol.Evaluation.Model;

/// <summary>Rows of quantised comparisons in compressed sparse row form (column indices ascending).</summary>
internal sealed class SparseRows : FeatureRows
{
    private SparseRows(int dim, int[] rowStart, int[] columns, int[] values)
    {
        Dim = dim;
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    /// <summary>Number of columns (features).</summary>
    public override int Dim { get; }

    /// <summary>Row r holds entries RowStart[r] … RowStart[r + 1] − 1.</summary>
    public int[] RowStart { get; }

    /// <summary>Column of each entry.</summary>
    public int[] Columns { get; }

    /// <summary>Value of each entry (units of 2^−15).</summary>
    public int[] Values { get; }

    /// <summary>Number of rows.</summary>
    public override int Count => RowStart.Length - 1;

    /// <summary>Stored (nonzero) entries.</summary>
    public override long Entries => Values.LongLength;

    /// <summary>Builds the rows from ones already compressed (column indices ascending, no zeros).</summary>
    public static SparseRows FromCompressed(int dim, IReadOnlyList<(int[] Columns, int[] Values)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var start = new int[rows.Count + 1];
        for (var r = 0; r < rows.Count; r++)
        {
            start[r + 1] = start[r] + rows[r].Columns.Length;
        }

        var cols = new int[start[^1]];
        var vals = new int[start[^1]];
        for (var r = 0; r < rows.Count; r++)
        {
            rows[r].Columns.CopyTo(cols, start[r]);
            rows[r].Values.CopyTo(vals, start[r]);
        }

        return new SparseRows(dim, start, cols, vals);
    }

    /// <summary>One dense quantised vector as (columns, values) of its nonzero entries.</summary>
    public static (int[] Columns, int[] Values) Compress(int[] dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        var n = 0;
        foreach (var v in dense)
        {
            n += v != 0 ? 1 : 0;
        }

        var cols = new int[n];
        var vals = new int[n];
        for (int j = 0, k = 0; j < dense.Length; j++)
        {
            if (dense[j] != 0)
            {
                (cols[k], vals[k]) = (j, dense[j]);
                k++;
            }
        }

        return (cols, vals);
    }

    /// <summary>The transpose (rows become feature columns), for kernels that reduce per feature.</summary>
    public SparseRows Transpose()
    {
        var start = new int[Dim + 1];
        foreach (var c in Columns)
        {
            start[c + 1]++;
        }

        for (var j = 0; j < Dim; j++)
        {
            start[j + 1] += start[j];
        }

        var fill = (int[])start.Clone();
        var cols = new int[Columns.Length];
        var vals = new int[Values.Length];
        for (var r = 0; r < Count; r++)
        {
            for (var e = RowStart[r]; e < RowStart[r + 1]; e++)
            {
                var p = fill[Columns[e]]++;
                cols[p] = r;
                vals[p] = Values[e];
            }
        }

        return new SparseRows(Count, start, cols, vals);
    }

    /// <summary>Σ x·w of one row in units of 2^−39 (exact int64).</summary>
    public override long Dot(int row, ReadOnlySpan<long> w)
    {
        long z = 0;
        for (var e = RowStart[row]; e < RowStart[row + 1]; e++)
        {
            z += Values[e] * w[Columns[e]];
        }

        return z;
    }

    /// <summary>Σ x·v of one row with 128-bit accumulation (for vectors whose entries exceed 2^47).</summary>
    public override Int128 DotWide(int row, ReadOnlySpan<long> v)
    {
        Int128 z = 0;
        for (var e = RowStart[row]; e < RowStart[row + 1]; e++)
        {
            z += (Int128)v[Columns[e]] * Values[e];
        }

        return z;
    }

    /// <summary>Σ x_j² of one row (units of 2^−30).</summary>
    public override long SquaredNorm(int row)
    {
        long s = 0;
        for (var e = RowStart[row]; e < RowStart[row + 1]; e++)
        {
            s += (long)Values[e] * Values[e];
        }

        return s;
    }

    /// <summary>acc_j += r · x_j for one row, in 128 bits.</summary>
    public override void AddScaled(int row, long r, Span<Int128> acc)
    {
        for (var e = RowStart[row]; e < RowStart[row + 1]; e++)
        {
            acc[Columns[e]] += (Int128)r * Values[e];
        }
    }

    /// <summary>acc_j += r · x_j for one row in 64 bits (the caller bounds the sums).</summary>
    public override void AddScaled(int row, long r, Span<long> acc)
    {
        for (var e = RowStart[row]; e < RowStart[row + 1]; e++)
        {
            acc[Columns[e]] += r * Values[e];
        }
    }
}
