using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parquet.Serialization;

namespace Protocol.Client.Datasets;

/// <summary>
/// Writes an export's tables as labels.jsonl and aggregate.jsonl (prompt/chosen/rejected, the form TRL's preference
/// trainers read), the aggregate again in OpenAI's preference fine-tuning form as aggregate.openai.jsonl (and with
/// Parquet, labels.parquet and aggregate.parquet, the same columns) into a folder: first into a private staging folder
/// beside it, then moved in, so a failure leaves nothing half-written where the caller looks.
/// </summary>
public static class DatasetFiles
{
    public static readonly string[] JsonLines = ["labels.jsonl", "aggregate.jsonl", "aggregate.openai.jsonl"];
    public static readonly string[] Parquet = ["labels.parquet", "aggregate.parquet"];

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the files; returns their paths in <paramref name="folder"/>. Existing files of the same names are replaced.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(DatasetTables tables, string folder, bool parquet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var target = Path.GetFullPath(folder);
        var staging = Path.Combine(Path.GetDirectoryName(target.TrimEnd(Path.DirectorySeparatorChar)) ?? target, $".{Path.GetFileName(target.TrimEnd(Path.DirectorySeparatorChar))}.export-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await WriteJsonLinesAsync(tables.Labels, Path.Combine(staging, JsonLines[0]), cancellationToken).ConfigureAwait(false);
            await WriteJsonLinesAsync(tables.Aggregate, Path.Combine(staging, JsonLines[1]), cancellationToken).ConfigureAwait(false);
            await WriteJsonLinesAsync(tables.Aggregate.Select(OpenAiPreferenceRow.From), Path.Combine(staging, JsonLines[2]), cancellationToken).ConfigureAwait(false);
            var names = JsonLines.ToList();
            if (parquet)
            {
                await ParquetSerializer.SerializeAsync(tables.Labels, Path.Combine(staging, Parquet[0]), cancellationToken: cancellationToken).ConfigureAwait(false);
                await ParquetSerializer.SerializeAsync(tables.Aggregate, Path.Combine(staging, Parquet[1]), cancellationToken: cancellationToken).ConfigureAwait(false);
                names.AddRange(Parquet);
            }

            Directory.CreateDirectory(target);
            foreach (var name in names)
            {
                File.Move(Path.Combine(staging, name), Path.Combine(target, name), overwrite: true);
            }

            return [.. names.Select(n => Path.Combine(target, n))];
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static async Task WriteJsonLinesAsync<T>(IEnumerable<T> rows, string path, CancellationToken cancellationToken)
    {
        await using var file = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await file.WriteLineAsync(JsonSerializer.Serialize(row, Json)).ConfigureAwait(false);
        }
    }
}
