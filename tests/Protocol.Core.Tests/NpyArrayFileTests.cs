using Protocol.Core.Arrays;
using Protocol.Core.Files;
using static Protocol.Core.Tests.ArrayFileWriter;

namespace Protocol.Core.Tests;

public sealed class NpyArrayFileTests : IDisposable
{
    private readonly ArrayFileWriter _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(1, "<f2", "float16")]
    [InlineData(1, "<f4", "float32")]
    [InlineData(1, "<f8", "float64")]
    [InlineData(1, ">f2", "float16")]
    [InlineData(1, ">f4", "float32")]
    [InlineData(1, ">f8", "float64")]
    [InlineData(2, "<f4", "float32")]
    [InlineData(2, ">f8", "float64")]
    [InlineData(3, "<f2", "float16")]
    [InlineData(1, "=f4", "float32")]
    public void Float_arrays_round_trip_in_every_version_and_byte_order(int major, string descr, string dtype)
    {
        var values = Ramp(12);
        var bytes = NpyArray(major, descr, [3, 4], values);
        Assert.Equal(0, (bytes.Length - (values.Length * int.Parse(descr[2..], System.Globalization.CultureInfo.InvariantCulture))) % 64);
        var path = _files.Write("a.npy", bytes);

        using var array = ArrayFile.OpenNpy(path);
        Assert.Equal([3L, 4L], array.Shape);
        Assert.Equal(dtype, array.DType);
        Assert.Equal((3L, 4L), (array.Rows, array.RowLength));
        Assert.Equal(path, array.Source);
        Assert.Empty(array.Metadata);
        var rows = array.ReadRows().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(values, rows.SelectMany(r => r));
    }

    [Fact]
    public void Conversion_to_double_is_exact_at_the_edges_of_each_type()
    {
        double[] halves = [65504, -6.103515625e-05, 5.960464477539063e-08, double.PositiveInfinity, -0.0];
        double[] singles = [(double)0.1f, float.MaxValue, float.Epsilon, double.NegativeInfinity];
        double[] doubles = [0.1, Math.PI, double.Epsilon, double.MaxValue];
        foreach (var (descr, values) in new[] { ("<f2", halves), (">f2", halves), ("<f4", singles), (">f4", singles), ("<f8", doubles), (">f8", doubles) })
        {
            var path = _files.Write("edge.npy", NpyArray(1, descr, [values.Length], values));
            using var array = ArrayFile.OpenNpy(path);
            Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), array.ReadRows().Select(r => BitConverter.DoubleToInt64Bits(Assert.Single(r))));
        }
    }

    [Fact]
    public void A_three_dimensional_array_flattens_each_row_in_C_order()
    {
        var values = Ramp(5 * 2 * 3);
        var path = _files.Write("pairs.npy", NpyArray(1, "<f4", [5, 2, 3], values));
        using var array = ArrayFile.OpenNpy(path);
        Assert.Equal((5L, 6L), (array.Rows, array.RowLength));
        var rows = array.ReadRows().ToList();
        Assert.Equal(values[6..12], rows[1]);
        Assert.Equal(values, rows.SelectMany(r => r));
    }

    [Fact]
    public void A_one_dimensional_array_has_rows_of_one_value_and_empty_arrays_have_no_rows()
    {
        var path = _files.Write("vector.npy", NpyArray(1, "<f8", [4], [1, 2, 3, 4]));
        using (var array = ArrayFile.OpenNpy(path))
        {
            Assert.Equal((4L, 1L), (array.Rows, array.RowLength));
            Assert.Equal([1.0, 2, 3, 4], array.ReadRows().Select(r => Assert.Single(r)));
        }

        path = _files.Write("empty.npy", NpyArray(1, "<f4", [0, 768], []));
        using var empty = ArrayFile.OpenNpy(path);
        Assert.Equal((0L, 768L), (empty.Rows, empty.RowLength));
        Assert.Empty(empty.ReadRows());
    }

    [Theory]
    [InlineData("{'descr':'<f4','fortran_order':False,'shape':(2,3)}")]
    [InlineData("{ 'shape' : ( 2 , 3 , ) , \"descr\" : \"<f4\" , 'fortran_order' : False , }")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 6), }")]
    public void Headers_are_read_as_Python_literals(string header)
    {
        var path = _files.Write("h.npy", Npy(1, header, Encode(Ramp(6), "f4")));
        using var array = ArrayFile.OpenNpy(path);
        Assert.Equal(6, array.ReadRows().Sum(r => r.Length));
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", 24, "not a valid Python dict literal (expected ',' or '}' at the end of the header)")]
    [InlineData("[('descr', '<f4')]", 24, "expected '{' at character 1")]
    [InlineData("{'descr': '<f4', 'fortran_order': false, 'shape': (2, 3)}", 24, "expected a string, an integer, True")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'shape': (2, 3)}", 24, "duplicate key 'descr'")]
    [InlineData("{'descr': '<f4', 'shape': (2, 3)}", 24, "exactly the keys 'descr', 'fortran_order' and 'shape', not 'descr', 'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", 24, "exactly the keys")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}", 24, "np.ascontiguousarray")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}", 24, "'fortran_order' must be True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': ()}", 4, "0-d (a single scalar)")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6)}", 24, "'shape' must be a tuple of integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}", 24, "'shape' must be a tuple of integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3)}", 24, "shape (-2, 3) has a negative dimension")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}", 24, "overflows a 64-bit integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", 24, "fits in 64 bits")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (3,)}", 24, "dtype '<i8' is not supported: only float16, float32 or float64")]
    [InlineData("{'descr': '<c16', 'fortran_order': False, 'shape': (3,)}", 48, "dtype '<c16' is not supported")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (3,)}", 24, "dtype '|O' is not supported")]
    [InlineData("{'descr': '|f4', 'fortran_order': False, 'shape': (6,)}", 24, "'|' means byte order does not apply")]
    [InlineData("{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (3,)}", 24, "structured dtypes")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 4)}", 100, "the data is truncated: shape (10, 4) of float32 needs 160 bytes but only 100 follow the header")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", 28, "4 trailing bytes after the data")]
    public void Broken_headers_and_sizes_are_refused_with_what_to_do(string header, int dataBytes, string problem)
    {
        var path = _files.Write("bad.npy", Npy(1, header, new byte[dataBytes]));
        var error = Assert.Throws<FileFormatException>(() => ArrayFile.OpenNpy(path));
        Assert.Equal((path, 0), (error.FileName, error.Line));
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_that_are_not_npy_or_of_another_version_are_refused()
    {
        var good = NpyArray(1, "<f4", [2], [1, 2]);
        var good2 = NpyArray(2, "<f4", [2], [1, 2]);
        Assert.Contains("not an .npy file", Refuse([.. "PK"u8, 3, 4]), StringComparison.Ordinal);
        Assert.Contains("not an .npy file", Refuse([0x93, .. "NUM"u8]), StringComparison.Ordinal);
        Assert.Contains("not an .npy file", Refuse([0x93, .. "NUMPZ"u8, .. good[6..]]), StringComparison.Ordinal);
        Assert.Contains("unsupported .npy version 4.0", Refuse(Npy(4, NpyHeader("<f4", [2]), new byte[8])), StringComparison.Ordinal);
        Assert.Contains("unsupported .npy version 1.1", Refuse(Npy(1, NpyHeader("<f4", [2]), new byte[8], minor: 1)), StringComparison.Ordinal);
        Assert.Contains("ends inside the header length", Refuse(good[..9]), StringComparison.Ordinal);
        Assert.Contains("runs past the end of the file", Refuse(good[..40]), StringComparison.Ordinal);
        Assert.Contains("the header length 4294967295 runs past the end", Refuse([.. good2[..8], 0xFF, 0xFF, 0xFF, 0xFF, .. good2[12..]]), StringComparison.Ordinal);

        byte[] latin1 = Npy(3, NpyHeader("<f4", [2]), Encode([1, 2], "f4"));
        latin1[20] = 0xE9; // a Latin-1 'é' where version 3.0 requires UTF-8
        Assert.Contains("not valid UTF-8", Refuse(latin1), StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_large_file_is_refused_on_opening_before_any_row()
    {
        // The header promises a million 768-wide rows; only ten are present.
        var path = _files.Write("big.npy", Npy(1, NpyHeader("<f4", [1_000_000, 768]), new byte[10 * 768 * 4]));
        var error = Assert.Throws<FileFormatException>(() => ArrayFile.OpenNpy(path));
        Assert.Contains("needs 3072000000 bytes but only 30720 follow the header", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_are_read_lazily_and_each_enumeration_starts_again()
    {
        var values = Ramp(10_000 * 4);
        var path = _files.Write("rows.npy", NpyArray(2, "<f4", [10_000, 4], values));
        using var array = ArrayFile.OpenNpy(path);
        var first = array.ReadRows().Take(3).ToList();
        Assert.Equal(values[..12], first.SelectMany(r => r));
        Assert.Equal(values[..4], array.ReadRows().First());

        using (var reading = array.ReadRows().GetEnumerator())
        {
            Assert.True(reading.MoveNext());
            Assert.Throws<InvalidOperationException>(() => array.ReadRows().First());
        }

        Assert.Throws<OperationCanceledException>(() => array.ReadRows(new CancellationToken(canceled: true)).First());
        array.Dispose();
        Assert.Throws<ObjectDisposedException>(() => array.ReadRows());
    }

    private string Refuse(byte[] bytes)
    {
        var path = _files.Write("refused.npy", bytes);
        return Assert.Throws<FileFormatException>(() => ArrayFile.OpenNpy(path)).Problem;
    }
}
