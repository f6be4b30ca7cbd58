using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation;

namespace Protocol.Cli.Commands;

/// <summary>
/// A sponsor's market file (<c>fmp market create --config market.json</c>), read and checked: every file parsed and
/// hashed, features bound to their files, amounts and durations understood. Paths are read from the file's folder.
/// docs/sponsors.md shows a complete one.
/// </summary>
internal sealed record MarketPlan(
    string ConfigFile,
    string Token,
    string Pool,
    EvaluationSpec Spec,
    string SpecFile,
    PlannedFile Tasks,
    PlannedFile? TaskFeatures,
    PlannedFile Gold,
    PlannedFile? GoldFeatures,
    IReadOnlyList<(string Name, string Text)> Deadlines,
    string MinStake,
    string StakeCap,
    ushort SlashBps,
    ushort OracleFeeBps,
    ulong ChallengePeriod,
    string? DisputeBond)
{
    private static readonly string[] Known = ["token", "pool", "spec", "tasks", "taskFeatures", "gold", "goldFeatures", "publishAt", "deadlines", "stake", "slashBps", "oracleFeeBps", "challengePeriod", "disputeBond"];
    private static readonly string[] DeadlineNames = ["commit", "reveal", "gold", "evaluation"];

    /// <summary>The task pool's hash as the market commits to it (bundled with its features for a committed-features spec).</summary>
    public Bytes32 TaskPoolHash => TaskFeatures is { } f ? FeatureBinding.BundleHash(Tasks.Hash, f.Hash) : Tasks.Hash;

    public string TaskPoolUri => TaskFeatures is { } f ? FeatureBinding.BundleUri(Tasks.Uri, f.Uri) : Tasks.Uri;

    /// <summary>The gold hash inside the gold commitment (bundled with the gold features for a committed-features spec).</summary>
    public Bytes32 GoldHash => GoldFeatures is { } f ? FeatureBinding.BundleHash(Gold.Hash, f.Hash) : Gold.Hash;

    public string GoldUri => GoldFeatures is { } f ? FeatureBinding.BundleUri(Gold.Uri, f.Uri) : Gold.Uri;

    public string SpecUri { get; init; } = "";

    /// <summary>Why the named spec is a poor choice for a new market (the economics goals it failed), or null.</summary>
    public string? SpecWarning { get; init; }

    public static async Task<MarketPlan> ReadAsync(string configFile, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(configFile);
        if (!File.Exists(path))
        {
            throw new OracleCommandException($"--config {configFile}: no such file (the market file; docs/sponsors.md shows one)", 2);
        }

        var folder = Path.GetDirectoryName(path)!;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new OracleCommandException($"{configFile}: not JSON: {JsonErrors.Describe(e)}", 2);
        }

        string Fail(string problem) => throw new OracleCommandException($"{configFile}: {problem}", 2);
        if (root.ValueKind != JsonValueKind.Object)
        {
            Fail("must be one JSON object");
        }

        foreach (var p in root.EnumerateObject().Where(p => !Known.Contains(p.Name, StringComparer.Ordinal)))
        {
            Fail($"unknown field \"{p.Name}\" (did you mean \"{OptionsKeys.Nearest(p.Name, Known)}\"? fields: {string.Join(", ", Known)})");
        }

        string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => Fail($"\"{name}\" must be a string") }
            : null;
        string Required(JsonElement e, string name, string example) => Text(e, name) ?? Fail($"\"{name}\" is required, e.g. \"{name}\": {example}");
        ushort Bps(string name, ushort fallback) => Text(root, name) is not { } t ? fallback
            : ushort.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var bps) && bps <= 10_000 ? bps : throw new OracleCommandException($"{configFile}: \"{name}\" must be a whole number of basis points from 0 to 10000, not {t}", 2);

        var publishAt = Text(root, "publishAt");
        if (publishAt is not null && !(Uri.TryCreate(publishAt, UriKind.Absolute, out var at) && at.Scheme is "http" or "https" or "ipfs"))
        {
            Fail($"\"publishAt\" must be the base URL the files are served at, e.g. \"http://127.0.0.1:8090/\", not {publishAt}");
        }

        async Task<PlannedFile> FileAsync(string field, string kind, string rel)
        {
            var full = Path.GetFullPath(rel, folder);
            if (!File.Exists(full))
            {
                Fail($"\"{field}\": {full} does not exist");
            }

            var bytes = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
            var uri = publishAt is null ? new Uri(full).AbsoluteUri : publishAt.TrimEnd('/') + "/" + Uri.EscapeDataString(Path.GetFileName(full));
            return new PlannedFile(kind, full, Keccak.Hash(bytes), uri, bytes);
        }

        var specName = Text(root, "spec") ?? EvaluationSpecs.DefaultName;
        EvaluationSpec spec;
        try
        {
            spec = EvaluationSpecs.Resolve(File.Exists(Path.GetFullPath(specName, folder)) ? Path.GetFullPath(specName, folder) : specName);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new OracleCommandException($"{configFile}: \"spec\": {e.Message}", 2);
        }

        // A spec that failed the economics goals is taken only when the sponsor names it, never by a document's path.
        var economics = EvaluationSpecs.EconomicsFailure(spec);
        if (economics is not null && !string.Equals(specName, spec.Name, StringComparison.Ordinal))
        {
            throw new OracleCommandException(
                $"{configFile}: \"spec\": {specName} is the shipped {spec.Name}, which new markets should not use: {economics} (docs/evaluation.md). " +
                $"Leave \"spec\" out for {EvaluationSpecs.DefaultName}, or write \"spec\": \"{spec.Name}\" to use it anyway", 2);
        }

        var tasks = await FileAsync("tasks", "tasks", Required(root, "tasks", "\"public/tasks.jsonl\"")).ConfigureAwait(false);
        var gold = await FileAsync("gold", "gold", Required(root, "gold", "\"private/gold.jsonl\"")).ConfigureAwait(false);
        var committed = spec.Features == FeatureKind.Committed;
        var taskFeatures = Text(root, "taskFeatures") is { } tf ? await FileAsync("taskFeatures", "tasks", tf).ConfigureAwait(false) : null;
        var goldFeatures = Text(root, "goldFeatures") is { } gf ? await FileAsync("goldFeatures", "gold", gf).ConfigureAwait(false) : null;
        if (committed != (taskFeatures is not null) || committed != (goldFeatures is not null))
        {
            Fail(committed
                ? $"spec {spec.Name} trains on committed features: give \"taskFeatures\" and \"goldFeatures\" (fmp features embed makes them)"
                : $"spec {spec.Name} does not read features files: remove \"taskFeatures\"/\"goldFeatures\", or use a -features spec");
        }

        await CheckFilesAsync(configFile, tasks, gold, taskFeatures, goldFeatures, cancellationToken).ConfigureAwait(false);

        // A shipped spec is published next to the task pool, so that one served folder holds every public file.
        var specFile = File.Exists(Path.GetFullPath(specName, folder)) ? Path.GetFullPath(specName, folder) : Path.Combine(Path.GetDirectoryName(tasks.Path)!, spec.Name + ".json");
        var specUri = publishAt is null ? new Uri(specFile).AbsoluteUri : publishAt.TrimEnd('/') + "/" + Uri.EscapeDataString(Path.GetFileName(specFile));

        var deadlines = new List<(string, string)>();
        if (!root.TryGetProperty("deadlines", out var d) || d.ValueKind != JsonValueKind.Object)
        {
            Fail("\"deadlines\" is required, e.g. \"deadlines\": { \"commit\": \"2h\", \"reveal\": \"1h\", \"gold\": \"1h\", \"evaluation\": \"1d\" }");
        }

        foreach (var name in DeadlineNames)
        {
            deadlines.Add((name, Required(d, name, "\"2h\" (after the deadline before it) or \"2026-12-24T12:00:00Z\"")));
        }

        if (!root.TryGetProperty("stake", out var stake) || stake.ValueKind != JsonValueKind.Object)
        {
            Fail("\"stake\" is required, e.g. \"stake\": { \"min\": \"1\", \"cap\": \"100\" } (tokens)");
        }

        var challenge = Durations.Parse(Text(root, "challengePeriod") ?? "1h", "\"challengePeriod\"");
        return new MarketPlan(configFile, Required(root, "token", "\"0x…\" (the ERC-20 the pool and stakes are in)"), Required(root, "pool", "\"10000\" (tokens)"),
            spec, specFile, tasks, taskFeatures, gold, goldFeatures, deadlines, Required(stake, "min", "\"1\""), Required(stake, "cap", "\"100\""),
            Bps("slashBps", 5_000), Bps("oracleFeeBps", 500), challenge, Text(root, "disputeBond"))
        {
            SpecUri = specUri,
            SpecWarning = economics is null ? null : $"spec {spec.Name} was asked for by name; new markets should use {EvaluationSpecs.DefaultName}: {economics} (docs/evaluation.md)",
        };
    }

    /// <summary>The deadlines as unix times: a duration counts from the deadline before it (the first from <paramref name="now"/>).</summary>
    public ulong[] DeadlineTimes(ulong now)
    {
        var times = new ulong[Deadlines.Count];
        var previous = now;
        for (var i = 0; i < Deadlines.Count; i++)
        {
            var (name, text) = Deadlines[i];
            times[i] = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && text.Contains('-', StringComparison.Ordinal)
                ? (ulong)date.ToUnixTimeSeconds()
                : previous + Durations.Parse(text, $"\"deadlines\".\"{name}\"");
            previous = times[i];
        }

        return times;
    }

    // Everything a node will check later, checked now: a malformed gold set or mismatched features would make the
    // oracles sign a verdict that burns the pool.
    private static async Task CheckFilesAsync(string configFile, PlannedFile tasks, PlannedFile gold, PlannedFile? taskFeatures, PlannedFile? goldFeatures, CancellationToken cancellationToken)
    {
        int taskCount, goldCount;
        try
        {
            var taskIds = await ProtocolFiles.ReadTaskPoolAsync(new MemoryStream(tasks.Bytes), tasks.Path, cancellationToken: cancellationToken).Select(t => t.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            var goldIds = await ProtocolFiles.ReadGoldAsync(new MemoryStream(gold.Bytes), gold.Path, cancellationToken: cancellationToken).Select(t => t.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            (taskCount, goldCount) = (taskIds.Count, goldIds.Count);
            if (taskCount == 0 || goldCount == 0)
            {
                throw new OracleCommandException($"{configFile}: {(taskCount == 0 ? tasks.Path : gold.Path)} is empty", 2);
            }
        }
        catch (FileFormatException e)
        {
            throw new OracleCommandException($"{configFile}: {e.Message}", 2);
        }

        foreach (var (features, items, count) in new[] { (taskFeatures, tasks, taskCount), (goldFeatures, gold, goldCount) })
        {
            if (features is null)
            {
                continue;
            }

            try
            {
                var header = FeaturesReader.Open(features.Path).Header;
                if (FeatureBinding.Mismatch(header, items.Kind, count, items.Hash) is { } problem)
                {
                    throw new OracleCommandException($"{configFile}: {features.Path}: {problem}", 2);
                }
            }
            catch (Exception e) when (e is FileFormatException or IOException)
            {
                throw new OracleCommandException($"{configFile}: {features.Path}: {e.Message}", 2);
            }
        }
    }
}

/// <summary>One of the sponsor's files: what it is, where it is, its keccak256 and the URI it must be published at.</summary>
internal sealed record PlannedFile(string Kind, string Path, Bytes32 Hash, string Uri, byte[] Bytes);

/// <summary>Durations as typed in files and options: <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>, or a number of seconds.</summary>
internal static class Durations
{
    public static ulong Parse(string text, string what)
    {
        var t = text.Trim();
        var unit = t.Length > 0 ? t[^1] : ' ';
        var (digits, scale) = unit switch
        {
            's' => (t[..^1], 1UL),
            'm' => (t[..^1], 60UL),
            'h' => (t[..^1], 3_600UL),
            'd' => (t[..^1], 86_400UL),
            _ => (t, 1UL),
        };
        return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= ulong.MaxValue / scale
            ? n * scale
            : throw new FormatException($"{what} \"{text}\" is not a duration: give e.g. 90s, 30m, 2h or 7d");
    }
}
