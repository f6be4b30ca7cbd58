using System.Globalization;
using System.Text;
using System.Text.Json;
using Nethereum.Util;

namespace Protocol.CrowdMarkets;

/// <summary>
/// Turns a folder of the repository's data/ (pairwise-preference JSON Lines: <c>{"id","prompt","a","b"}</c> plus
/// <c>"labels": [{"worker","pref"}]</c> and/or <c>"majority"</c>/<c>"pref"</c>) into <c>fmp evaluate</c>'s inputs, by
/// the rules the tests and the demo use (docs/evaluation.md, UKPConvArg1): gold = the pairs with a strict majority whose
/// FNV-1a 64 hash of the id is 0 mod 6; task pool = every other pair; curators = the workers with at least
/// <see cref="Options.MinLabels"/> a/b labels on the pool (their own labels, "equal" dropped), plus injected random,
/// flipped-majority and constant-"a" curators. Addresses are keccak256 of "worker:NAME" (or "random:0" …), last 20 bytes.
/// </summary>
public static class DataFolderInputs
{
    public sealed record Options(int MinLabels = 30, int Injected = 1, int MaxCurators = int.MaxValue, string Stake = "50000000000000000000");

    public sealed record Built(string Tasks, string Gold, string Manifest, int TaskCount, int GoldCount, int Curators);

    private sealed record Pair(string Id, string Prompt, string A, string B, string? Majority, List<(string Worker, string Pref)> Labels);

    /// <summary>Writes tasks.jsonl, gold.jsonl, curators.jsonl and labels/&lt;address&gt;.jsonl into <paramref name="outFolder"/>.</summary>
    public static async Task<Built> BuildAsync(string dataFolder, string outFolder, Options options, CancellationToken cancellationToken)
    {
        var files = Directory.Exists(dataFolder)
            ? Directory.GetFiles(dataFolder, "*.jsonl").Order(StringComparer.Ordinal).ToList()
            : throw new DataException($"--from-data {dataFolder}: no such folder (the repository's data/ has ukpconvarg1, pandalm and hh-rlhf){(Path.IsPathFullyQualified(dataFolder) ? "" : $"; looked for {Path.GetFullPath(dataFolder)}")}");
        if (files.Count == 0)
        {
            throw new DataException($"--from-data {dataFolder}: no *.jsonl files in it");
        }

        var pairs = new List<Pair>();
        foreach (var file in files)
        {
            var number = 0;
            foreach (var line in await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false))
            {
                number++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    pairs.Add(Parse(line, file, number));
                }
            }
        }

        static bool IsGold(Pair p) => p.Majority is "a" or "b" && Protocol.Evaluation.Model.Featuriser.Fnv1a64(Encoding.UTF8.GetBytes(p.Id)) % 6 == 0;
        var gold = pairs.Where(IsGold).Select(p => new GoldItem(p.Id, p.Prompt, p.A, p.B, p.Majority == "a" ? Preference.A : Preference.B)).ToList();
        var pool = pairs.Where(p => !IsGold(p)).ToList();
        if (gold.Count == 0 || pool.Count == 0)
        {
            throw new DataException($"--from-data {dataFolder}: {pairs.Count} pairs give {gold.Count} gold and {pool.Count} task-pool items; both must be non-empty");
        }

        var byWorker = new SortedDictionary<string, List<Label>>(StringComparer.Ordinal);
        foreach (var p in pool)
        {
            foreach (var (worker, pref) in p.Labels.Where(l => l.Pref is "a" or "b"))
            {
                if (!byWorker.TryGetValue(worker, out var list))
                {
                    byWorker[worker] = list = [];
                }

                if (list.All(l => l.Id != p.Id))
                {
                    list.Add(new Label(p.Id, pref == "a" ? Preference.A : Preference.B));
                }
            }
        }

        var curators = byWorker.Where(kv => kv.Value.Count >= options.MinLabels).Take(options.MaxCurators)
            .Select(kv => (Address: AddressOf("worker:" + kv.Key), kv.Value)).ToList();
        var rng = new Random(20161);
        var withMajority = pool.Where(p => p.Majority is "a" or "b").ToList();
        foreach (var kind in new[] { "random", "flipped", "constant" })
        {
            for (var i = 0; i < options.Injected && withMajority.Count > 0; i++)
            {
                var chosen = withMajority.OrderBy(_ => rng.Next()).Take(120).ToList();
                curators.Add((AddressOf($"{kind}:{i}"), chosen.Select(p => new Label(p.Id, kind switch
                {
                    "random" => rng.Next(2) == 0 ? Preference.A : Preference.B,
                    "flipped" => p.Majority == "a" ? Preference.B : Preference.A,
                    _ => Preference.A,
                })).ToList()));
            }
        }

        Directory.CreateDirectory(Path.Combine(outFolder, "labels"));
        var built = new Built(Path.Combine(outFolder, "tasks.jsonl"), Path.Combine(outFolder, "gold.jsonl"), Path.Combine(outFolder, "curators.jsonl"), pool.Count, gold.Count, curators.Count);
        await File.WriteAllBytesAsync(built.Tasks, CanonicalWriter.ToBytes(pool.Select(p => ProtocolFiles.ToLine(new TaskItem(p.Id, p.Prompt, p.A, p.B)))), cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(built.Gold, CanonicalWriter.ToBytes(gold.Select(ProtocolFiles.ToLine)), cancellationToken).ConfigureAwait(false);
        var manifest = new List<string>();
        foreach (var (address, labels) in curators)
        {
            await File.WriteAllBytesAsync(Path.Combine(outFolder, "labels", address + ".jsonl"), CanonicalWriter.ToBytes(labels.Select(ProtocolFiles.ToLine)), cancellationToken).ConfigureAwait(false);
            manifest.Add(JsonSerializer.Serialize(new { address, stake = options.Stake, labels = $"labels/{address}.jsonl" }));
        }

        await File.WriteAllLinesAsync(built.Manifest, manifest, cancellationToken).ConfigureAwait(false);
        return built;
    }

    private static Pair Parse(string line, string file, int number)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            // A response that the data set stores as a JSON number or boolean (pandalm has a few `true`s) is that text.
            string Text(string name) => !r.TryGetProperty(name, out var v)
                ? throw new DataException($"{file}:{number}: field \"{name}\" missing")
                : v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
                    _ => throw new DataException($"{file}:{number}: field \"{name}\" is {v.ValueKind}, not a text"),
                };
            var labels = r.TryGetProperty("labels", out var ls) && ls.ValueKind == JsonValueKind.Array
                ? ls.EnumerateArray().Select(l => (l.GetProperty("worker").GetString()!, l.GetProperty("pref").GetString()!)).ToList()
                : [];
            // The majority as the data set states it ("majority", or a single "pref"), else the strict majority of the labels.
            string? majority = null;
            if (r.TryGetProperty("majority", out var m) && m.ValueKind == JsonValueKind.String)
            {
                majority = m.GetString();
            }
            else if (r.TryGetProperty("pref", out var p) && p.ValueKind == JsonValueKind.String)
            {
                majority = p.GetString();
            }
            else if (!r.TryGetProperty("majority", out _))
            {
                var (a, b) = (labels.Count(l => l.Item2 == "a"), labels.Count(l => l.Item2 == "b"));
                majority = a > b ? "a" : b > a ? "b" : null;
            }

            return new Pair(Text("id"), Text("prompt"), Text("a"), Text("b"), majority, labels);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DataException($"{file}:{number}: {e.Message}");
        }
    }

    private static string AddressOf(string name) =>
        "0x" + Convert.ToHexStringLower(new Sha3Keccack().CalculateHash(Encoding.UTF8.GetBytes(name)).AsSpan(12));

    /// <summary>A data folder that cannot be turned into inputs; the message names the file and line.</summary>
    public sealed class DataException(string message) : Exception(message);

    public static string Summary(Built b) => string.Create(CultureInfo.InvariantCulture,
        $"inputs: {b.TaskCount:N0} task-pool pairs ({b.Tasks}), {b.GoldCount:N0} gold pairs ({b.Gold}), {b.Curators} curators ({b.Manifest})");
}
