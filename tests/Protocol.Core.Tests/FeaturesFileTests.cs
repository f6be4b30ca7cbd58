using System.Buffers.Binary;
using System.Text;
using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Core.Tests;

/// <summary>The committed features file (docs/formats.md): round trip, streaming, and every malformed file named.</summary>
public sealed class FeaturesFileTests
{
    private static readonly Bytes32 Items = Keccak.Hash("{\"id\":\"1\"}\n"u8);

    private static FeaturesHeader Header(int rows = 3, int dim = 4, string kind = "tasks", int scaleBits = 14) =>
        new(kind, rows, dim, scaleBits, Items, "test-model", new Dictionary<string, string> { ["text"] = "response", ["pooling"] = "mean" });

    private static short[][] Rows(int rows, int dim) =>
        [.. Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, dim).Select(j => (short)((r * 1000) - (j * 7) - 16000)).ToArray())];

    private static byte[] File(int rows = 3, int dim = 4) => FeaturesFile.ToBytes(Header(rows, dim), Rows(rows, dim));

    private static string Problem(byte[] bytes) =>
        Assert.Throws<FileFormatException>(() => FeaturesReader.FromBytes(bytes, "f.features")).Message;

    /// <summary>A file whose header JSON is replaced by <paramref name="json"/> (rows kept).</summary>
    private static byte[] WithHeader(string json, int dataBytes)
    {
        var head = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[FeaturesFile.PreambleBytes + head.Length + dataBytes];
        "FMPFEAT1"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)head.Length);
        head.CopyTo(bytes, FeaturesFile.PreambleBytes);
        return bytes;
    }

    [Fact]
    public void Rows_round_trip_and_a_subset_is_read_by_streaming()
    {
        var bytes = File(5, 3);
        var reader = FeaturesReader.FromBytes(bytes, "f.features");
        Assert.Equal(Header(5, 3) with { Settings = reader.Header.Settings }, reader.Header);
        Assert.Equal("response", reader.Header.Settings["text"]);
        Assert.Equal(Rows(5, 3).SelectMany(r => r), reader.ReadAll());
        Assert.Equal(Rows(5, 3)[1].Concat(Rows(5, 3)[4]), reader.ReadRows([1, 4]));
        Assert.Throws<ArgumentException>(() => reader.ReadRows([4, 1]));
    }

    [Fact]
    public void Header_is_canonical_and_the_bytes_are_little_endian()
    {
        var bytes = File(1, 2);
        var head = Encoding.UTF8.GetString(FeaturesFile.HeaderBytes(Header(1, 2)));
        Assert.Equal("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":2,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"" + Items + "\",\"model\":\"test-model\",\"text\":\"response\",\"pooling\":\"mean\"}", head);
        Assert.Equal(FeaturesFile.PreambleBytes + head.Length + 4, bytes.Length);
        Assert.Equal(-16000, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(bytes.Length - 4)));
        Assert.Equal(-16007, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(bytes.Length - 2)));
    }

    [Fact]
    public void Truncated_or_padded_files_are_refused_before_any_row_is_read()
    {
        var bytes = File();
        Assert.Contains("truncated: 3 rows × 4 int16 need", Problem(bytes[..^1]));
        Assert.Contains("2 bytes after the last of 3 rows", Problem([.. bytes, 0, 0]));
        Assert.Contains("truncated or not a features file", Problem(bytes[..20]));
        Assert.Contains("not a features file", Problem([.. "FMPFEAT2"u8, .. bytes[8..]]));
        Assert.Contains("not a features file", Problem([]));
    }

    [Theory]
    [InlineData("{\"format\":\"fmp-features/2\",\"kind\":\"tasks\",\"rows\":1,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\"}", "format \"fmp-features/2\" is not one this version reads")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":1,\"dtype\":\"float32\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\"}", "dtype \"float32\" is not supported")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"labels\",\"rows\":1,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\"}", "kind \"labels\" must be")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":0,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\"}", "dim 0 must be between 1 and 8192")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":9000,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\"}", "dim 9000 must be between 1 and 8192")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":0,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\"}", "rows 0 must be between 1")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":8,\"items\":\"{I}\",\"model\":\"m\"}", "scaleBits 8 must be 14 or 15")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"0x12\",\"model\":\"m\"}", "\"items\" must be the 0x-prefixed keccak256")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"\"}", "\"model\" must name the model")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\"}", "missing field \"model\"")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\",\"colour\":\"red\"}", "unknown field \"colour\"")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":\"1\",\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\"}", "\"rows\" must be an integer")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",\"rows\":1,\"dim\":1,\"dtype\":\"int16\",\"scaleBits\":14,\"items\":\"{I}\",\"model\":\"m\",\"text\":7}", "\"text\" must be a string")]
    [InlineData("{\"format\":\"fmp-features/1\",\"kind\":\"tasks\",", "header is not valid JSON")]
    [InlineData("[1,2]", "header is not a JSON object")]
    public void Malformed_headers_are_named(string json, string expected)
    {
        var bytes = WithHeader(json.Replace("{I}", Items.ToString(), StringComparison.Ordinal), 2);
        var problem = Problem(bytes);
        Assert.StartsWith("f.features: ", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void A_features_file_must_belong_to_its_jsonl_file()
    {
        var h = Header(3, 4);
        Assert.Null(FeatureBinding.Mismatch(h, "tasks", 3, Items));
        Assert.Contains("has 3 rows, the tasks file has 4", FeatureBinding.Mismatch(h, "tasks", 4, Items));
        Assert.Contains("kind \"tasks\", expected \"gold\"", FeatureBinding.Mismatch(h, "gold", 3));
        Assert.Contains("was made for the file with keccak256 " + Items, FeatureBinding.Mismatch(h, "tasks", 3, Keccak.Hash("other"u8)));
    }

    [Fact]
    public void Bundle_hash_is_keccak_of_the_two_hashes_abi_encoded_and_the_uri_holds_both()
    {
        var features = Keccak.Hash(File());
        Assert.Equal(Keccak.Hash([.. Items.Span, .. features.Span]), FeatureBinding.BundleHash(Items, features));
        Assert.NotEqual(FeatureBinding.BundleHash(features, Items), FeatureBinding.BundleHash(Items, features));
        var uri = FeatureBinding.BundleUri("http://h/tasks.jsonl", "ipfs://bafyfeatures");
        Assert.Equal(("http://h/tasks.jsonl", "ipfs://bafyfeatures"), FeatureBinding.SplitUri(uri));
        Assert.Null(FeatureBinding.SplitUri("http://h/tasks.jsonl"));
        Assert.Null(FeatureBinding.SplitUri("a b c"));
        Assert.Throws<ArgumentException>(() => FeatureBinding.BundleUri("file:///my tasks.jsonl", "x"));
    }

    [Fact]
    public void Quantise_rounds_half_away_clamps_and_refuses_what_is_not_a_number()
    {
        Assert.Equal(16384, FeaturesFile.Quantise(1.0, 14));
        Assert.Equal(-2, FeaturesFile.Quantise(-1.5 / 16384, 14));
        Assert.Equal(2, FeaturesFile.Quantise(1.5 / 16384, 14));
        Assert.Equal(short.MaxValue, FeaturesFile.Quantise(2.5, 14));
        Assert.Equal(short.MinValue, FeaturesFile.Quantise(-2.0, 14));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeaturesFile.Quantise(double.NaN, 14));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeaturesFile.Quantise(double.PositiveInfinity, 14));
    }

    [Fact]
    public void The_writer_refuses_rows_that_disagree_with_the_header()
    {
        Assert.Throws<ArgumentException>(() => FeaturesFile.ToBytes(Header(2, 4), Rows(3, 4)));
        Assert.Throws<ArgumentException>(() => FeaturesFile.ToBytes(Header(3, 4), Rows(2, 4)));
        Assert.Throws<ArgumentException>(() => FeaturesFile.ToBytes(Header(3, 4), Rows(3, 5)));
    }

    [Fact]
    public async Task A_large_file_on_disk_streams_only_the_rows_asked_for()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fmp-features-{Guid.NewGuid():N}.features");
        try
        {
            const int rows = 20_000, dim = 384;
            await using (var stream = System.IO.File.Create(path))
            {
                await FeaturesFile.WriteAsync(stream, Header(rows, dim), Enumerable.Range(0, rows).Select(r => Enumerable.Repeat((short)(r % 3000), dim).ToArray()));
            }

            var reader = FeaturesReader.Open(path);
            var picked = reader.ReadRows([7, 19_999]);
            Assert.Equal(2 * dim, picked.Length);
            Assert.Equal(7, picked[0]);
            Assert.Equal(19_999 % 3000, picked[dim]);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
