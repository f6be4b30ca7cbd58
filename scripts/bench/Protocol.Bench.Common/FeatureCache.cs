using System.Text;
using Protocol.Core.Hashing;
using Protocol.Embeddings;

namespace Protocol.Bench.Common;

/// <summary>
/// Packaged-model features of a dataset (all-MiniLM-L6-v2 unless another --model key is named), embedded once and
/// kept under out/cache/features/: one file for every comparison of the dataset (named by the dataset, the model key
/// unless MiniLM, and the keccak of its ids and texts), and from it one tasks and one gold file per market (named by
/// the keccak of their ids). A row depends on its comparison alone (e(a) − e(b)), so a market's rows
/// are copied from the dataset's file rather than embedded again.
/// </summary>
public sealed class FeatureCache
{
    private readonly string folder;
    private readonly string name;
    private readonly string datasetKey;
    private readonly Dictionary<string, int> rowOf;
    private readonly short[] rows;
    private readonly FeaturesHeader header;

    private FeatureCache(string folder, string name, string datasetKey, Dictionary<string, int> rowOf, short[] rows, FeaturesHeader header)
    {
        this.folder = folder;
        this.name = name;
        this.datasetKey = datasetKey;
        this.rowOf = rowOf;
        this.rows = rows;
        this.header = header;
    }

    /// <summary>Seconds spent embedding (0 when the dataset's file was already cached).</summary>
    public double EmbedSeconds { get; private init; }

    /// <summary>Where the dataset's file lies.</summary>
    public required string DatasetFile { get; init; }

    /// <summary>
    /// Opens the dataset's cached file, or embeds every comparison with <paramref name="embedder"/> (which must be the
    /// embedder of <paramref name="model"/>, a <see cref="PackagedEmbedders.Keys"/> key) and writes it first.
    /// </summary>
    public static async Task<FeatureCache> OpenAsync(string folder, string name, IReadOnlyList<TaskItem> items, Func<ITextEmbedder> embedder, string model = "minilm")
    {
        Directory.CreateDirectory(folder);
        var content = ContentHash(items);
        var modelName = PackagedEmbedders.ModelName(model);
        // MiniLM's files keep their first names, so caches from before other models stay valid.
        var key = (model == "minilm" ? "" : model + "-") + content.ToString()[2..18];
        var path = Path.Combine(folder, $"{name}-{key}.features");
        double seconds = 0;
        if (!File.Exists(path))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var texts = items.Select(t => new ComparisonText(t.Prompt, t.A, t.B)).ToList();
            Console.Error.WriteLine($"{name}: embedding {ComparisonFeatures.DistinctTexts(texts, EmbeddedText.Response):N0} distinct responses of {items.Count:N0} comparisons (cached for later runs in {path})");
            var partial = path + ".partial";
            await using (var stream = File.Create(partial))
            {
                // Named "tasks": the dataset's file is never a market's gold file itself, only the source of its rows.
                await ComparisonFeatures.WriteAsync(embedder(), texts, "tasks", content, EmbeddedText.Response, stream).ConfigureAwait(false);
            }

            File.Move(partial, path, overwrite: true); // an interrupted run leaves no file that looks complete
            seconds = clock.Elapsed.TotalSeconds;
        }

        var reader = FeaturesReader.Open(path);
        if (reader.Header.Model != modelName || reader.Header.Rows != items.Count || reader.Header.ItemsHash != content)
        {
            throw new InvalidDataException($"{path} does not hold {modelName} rows of these {items.Count} comparisons: delete it to embed again");
        }

        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            rowOf.TryAdd(items[i].Id, i);
        }

        return new FeatureCache(folder, name, key, rowOf, reader.ReadAll(), reader.Header) { EmbedSeconds = seconds, DatasetFile = path };
    }

    /// <summary>Dims of the rows.</summary>
    public int Dim => header.Dim;

    /// <summary>A market's two features files (written on first use), opened for the engine.</summary>
    public async Task<CommittedFeatures> MarketAsync(IReadOnlyList<string> poolIds, IReadOnlyList<string> goldIds) =>
        new(await FileOfAsync("tasks", poolIds).ConfigureAwait(false), await FileOfAsync("gold", goldIds).ConfigureAwait(false));

    private async Task<FeaturesReader> FileOfAsync(string kind, IReadOnlyList<string> ids)
    {
        // The stand-in for the JSON Lines file's keccak: the ids in order, with the dataset's key (the engine checks kind and rows).
        var itemsHash = Keccak.Hash(Encoding.UTF8.GetBytes(datasetKey + "\n" + string.Join('\n', ids)));
        var path = Path.Combine(folder, "markets", $"{name}-{kind}-{itemsHash.ToString()[2..18]}.features");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var selected = new FeaturesHeader(kind, ids.Count, header.Dim, header.ScaleBits, itemsHash, header.Model, header.Settings);
            var partial = path + ".partial";
            await using (var stream = File.Create(partial))
            {
                await FeaturesFile.WriteAsync(stream, selected, ids.Select(Row)).ConfigureAwait(false);
            }

            File.Move(partial, path, overwrite: true);
        }

        return FeaturesReader.Open(path);
    }

    private short[] Row(string id)
    {
        var r = rowOf.TryGetValue(id, out var i) ? i : throw new KeyNotFoundException($"{name}: no features row for comparison '{id}'");
        return rows.AsSpan(r * header.Dim, header.Dim).ToArray();
    }

    // Ids and texts, length-prefixed so no two different lists hash alike.
    private static Bytes32 ContentHash(IReadOnlyList<TaskItem> items)
    {
        var sb = new StringBuilder();
        foreach (var t in items)
        {
            foreach (var s in new[] { t.Id, t.Prompt, t.A, t.B })
            {
                sb.Append(s.Length).Append(':').Append(s);
            }
        }

        return Keccak.Hash(Encoding.UTF8.GetBytes(sb.ToString()));
    }
}
