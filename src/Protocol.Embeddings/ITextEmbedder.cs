namespace Protocol.Embeddings;

/// <summary>Texts to unit-length vectors (or, for a combined embedder, a concatenation of unit-length parts).</summary>
public interface ITextEmbedder : IDisposable
{
    /// <summary>The model (or models), its pooling and the SHA-256 of its exact weights.</summary>
    EmbeddingModelInfo Info { get; }

    /// <summary>
    /// One vector of <see cref="EmbeddingModelInfo.Dim"/> floats per text, in input order; <paramref name="textsEmbedded"/>
    /// receives the running count of texts embedded (from the calling thread or a worker).
    /// </summary>
    float[][] Embed(IReadOnlyList<string> texts, IProgress<int>? textsEmbedded, CancellationToken ct = default);
}
