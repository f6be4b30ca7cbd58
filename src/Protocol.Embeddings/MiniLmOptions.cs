namespace Protocol.Embeddings;

/// <summary>How <see cref="MiniLmEmbedder"/> runs the model. No setting changes the vectors on one CPU.</summary>
public sealed record MiniLmOptions
{
    /// <summary>
    /// ONNX Runtime intra-op threads per model call. One by default: on small batches a second thread inside one call
    /// waits on the first more than it computes; <see cref="ParallelBatches"/> uses a second core better.
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>
    /// Model calls in flight at once, each on its own batch (one session: its Run is thread-safe). Each vector is a
    /// function of its own text alone, so the order in which batches finish cannot change a bit.
    /// </summary>
    public int ParallelBatches { get; init; } = 1;

    /// <summary>Most texts per model call; each batch is padded to its longest encoding.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// Most padded tokens per model call (texts × the batch's longest encoding): long texts go in smaller batches, so a
    /// batch's activations stay in cache. <see cref="int.MaxValue"/> batches by <see cref="BatchSize"/> alone. 512 did the
    /// most work per CPU-second of 512 … 2,048 and of fixed batches of 8 … 64 texts (docs/evaluation.md).
    /// </summary>
    public int BatchTokens { get; init; } = 512;

    /// <summary>The options that use <paramref name="threads"/> cores the way measured fastest (docs/evaluation.md).</summary>
    public static MiniLmOptions ForThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return new MiniLmOptions { IntraOpThreads = 1, ParallelBatches = threads };
    }
}
