using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Protocol.Client;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation;

namespace Protocol.Client.Markets;

/// <summary>
/// A sponsor's market file (<c>fmp market create --config market.json</c>), read and checked: every file parsed and
/// hashed, features bound to their files, amounts and durations understood. Paths are read from the file's folder.
/// docs/sponsors.md shows a complete one.
/// </summary>
public sealed record MarketPlan(
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

    /// <summary>The task pool's item count (read when the file was checked).</summary>
    public int TaskCount { get; init; }

    /// <summary>Why the named spec is a poor choice for a new market (the economics goals it failed), or null.</summary>
    public string? SpecWarning { get; init; }

    /// <summary>
    /// For a spec that judges labels against the other curators' (v3): how many items each address gets and how many
    /// curators give the ~5 labels per item its consensus needs (docs/evaluation.md, "What it costs"); else null.
    /// </summary>
    public string? Sizing
    {
        get
        {
            if (Spec.InRun is not { AssignedItems: > 0, Peer: not null } p)
            {
                return null;
            }

            var items = TaskCount;
            var perAddress = Math.Max(1, (int)Math.Round((double)p.ShareFor(items) * items / 1_000_000));
            var curators = (int)Math.Ceiling(5.0 * items / perAddress);
            return $"each address is given about {perAddress} of the {items} items; {Spec.Name} judges a label against the other curators' labels of its item and needs about 5 per item, so about {curators} curators " +
                "(below about 2 labels per item even accurate curators lose money: docs/evaluation.md, \"What it costs\")";
        }
    }

    /// <summary>
    /// Reads and checks the market file. Every problem of the file is listed in one refusal (a sponsor fixes them in
    /// one go instead of one per run); only a file that is not JSON, or not one object, stops at the first.
    /// </summary>
    public static async Task<MarketPlan> ReadAsync(string configFile, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(configFile);
        if (!File.Exists(path))
        {
            throw new RefusalException($"--config {configFile}: no such file (the market file; docs/sponsors.md shows one){GivenPath.Tried(configFile)}", RefusalCode.InvalidInput);
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
            throw new RefusalException($"{configFile}: not JSON: {JsonErrors.Describe(e)}", RefusalCode.InvalidInput);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RefusalException($"{configFile}: must be one JSON object", RefusalCode.InvalidInput);
        }

        // Each check adds what is wrong and goes on with a stand-in value; nothing is used before the list is empty.
        var problems = new List<string>();
        foreach (var p in root.EnumerateObject().Where(p => !Known.Contains(p.Name, StringComparer.Ordinal)))
        {
            problems.Add($"unknown field \"{p.Name}\" (did you mean \"{DidYouMean.Nearest(p.Name, Known)}\"? fields: {string.Join(", ", Known)})");
        }

        string? Text(JsonElement e, string name)
        {
            if (!e.TryGetProperty(name, out var v))
            {
                return null;
            }

            if (v.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                return v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
            }

            problems.Add($"\"{name}\" must be a string");
            return null;
        }

        // parent: the object a nested field is in ("stake"), named before it.
        string Required(JsonElement e, string name, string example, string? parent = null)
        {
            if (e.ValueKind == JsonValueKind.Object && !e.TryGetProperty(name, out _))
            {
                problems.Add($"{(parent is null ? "" : $"\"{parent}\": ")}\"{name}\" is required, e.g. \"{name}\": {example}");
            }

            return e.ValueKind == JsonValueKind.Object ? Text(e, name) ?? "" : "";
        }

        ushort Bps(string name, ushort fallback)
        {
            if (Text(root, name) is not { } t)
            {
                return fallback;
            }

            if (ushort.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var bps) && bps <= 10_000)
            {
                return bps;
            }

            problems.Add($"\"{name}\" must be a whole number of basis points from 0 to 10000, not {t}");
            return fallback;
        }

        ulong Duration(string text, string what)
        {
            try
            {
                return Durations.Parse(text, what);
            }
            catch (FormatException e)
            {
                problems.Add(e.Message);
                return 1;
            }
        }

        var publishAt = Text(root, "publishAt");
        if (publishAt is not null && !(Uri.TryCreate(publishAt, UriKind.Absolute, out var at) && at.Scheme is "http" or "https" or "ipfs"))
        {
            problems.Add($"\"publishAt\" must be the base URL the files are served at, e.g. \"http://127.0.0.1:8090/\", not {publishAt}");
        }

        async Task<PlannedFile?> FileAsync(string field, string kind, string rel)
        {
            if (rel.Length == 0)
            {
                return null; // missing or not a string: said already
            }

            var full = Path.GetFullPath(rel, folder);
            if (!File.Exists(full))
            {
                problems.Add($"\"{field}\": {full} does not exist{(Path.IsPathRooted(rel) ? "" : $" (\"{rel}\" is read from the market file's folder, {folder})")}");
                return null;
            }

            var bytes = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
            var uri = publishAt is null ? new Uri(full).AbsoluteUri : publishAt.TrimEnd('/') + "/" + Uri.EscapeDataString(Path.GetFileName(full));
            return new PlannedFile(kind, full, Keccak.Hash(bytes), uri, bytes);
        }

        var givenSpec = Text(root, "spec");
        var specName = givenSpec ?? EvaluationSpecs.DefaultName;
        var taskCount = 0;
        var specPath = Path.GetFullPath(specName, folder);
        EvaluationSpec? spec = null;
        string? economics = null;
        try
        {
            spec = EvaluationSpecs.Resolve(File.Exists(specPath) ? specPath : specName);
        }
        catch (FileNotFoundException e)
        {
            // A path is read from the market file's folder: say where it was looked for.
            problems.Add($"\"spec\": {e.Message}{(specName.Contains('/', StringComparison.Ordinal) || specName.Contains('\\', StringComparison.Ordinal) || specName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? $"; as a file, looked for {specPath} (paths are read from the market file's folder)" : "")}");
        }
        catch (InvalidDataException e)
        {
            problems.Add($"\"spec\": {e.Message}");
        }

        // A spec that failed the economics goals is taken only when the sponsor names it, never by a document's path.
        if (spec is not null)
        {
            economics = EvaluationSpecs.EconomicsFailure(spec);
            if (economics is not null && !string.Equals(specName, spec.Name, StringComparison.Ordinal))
            {
                problems.Add(
                    $"\"spec\": {specName} is the shipped {spec.Name}, which new markets should not use: {economics} (docs/evaluation.md). " +
                    $"{Better(spec)}, or write \"spec\": \"{spec.Name}\" to use it anyway");
            }
        }

        var tasks = await FileAsync("tasks", "tasks", Required(root, "tasks", "\"public/tasks.jsonl\"")).ConfigureAwait(false);
        var gold = await FileAsync("gold", "gold", Required(root, "gold", "\"private/gold.jsonl\"")).ConfigureAwait(false);
        var tf = Text(root, "taskFeatures");
        var gf = Text(root, "goldFeatures");
        var taskFeatures = tf is null ? null : await FileAsync("taskFeatures", "tasks", tf).ConfigureAwait(false);
        var goldFeatures = gf is null ? null : await FileAsync("goldFeatures", "gold", gf).ConfigureAwait(false);
        if (spec is not null)
        {
            var committed = spec.Features == FeatureKind.Committed;
            if (committed != (tf is not null) || committed != (gf is not null))
            {
                problems.Add(committed
                    ? $"spec {spec.Name} trains on committed features: give \"taskFeatures\" and \"goldFeatures\" (fmp features embed makes them)"
                    : $"spec {spec.Name} does not read features files: remove \"taskFeatures\"/\"goldFeatures\", or use a -features spec");
            }
            else if (tasks is not null && gold is not null && (taskFeatures is not null || tf is null) && (goldFeatures is not null || gf is null))
            {
                var (fileProblems, count) = await CheckFilesAsync(tasks, gold, taskFeatures, goldFeatures, cancellationToken).ConfigureAwait(false);
                problems.AddRange(fileProblems);
                taskCount = count ?? 0;
            }
        }

        var deadlines = new List<(string, string)>();
        if (!root.TryGetProperty("deadlines", out var d) || d.ValueKind != JsonValueKind.Object)
        {
            problems.Add("\"deadlines\" is required, e.g. \"deadlines\": { \"commit\": \"2h\", \"reveal\": \"1h\", \"gold\": \"1h\", \"evaluation\": \"1d\" }");
        }
        else
        {
            foreach (var name in DeadlineNames)
            {
                var text = Required(d, name, "\"2h\" (after the deadline before it) or \"2026-12-24T12:00:00Z\"", "deadlines");
                if (text.Length > 0 && !IsDate(text))
                {
                    Duration(text, $"\"deadlines\".\"{name}\"");
                }

                deadlines.Add((name, text));
            }
        }

        var stakeGiven = root.TryGetProperty("stake", out var stake) && stake.ValueKind == JsonValueKind.Object;
        if (!stakeGiven)
        {
            problems.Add("\"stake\" is required, e.g. \"stake\": { \"min\": \"1\", \"cap\": \"100\" } (tokens)");
        }

        var challenge = Duration(Text(root, "challengePeriod") ?? "1h", "\"challengePeriod\"");
        var token = Required(root, "token", "\"0x…\" (the ERC-20 the pool and stakes are in)");
        var pool = Required(root, "pool", "\"10000\" (tokens)");
        var minStake = stakeGiven ? Required(stake, "min", "\"1\"", "stake") : "";
        var stakeCap = stakeGiven ? Required(stake, "cap", "\"100\"", "stake") : "";
        var slash = Bps("slashBps", 5_000);
        var oracleFee = Bps("oracleFeeBps", 500);
        var disputeBond = Text(root, "disputeBond");
        if (problems.Count > 0 || spec is null || tasks is null || gold is null)
        {
            throw new RefusalException(problems.Count == 1
                ? $"{configFile}: {problems[0]}; nothing was sent"
                : $"{configFile}: {problems.Count} problems, so nothing was sent:\n  - {string.Join("\n  - ", problems)}", RefusalCode.InvalidInput);
        }

        // A shipped spec is published next to the task pool, so that one served folder holds every public file.
        var specFile = File.Exists(specPath) ? specPath : Path.Combine(Path.GetDirectoryName(tasks.Path)!, spec.Name + ".json");
        var specUri = publishAt is null ? new Uri(specFile).AbsoluteUri : publishAt.TrimEnd('/') + "/" + Uri.EscapeDataString(Path.GetFileName(specFile));
        return new MarketPlan(configFile, token, pool, spec, specFile, tasks, taskFeatures, gold, goldFeatures, deadlines, minStake, stakeCap,
            slash, oracleFee, challenge, disputeBond)
        {
            SpecUri = specUri,
            TaskCount = taskCount,
            SpecWarning = economics is null ? null
                : givenSpec is not null ? $"spec {spec.Name} was asked for by name; new markets should use {EvaluationSpecs.Instead(spec)}: {economics} (docs/evaluation.md)"
                : $"spec {spec.Name} is the default, and {economics} (docs/evaluation.md). {Better(spec)}",
        };
    }

    // What to write instead of a spec that failed a goal: the default, or the one spec that met every goal (which needs
    // the sponsor's features).
    private static string Better(EvaluationSpec spec) => EvaluationSpecs.Instead(spec) == EvaluationSpecs.DefaultName
        ? $"Leave \"spec\" out for {EvaluationSpecs.DefaultName}"
        : $"\"spec\": \"{EvaluationSpecs.BestMeasuredName}\" met every goal measured (it reads committed features: make them with fmp features embed --model minilm+arctic-xs and give \"taskFeatures\" and \"goldFeatures\")";

    // A deadline given as a date ("2026-12-24T12:00:00Z") rather than a duration after the one before it.
    private static bool IsDate(string text) =>
        text.Contains('-', StringComparison.Ordinal) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

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
    // oracles sign a verdict that burns the pool. Returns the problems, each naming its field, and the task count.
    private static async Task<(List<string> Problems, int? TaskCount)> CheckFilesAsync(PlannedFile tasks, PlannedFile gold, PlannedFile? taskFeatures, PlannedFile? goldFeatures, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        int? taskCount = null, goldCount = null;
        try
        {
            taskCount = await ProtocolFiles.ReadTaskPoolAsync(new MemoryStream(tasks.Bytes), tasks.Path, cancellationToken: cancellationToken).CountAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FileFormatException e)
        {
            problems.Add($"\"tasks\": {e.Message}");
        }

        try
        {
            goldCount = await ProtocolFiles.ReadGoldAsync(new MemoryStream(gold.Bytes), gold.Path, cancellationToken: cancellationToken).CountAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FileFormatException e)
        {
            problems.Add($"\"gold\": {e.Message}");
        }

        foreach (var (field, file, count) in new[] { ("tasks", tasks, taskCount), ("gold", gold, goldCount) })
        {
            if (count == 0)
            {
                problems.Add($"\"{field}\": {file.Path} is empty");
            }
        }

        foreach (var (field, features, items, count) in new[] { ("taskFeatures", taskFeatures, tasks, taskCount), ("goldFeatures", goldFeatures, gold, goldCount) })
        {
            if (features is null || count is not > 0)
            {
                continue;
            }

            try
            {
                var header = FeaturesReader.Open(features.Path).Header;
                if (FeatureBinding.Mismatch(header, items.Kind, count.Value, items.Hash) is { } problem)
                {
                    problems.Add($"\"{field}\": {features.Path}: {problem}");
                }
            }
            catch (Exception e) when (e is FileFormatException or IOException)
            {
                problems.Add($"\"{field}\": {features.Path}: {e.Message}");
            }
        }

        return (problems, taskCount);
    }
}

/// <summary>One of the sponsor's files: what it is, where it is, its keccak256 and the URI it must be published at.</summary>
public sealed record PlannedFile(string Kind, string Path, Bytes32 Hash, string Uri, byte[] Bytes);

/// <summary>Durations as typed in files and options: <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>, or a number of seconds.</summary>
public static class Durations
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
