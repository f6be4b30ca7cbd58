namespace Protocol.Embeddings;

/// <summary>How <see cref="MiniLmEmbedder"/> runs the model. Neither setting changes the vectors on one CPU.</summary>
public sealed record MiniLmOptions
{
    /// <summary>ONNX Runtime intra-op threads. One by default: on two shared cores a second thread gains ~10%.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Texts per model call; each batch is padded to its longest encoding.</summary>
    public int BatchSize { get; init; } = 32;
}
