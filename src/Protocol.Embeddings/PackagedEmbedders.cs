namespace Protocol.Embeddings;

/// <summary>
/// The embedders a sponsor can choose (<c>fmp features embed --model</c>) and the one that recomputes a features file
/// (<c>fmp features verify</c>, by the model its header names).
/// </summary>
public static class PackagedEmbedders
{
    /// <summary>The --model values: each packaged model alone, all of them concatenated, then the int8 variants.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        [.. PackagedModel.All.Select(m => m.Key), string.Join(CombinedEmbedder.Separator, PackagedModel.All.Select(m => m.Key)), .. PackagedModel.Int8Variants.Select(m => m.Key)];

    /// <summary>The header model name of each key (e.g. minilm+arctic-xs: all-MiniLM-L6-v2+snowflake-arctic-embed-xs).</summary>
    public static string ModelName(string key) => string.Join(CombinedEmbedder.Separator, Models(key).Select(m => m.Name));

    /// <summary>Whether the packaged models can recompute a file whose header names <paramref name="modelName"/>.</summary>
    public static bool Knows(string modelName) => KeyOf(modelName) is not null;

    /// <summary>The --model key of a header's (or a spec's featuresModel's) model name; null when none is packaged.</summary>
    public static string? KeyOf(string? modelName) => Keys.FirstOrDefault(k => ModelName(k) == modelName);

    /// <summary>Loads the embedder of a --model key.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="Keys"/>.</exception>
    public static ITextEmbedder Load(string key, MiniLmOptions? options = null)
    {
        var models = Models(key);
        return models.Count == 1 ? MiniLmEmbedder.Load(options, models[0]) : CombinedEmbedder.Load(models, options);
    }

    /// <summary>Loads the embedder that made a file whose header names <paramref name="modelName"/>.</summary>
    /// <exception cref="ArgumentException">No packaged model (or combination) has that name.</exception>
    public static ITextEmbedder ForModelName(string modelName, MiniLmOptions? options = null) =>
        Load(KeyOf(modelName) ?? throw new ArgumentException($"no packaged model is named {modelName} (packaged: {string.Join(", ", Keys.Select(ModelName))})", nameof(modelName)), options);

    private static List<PackagedModel> Models(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Keys.Contains(key, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown model {key}: the packaged ones are {string.Join(", ", Keys)}", nameof(key));
        }

        return [.. key.Split(CombinedEmbedder.Separator).Select(k => PackagedModel.All.Concat(PackagedModel.Int8Variants).First(m => m.Key == k))];
    }
}
