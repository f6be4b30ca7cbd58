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
/// unit vectors lie in [−2, 2]). Each distinct text is embedded once (<see cref="Rows"/>).
/// </summary>
public static class ComparisonFeatures
{
    /// <summary>Quantisation: 2^−14.</summary>
    public const int ScaleBits = 14;

    /// <summary>Comparisons whose new texts are embedded together: at most 32,768 new vectors (50 MB) at a time.</summary>
    internal const int WindowComparisons = 16_384;

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
    /// <remarks>
    /// Each distinct text is embedded exactly once, however often and however far apart it recurs: pools repeat their texts
    /// (UKPConvArg1's 8,893 pairs hold 533 arguments). The comparisons are taken in windows; a window's new texts are
    /// embedded together, length-sorted into batches (<see cref="MiniLmEmbedder.Embed(IReadOnlyList{string}, IProgress{int}?, CancellationToken)"/>),
    /// and a vector is dropped after the last comparison that uses it, so memory holds the texts still to come, not the pool.
    /// A vector depends on its text alone (not on batch, thread or order), so the rows are the same as embedding one text
    /// at a time.
    /// </remarks>
    public static IEnumerable<short[]> Rows(ITextEmbedder embedder, IReadOnlyList<ComparisonText> items, EmbeddedText mode, IProgress<int>? textsEmbedded = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(items);
        return RowsOf(embedder, TextIds.Of(items, mode), textsEmbedded, ct);
    }

    private static IEnumerable<short[]> RowsOf(ITextEmbedder embedder, TextIds ids, IProgress<int>? textsEmbedded, CancellationToken ct)
    {
        var vectors = new float[ids.Texts.Count][];
        var embedded = 0;
        var comparisons = ids.A.Length;
        for (var start = 0; start < comparisons; start += WindowComparisons)
        {
            var end = Math.Min(comparisons, start + WindowComparisons);

            // Ids are numbered in order of first use, so the window's new texts are one range: from the first id not yet
            // embedded up to the largest id the window uses.
            var next = 0;
            for (var c = start; c < end; c++)
            {
                next = Math.Max(next, Math.Max(ids.A[c], ids.B[c]) + 1);
            }

            if (next > embedded)
            {
                var offset = embedded;
                var fresh = ids.Texts.Skip(offset).Take(next - offset).ToList();
                IProgress<int>? progress = textsEmbedded is null ? null : new OffsetProgress(textsEmbedded, offset);
                var computed = embedder.Embed(fresh, progress, ct);
                computed.CopyTo(vectors, offset);
                embedded = next;
                textsEmbedded?.Report(embedded);
            }

            for (var c = start; c < end; c++)
            {
                ct.ThrowIfCancellationRequested();
                yield return Row(vectors[ids.A[c]], vectors[ids.B[c]]);
                Release(vectors, ids, ids.A[c], c);
                Release(vectors, ids, ids.B[c], c);
            }
        }
    }

    private static void Release(float[][] vectors, TextIds ids, int id, int comparison)
    {
        if (ids.LastUse[id] == comparison)
        {
            vectors[id] = null!; // no later comparison needs it
        }
    }

    /// <summary>Each comparison's two texts as ids of distinct texts, numbered in order of first use.</summary>
    private sealed record TextIds(List<string> Texts, int[] A, int[] B, int[] LastUse)
    {
        public static TextIds Of(IReadOnlyList<ComparisonText> items, EmbeddedText mode)
        {
            var idOf = new Dictionary<string, int>(StringComparer.Ordinal);
            var texts = new List<string>();
            var a = new int[items.Count];
            var b = new int[items.Count];
            var lastUse = new List<int>();
            int Id(string text, int comparison)
            {
                if (!idOf.TryGetValue(text, out var id))
                {
                    id = texts.Count;
                    idOf.Add(text, id);
                    texts.Add(text);
                    lastUse.Add(comparison);
                }

                lastUse[id] = comparison;
                return id;
            }

            for (var c = 0; c < items.Count; c++)
            {
                a[c] = Id(Text(items[c], true, mode), c);
                b[c] = Id(Text(items[c], false, mode), c);
            }

            return new TextIds(texts, a, b, [.. lastUse]);
        }
    }

    /// <summary>Reports a window's count on top of the texts embedded before it.</summary>
    private sealed class OffsetProgress(IProgress<int> inner, int offset) : IProgress<int>
    {
        public void Report(int value) => inner.Report(offset + value);
    }

    /// <summary>Distinct texts a features file of these comparisons embeds (for progress totals).</summary>
    public static int DistinctTexts(IReadOnlyList<ComparisonText> items, EmbeddedText mode) =>
        items.SelectMany(c => new[] { Text(c, true, mode), Text(c, false, mode) }).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Embeds the comparisons and writes their features file; returns the header written.</summary>
    public static async Task<FeaturesHeader> WriteAsync(
        ITextEmbedder embedder, IReadOnlyList<ComparisonText> items, string kind, Bytes32 itemsHash, EmbeddedText mode, Stream output, IProgress<int>? textsEmbedded = null, CancellationToken ct = default)
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
    public static VerifyReport Verify(ITextEmbedder embedder, FeaturesReader features, IReadOnlyList<ComparisonText> items, int sample, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(items);
        var h = features.Header;
        if (h.Model != embedder.Info.Name || h.Dim != embedder.Info.Dim)
        {
            throw new InvalidDataException($"{features.Name}: made by {h.Model} ({h.Dim} dims); the embedder given is {embedder.Info.Name} ({embedder.Info.Dim} dims), so it cannot recompute these rows");
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
