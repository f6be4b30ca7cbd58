using Protocol.Core.Arrays;
using Protocol.Core.Files;
using static Protocol.Core.Tests.ArrayFileWriter;

namespace Protocol.Core.Tests;

public sealed class SafetensorsArrayFileTests : IDisposable
{
    private readonly ArrayFileWriter _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("F16", "f2", "float16")]
    [InlineData("BF16", "bf16", "bfloat16")]
    [InlineData("F32", "f4", "float32")]
    [InlineData("F64", "f8", "float64")]
    public void Float_tensors_round_trip(string dtype, string encoding, string name)
    {
        var values = Ramp(12);
        var path = _files.Write("e.safetensors", Safetensors([("embeddings", dtype, [3, 4], Encode(values, encoding))]));

        using var array = ArrayFile.OpenSafetensors(path);
        Assert.Equal([3L, 4L], array.Shape);
        Assert.Equal(name, array.DType);
        Assert.Equal((3L, 4L), (array.Rows, array.RowLength));
        Assert.Equal(path + "#embeddings", array.Source);
        Assert.Equal(values, array.ReadRows().SelectMany(r => r));
    }

    [Fact]
    public void Bfloat16_keeps_infinities_and_extreme_exponents_exactly()
    {
        double[] values = [Math.ScaleB(1, 100), -Math.ScaleB(1, -126), 0.15625, double.NegativeInfinity, -0.0];
        var path = _files.Write("bf.safetensors", Safetensors([("x", "BF16", [values.Length], Encode(values, "bf16"))]));
        using var array = ArrayFile.OpenSafetensors(path);
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), array.ReadRows().Select(r => BitConverter.DoubleToInt64Bits(Assert.Single(r))));
    }

    [Fact]
    public void One_tensor_of_several_is_chosen_by_name_and_metadata_is_exposed()
    {
        var pairs = Ramp(4 * 2 * 3);
        var path = _files.Write("m.safetensors", Safetensors(
            [
                ("ids", "I64", [4], new byte[32]),
                ("pairs", "F32", [4, 2, 3], Encode(pairs, "f4")),
                ("pooled", "F16", [4, 3], Encode(Ramp(12), "f2")),
            ],
            new Dictionary<string, string> { ["format"] = "pt", ["model"] = "e5-small" }));

        using (var array = ArrayFile.OpenSafetensors(path, "pairs"))
        {
            Assert.Equal((4L, 6L, "float32"), (array.Rows, array.RowLength, array.DType));
            Assert.Equal(pairs[6..12], array.ReadRows().ElementAt(1));
            Assert.Equal("e5-small", array.Metadata["model"]);
            Assert.Equal(path + "#pairs", array.Source);
        }

        using (var pooled = ArrayFile.OpenSafetensors(path, "pooled"))
            Assert.Equal(Ramp(12), pooled.ReadRows().SelectMany(r => r));

        var error = Assert.Throws<FileFormatException>(() => ArrayFile.OpenSafetensors(path));
        Assert.Contains("holds 3 tensors; choose one with --tensor NAME: \"ids\", \"pairs\", \"pooled\"", error.Problem, StringComparison.Ordinal);
        error = Assert.Throws<FileFormatException>(() => ArrayFile.OpenSafetensors(path, "pool"));
        Assert.Contains("no tensor named \"pool\"; the file holds \"ids\", \"pairs\", \"pooled\"", error.Problem, StringComparison.Ordinal);
        error = Assert.Throws<FileFormatException>(() => ArrayFile.OpenSafetensors(path, "ids"));
        Assert.Contains("dtype I64, which is not supported: only F16, BF16, F32 or F64", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}", 16, "not valid JSON")]
    [InlineData("[1,2]", 16, "must be a JSON object of tensors")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2]}}", 16, "must be an object {\"dtype\"")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16, "names \"x\" twice")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,32]}}", 16, "data_offsets [0, 32] out of range: the data buffer holds 16 bytes")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,0]}}", 16, "end before they begin")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0]}}", 16, "data_offsets [begin, end] of two non-negative integers")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16, "(16 bytes), but shape (2, 3) of F32 needs 24 bytes")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16, "tensors \"x\" and \"y\" overlap")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16, "bytes 0 to 8 of the data buffer belong to no tensor")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 16, "8 trailing bytes after the last tensor")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2,2],\"data_offsets\":[0,16]}}", 16, "shape (-2, 2) with a negative dimension")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,16]}}", 16, "shape that is not a list of integers")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", 16, "overflows a 64-bit integer")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4, "is 0-d (a single scalar)")]
    [InlineData("{\"__metadata__\":{\"format\":\"pt\"}}", 0, "holds no tensors")]
    [InlineData("{\"__metadata__\":{\"epochs\":3},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "value \"epochs\" must be a string")]
    [InlineData("{\"x\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "dtype C64, which is not supported")]
    public void Broken_headers_and_layouts_are_refused_with_what_to_do(string header, int bufferBytes, string problem)
    {
        var path = _files.Write("bad.safetensors", Safetensors(header, new byte[bufferBytes]));
        var error = Assert.Throws<FileFormatException>(() => ArrayFile.OpenSafetensors(path));
        Assert.Equal((path, 0), (error.FileName, error.Line));
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Absurd_or_overlong_header_lengths_and_short_files_are_refused()
    {
        var good = Safetensors([("x", "F32", [2], Encode([1, 2], "f4"))]);
        Assert.Contains("too few for a safetensors file", Refuse(good[..5]), StringComparison.Ordinal);
        Assert.Contains("header length 200000000 is absurd (over 100 MB)", Refuse([.. BitConverter.GetBytes(200_000_000UL), .. good[8..]]), StringComparison.Ordinal);
        Assert.Contains("runs past the end of the file", Refuse([.. BitConverter.GetBytes(5000UL), .. good[8..]]), StringComparison.Ordinal);
        Assert.Contains("runs past the end of the file", Refuse(good[..20]), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Refuse([.. BitConverter.GetBytes(4UL), 0xFF, 0xFE, 0x7B, 0x7D]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_large_tensor_is_refused_on_opening_before_any_row()
    {
        const string header = "{\"e\":{\"dtype\":\"F32\",\"shape\":[1000000,768],\"data_offsets\":[0,3072000000]}}";
        var path = _files.Write("big.safetensors", Safetensors(header, new byte[10 * 768 * 4]));
        var error = Assert.Throws<FileFormatException>(() => ArrayFile.OpenSafetensors(path));
        Assert.Contains("out of range: the data buffer holds 30720 bytes; the file is truncated", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_of_a_large_tensor_are_read_lazily()
    {
        var values = Ramp(10_000 * 8);
        var path = _files.Write("rows.safetensors", Safetensors([("e", "F32", [10_000, 8], Encode(values, "f4"))]));
        using var array = ArrayFile.OpenSafetensors(path, "e");
        Assert.Equal(values[..24], array.ReadRows().Take(3).SelectMany(r => r));
        Assert.Equal(10_000, array.ReadRows().Count());
    }

    private string Refuse(byte[] bytes)
    {
        var path = _files.Write("refused.safetensors", bytes);
        return Assert.Throws<FileFormatException>(() => ArrayFile.OpenSafetensors(path)).Problem;
    }
}
