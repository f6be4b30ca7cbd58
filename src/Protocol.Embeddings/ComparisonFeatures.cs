using Protocol.Core.Files;
using Protocol.Core.Hashing;

namespace Protocol.Embeddings;

/// <summary>Which text of a comparison is embedded.</summary>
public enum EmbeddedText
{
    /// <summary>The response alone (the default): the prompt is the same for a and b, so it only dilutes the difference.</summary>
    Response,

    /// <summary>Prompt, a blank line, then the response, truncated at the model's token limit.</summary>
    PromptAndResponse,
}

/// <summary>One comparison's texts.</summary>
public sealed record ComparisonText(string Prompt, string A, string B);

/// <summary>What <see cref="ComparisonFeatures.Verify"/> found.</summary>
/// <param name="RowsChecked">Rows recomputed.</param>
/// <param name="MaxDeviation">Largest |committed − recomputed| over every entry checked (real units).</param>
/// <param name="MaxDeviationQuanta">The same in quanta of 2^−scaleBits.</param>
/// <param name="WorstRow">The row holding it (−1 when nothing differs).</param>
public sealed record VerifyReport(int RowsChecked, double MaxDeviation, int MaxDeviationQuanta, int WorstRow);

/// <summary>
/// Features files from the packaged embedder: row r = e(a) − e(b) of comparison r, quantised at 2^−14 (differences of
/// unit vectors lie in [−2, 2]). Texts are embedded chunk by chunk, each distinct text once per chunk (and kept in a
/// bounded cache across chunks), so memory stays bounded for task pools of any size.
/// </summary>
public static class ComparisonFeatures
{
    /// <summary>Quantisation: 2^−14.</summary>
    public const int ScaleBits = 14;

    private const int ChunkComparisons = 2048;
    private const int CacheTexts = 50_000;

    /// <summary>The header settings that let an auditor rerun the embedding.</summary>
    public static Dictionary<string, string> Settings(EmbeddingModelInfo info, EmbeddedText text)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new(StringComparer.Ordinal)
        {
            ["source"] = info.Source,
            ["sha256"] = info.ModelSha256,
            ["text"] = TextName(text),
            ["maxTokens"] = info.MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["pooling"] = info.Pooling,
            ["normalisation"] = info.Normalisation,
        };
    }

    /// <summary>The header's name of a text mode.</summary>
    public static string TextName(EmbeddedText text) => text == EmbeddedText.Response ? "response" : "prompt+response";

    /// <summary>The text mode a header names; null when it names none this embedder knows.</summary>
    public static EmbeddedText? ParseText(string? name) => name switch
    {
        "response" => EmbeddedText.Response,
        "prompt+response" => EmbeddedText.PromptAndResponse,
        _ => null,
    };

    /// <summary>The embedded text of response a (or b) of a comparison.</summary>
    public static string Text(ComparisonText c, bool a, EmbeddedText mode)
    {
        ArgumentNullException.ThrowIfNull(c);
        var response = (a ? c.A : c.B) ?? string.Empty;
        return mode == EmbeddedText.Response ? response : (c.Prompt ?? string.Empty) + "\n\n" + response;
    }

    /// <summary>One row: e(a) − e(b) (exact in double: both are floats), quantised.</summary>
    public static short[] Row(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var row = new short[a.Length];
        for (var j = 0; j < row.Length; j++)
        {
            row[j] = FeaturesFile.Quantise((double)a[j] - b[j], ScaleBits);
        }

        return row;
    }

    /// <summary>The rows of every comparison, in order; <paramref name="textsEmbedded"/> counts texts as they are embedded.</summary>
    public static IEnumerable<short[]> Rows(MiniLmEmbedder embedder, IReadOnlyList<ComparisonText> items, EmbeddedText mode, IProgress<int>? textsEmbedded = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(items);
        var cache = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var embedded = 0;
        for (var start = 0; start < items.Count; start += ChunkComparisons)
        {
            var chunk = items.Skip(start).Take(ChunkComparisons).ToList();
            var local = new Dictionary<string, float[]>(StringComparer.Ordinal);
            var wanted = chunk.SelectMany(c => new[] { Text(c, true, mode), Text(c, false, mode) }).Where(t => !cache.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
            for (var k = 0; k < wanted.Count; k += 256)
            {
                var batch = wanted.GetRange(k, Math.Min(256, wanted.Count - k));
                var vectors = embedder.Embed(batch, ct);
                for (var i = 0; i < batch.Count; i++)
                {
                    local[batch[i]] = vectors[i];
                    if (cache.Count < CacheTexts)
                    {
                        cache[batch[i]] = vectors[i];
                    }
                }

                embedded += batch.Count;
                textsEmbedded?.Report(embedded);
            }

            float[] Vector(string t) => cache.TryGetValue(t, out var v) ? v : local[t];
            foreach (var c in chunk)
            {
                yield return Row(Vector(Text(c, true, mode)), Vector(Text(c, false, mode)));
            }
        }
    }

    /// <summary>Distinct texts a features file of these comparisons embeds (for progress totals).</summary>
    public static int DistinctTexts(IReadOnlyList<ComparisonText> items, EmbeddedText mode) =>
        items.SelectMany(c => new[] { Text(c, true, mode), Text(c, false, mode) }).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Embeds the comparisons and writes their features file; returns the header written.</summary>
    public static async Task<FeaturesHeader> WriteAsync(
        MiniLmEmbedder embedder, IReadOnlyList<ComparisonText> items, string kind, Bytes32 itemsHash, EmbeddedText mode, Stream output, IProgress<int>? textsEmbedded = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(items);
        var header = new FeaturesHeader(kind, items.Count, embedder.Info.Dim, ScaleBits, itemsHash, embedder.Info.Name, Settings(embedder.Info, mode));
        await FeaturesFile.WriteAsync(output, header, Rows(embedder, items, mode, textsEmbedded, ct), ct).ConfigureAwait(false);
        return header;
    }

    /// <summary>
    /// Recomputes <paramref name="sample"/> rows (spread evenly over the file, always the first and last) with the packaged
    /// model and compares them with the committed ones: how anyone audits a sponsor's features.
    /// </summary>
    public static VerifyReport Verify(MiniLmEmbedder embedder, FeaturesReader features, IReadOnlyList<ComparisonText> items, int sample, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(items);
        var h = features.Header;
        if (h.Model != embedder.Info.Name || h.Dim != embedder.Info.Dim)
        {
            throw new InvalidDataException($"{features.Name}: made by {h.Model} ({h.Dim} dims); the packaged model is {embedder.Info.Name} ({embedder.Info.Dim} dims), so it cannot recompute these rows");
        }

        var mode = ParseText(h.Settings.GetValueOrDefault("text")) ?? throw new InvalidDataException($"{features.Name}: header setting text \"{h.Settings.GetValueOrDefault("text")}\" is not response or prompt+response");
        var count = Math.Clamp(sample, 1, h.Rows);
        var rows = Enumerable.Range(0, count).Select(k => count == 1 ? 0 : (int)((long)k * (h.Rows - 1) / (count - 1))).Distinct().ToArray();
        var committed = features.ReadRows(rows, ct);
        var recomputed = Rows(embedder, [.. rows.Select(r => items[r])], mode, null, ct).ToList();
        int worst = -1, quanta = 0;
        for (var k = 0; k < rows.Length; k++)
        {
            for (var j = 0; j < h.Dim; j++)
            {
                // Recomputed at 2^−14; a file at 2^−15 is compared on that scale.
                var d = Math.Abs((committed[(k * h.Dim) + j] * Math.ScaleB(1, -h.ScaleBits)) - (recomputed[k][j] * Math.ScaleB(1, -ScaleBits)));
                var q = (int)Math.Round(Math.ScaleB(d, h.ScaleBits));
                if (q > quanta)
                {
                    (quanta, worst) = (q, rows[k]);
                }
            }
        }

        return new VerifyReport(rows.Length, Math.ScaleB(quanta, -h.ScaleBits), quanta, worst);
    }
}
