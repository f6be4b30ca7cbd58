namespace Protocol.Embeddings;

/// <summary>
/// Several packaged models side by side: each text's vector is the concatenation of each model's unit vector, in
/// <see cref="PackagedModel.All"/> order (so 768 dims for MiniLM + arctic-xs). A linear head on the concatenation can
/// weigh what each model sees; measured in docs/evaluation.md ("A stronger head"). Each part is as deterministic as
/// <see cref="MiniLmEmbedder"/>.
/// </summary>
public sealed class CombinedEmbedder : ITextEmbedder
{
    /// <summary>What joins the parts' names, sources, poolings and hashes in <see cref="Info"/>.</summary>
    public const char Separator = '+';

    private readonly MiniLmEmbedder[] _parts;

    private CombinedEmbedder(MiniLmEmbedder[] parts)
    {
        _parts = parts;
        string Join(Func<EmbeddingModelInfo, string> field) => string.Join(Separator, parts.Select(p => field(p.Info)));
        Info = new EmbeddingModelInfo(
            Join(i => i.Name), Join(i => i.Source), parts.Sum(p => p.Info.Dim), parts.Max(p => p.Info.MaxTokens),
            Join(i => i.Pooling), Join(i => i.Normalisation), Join(i => i.ModelSha256));
    }

    /// <inheritdoc/>
    public EmbeddingModelInfo Info { get; }

    /// <summary>Loads every model of <paramref name="models"/> (at least two), each with <paramref name="options"/>.</summary>
    public static CombinedEmbedder Load(IReadOnlyList<PackagedModel> models, MiniLmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentOutOfRangeException.ThrowIfLessThan(models.Count, 2, nameof(models));
        var parts = new List<MiniLmEmbedder>();
        try
        {
            foreach (var model in models)
            {
                parts.Add(MiniLmEmbedder.Load(options, model));
            }

            return new CombinedEmbedder([.. parts]);
        }
        catch
        {
            parts.ForEach(p => p.Dispose());
            throw;
        }
    }

    /// <inheritdoc/>
    public float[][] Embed(IReadOnlyList<string> texts, IProgress<int>? textsEmbedded, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var vectors = new float[texts.Count][];
        for (var t = 0; t < vectors.Length; t++)
        {
            vectors[t] = new float[Info.Dim];
        }

        // Progress counts a text once all parts have embedded it: part k's count c reports (k · n + c) / parts.
        var offset = 0;
        for (var k = 0; k < _parts.Length; k++)
        {
            var done = k * texts.Count;
            IProgress<int>? progress = textsEmbedded is null ? null : new Progress(c => textsEmbedded.Report((done + c) / _parts.Length));
            var part = _parts[k].Embed(texts, progress, ct);
            for (var t = 0; t < vectors.Length; t++)
            {
                part[t].CopyTo(vectors[t], offset);
            }

            offset += _parts[k].Info.Dim;
        }

        return vectors;
    }

    /// <summary>Closes every part's session.</summary>
    public void Dispose()
    {
        foreach (var part in _parts)
        {
            part.Dispose();
        }
    }

    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
