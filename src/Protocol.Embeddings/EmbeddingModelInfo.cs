namespace Protocol.Embeddings;

/// <summary>What produced a set of embeddings, precisely enough for an auditor to rerun it.</summary>
/// <param name="Name">The model's name, e.g. "all-MiniLM-L6-v2".</param>
/// <param name="Source">The package (and version) the weights came from.</param>
/// <param name="Dim">Length of every vector.</param>
/// <param name="MaxTokens">Longest encoding, [CLS] and [SEP] included; longer texts are truncated.</param>
/// <param name="Pooling">How token vectors become one vector ("mean" over the attended tokens).</param>
/// <param name="Normalisation">What is done to the pooled vector ("l2": unit length).</param>
/// <param name="ModelSha256">Lowercase hex SHA-256 of the model.onnx bytes: names the exact weights.</param>
public sealed record EmbeddingModelInfo(
    string Name,
    string Source,
    int Dim,
    int MaxTokens,
    string Pooling,
    string Normalisation,
    string ModelSha256);
