using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Embeddings.Tests;

/// <summary>
/// Features files at pool scale (issue 26): each distinct text embedded once, length-bucketed and parallel batches, and
/// none of it changes a byte of the file.
/// </summary>
public sealed class ComparisonFeaturesTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    // Lengths from 2 tokens to past the 256-token window (truncated), with newlines and an empty response.
    private static readonly string[] Distinct =
    [
        "Yes.",
        "",
        "Books are cheaper than a TV licence, and you can take one anywhere.",
        "TV is better: documentaries show you the world.\nBooks only describe it.",
        "I think that books are better than TV because it is better, i can put you in a whole other world and it is educational",
        string.Join(' ', Enumerable.Repeat("Reading builds vocabulary, patience and empathy, which screens rarely do.", 40)),
        "No, absolutely not.",
        "Parents should decide what their children watch; a ban helps nobody.",
        "Evolution is supported by fossils, genetics and direct observation of speciation.",
        "Creation explains why there is something rather than nothing.",
        string.Join('\n', Enumerable.Repeat("Short line.", 30)),
        "Uniforms remove the pressure to buy expensive clothes.",
    ];

    private readonly MiniLmEmbedder _embedder = fixture.Embedder;

    /// <summary>A pool like UKPConvArg1's: many comparisons over few texts, each text recurring far apart.</summary>
    private static List<ComparisonText> Pool(int comparisons)
    {
        var random = new Random(26);
        var pool = new List<ComparisonText>(comparisons);
        for (var c = 0; c < comparisons; c++)
        {
            var a = random.Next(Distinct.Length);
            var b = (a + 1 + random.Next(Distinct.Length - 1)) % Distinct.Length;
            pool.Add(new ComparisonText("Which argument is more convincing?", Distinct[a], Distinct[b]));
        }

        return pool;
    }

    /// <summary>The reference: every occurrence of every text embedded alone (no batch, no padding, no reuse), then written.</summary>
    private static async Task<byte[]> OneTextAtATimeAsync(MiniLmEmbedder embedder, List<ComparisonText> pool)
    {
        var rows = pool.Select(c => ComparisonFeatures.Row(
            embedder.Embed([ComparisonFeatures.Text(c, true, EmbeddedText.Response)])[0],
            embedder.Embed([ComparisonFeatures.Text(c, false, EmbeddedText.Response)])[0]));
        var header = new FeaturesHeader("tasks", pool.Count, embedder.Info.Dim, ComparisonFeatures.ScaleBits, ItemsHash, embedder.Info.Name, ComparisonFeatures.Settings(embedder.Info, EmbeddedText.Response));
        using var stream = new MemoryStream();
        await FeaturesFile.WriteAsync(stream, header, rows);
        return stream.ToArray();
    }

    private static Bytes32 ItemsHash => Keccak.Hash("pool.jsonl"u8.ToArray());

    private static async Task<(byte[] Bytes, int Embedded)> WriteAsync(MiniLmEmbedder embedder, List<ComparisonText> pool)
    {
        var counted = new MaxProgress();
        using var stream = new MemoryStream();
        await ComparisonFeatures.WriteAsync(embedder, pool, "tasks", ItemsHash, EmbeddedText.Response, stream, counted);
        return (stream.ToArray(), counted.Max);
    }

    [Fact]
    public async Task WriteAsync_PoolOfRepeatedTexts_EmbedsEachOnceAndWritesTheBytesOfEmbeddingEveryOccurrenceAlone()
    {
        var pool = Pool(120);

        var (bytes, embedded) = await WriteAsync(_embedder, pool);

        Assert.Equal(Distinct.Length, embedded); // 12 texts embedded for 240 occurrences
        Assert.Equal(await OneTextAtATimeAsync(_embedder, pool), bytes);
    }

    [Fact]
    public async Task WriteAsync_OneOrTwoThreadsAnyBatching_WritesTheSameBytes()
    {
        var pool = Pool(120);
        using var twoParallel = MiniLmEmbedder.Load(MiniLmOptions.ForThreads(2));
        using var twoIntraOp = MiniLmEmbedder.Load(new MiniLmOptions { IntraOpThreads = 2, ParallelBatches = 2, BatchSize = 3, BatchTokens = 64 });

        var (one, _) = await WriteAsync(_embedder, pool);
        var (two, _) = await WriteAsync(twoParallel, pool);
        var (mixed, _) = await WriteAsync(twoIntraOp, pool);

        Assert.Equal(one, two);
        Assert.Equal(one, mixed);
    }

    [Fact]
    public async Task WriteAsync_TextsRecurringAcrossWindows_AreEmbeddedOnceAndKeptUntilTheirLastUse()
    {
        // Past one window: the second window reuses the first's vectors (and a text first seen in it is embedded then).
        var pool = Pool(ComparisonFeatures.WindowComparisons + 40);
        pool[^1] = new ComparisonText("", "A text that appears only in the last window.", Distinct[0]);

        var (bytes, embedded) = await WriteAsync(_embedder, pool);

        Assert.Equal(Distinct.Length + 1, embedded);
        int[] sample = [0, ComparisonFeatures.WindowComparisons - 1, ComparisonFeatures.WindowComparisons + 5, pool.Count - 1];
        var expected = await OneTextAtATimeAsync(_embedder, [.. sample.Select(r => pool[r])]);
        Assert.Equal(RowsOf(expected, 0..sample.Length), sample.SelectMany(r => RowsOf(bytes, r..(r + 1))));
    }

    [Fact]
    public void Batches_AreLengthSortedAndWithinBothLimits()
    {
        int[] lengths = [5, 200, 3, 3, 90, 7, 256, 12, 12, 4, 60, 5];
        int[][] encodings = [.. lengths.Select(n => new int[n])];

        int[][] batches = MiniLmEmbedder.Batches(encodings, batchSize: 4, batchTokens: 256);

        // Shortest first, ties in input order, every text once.
        Assert.Equal(Enumerable.Range(0, lengths.Length).OrderBy(i => lengths[i]), batches.SelectMany(b => b));
        Assert.All(batches, b =>
        {
            Assert.InRange(b.Length, 1, 4);
            Assert.True(b.Length == 1 || b.Length * b.Max(i => lengths[i]) <= 256, $"batch of {b.Length} padded to {b.Max(i => lengths[i])}");
        });
        Assert.Equal([[2, 3, 9, 0], [11, 5, 7, 8], [10, 4], [1], [6]], batches);
    }

    [Fact]
    public void Embed_CancelledWithParallelBatches_Throws()
    {
        using var parallel = MiniLmEmbedder.Load(new MiniLmOptions { ParallelBatches = 2, BatchSize = 1 });
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => parallel.Embed(Distinct, cts.Token));
    }

    /// <summary>The rows <paramref name="range"/> of a features file's bytes: they end it, 384 int16 each.</summary>
    private static short[] RowsOf(byte[] file, Range range)
    {
        const int RowBytes = 384 * sizeof(short);
        var rowsStart = file.Length - (RowCount(file) * RowBytes);
        var (offset, count) = range.GetOffsetAndLength(RowCount(file));
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(file.AsSpan(rowsStart + (offset * RowBytes), count * RowBytes)).ToArray();

        static int RowCount(byte[] file)
        {
            var headerLength = BitConverter.ToInt32(file, 8);
            using var header = System.Text.Json.JsonDocument.Parse(file.AsMemory(12, headerLength));
            return header.RootElement.GetProperty("rows").GetInt32();
        }
    }
}
