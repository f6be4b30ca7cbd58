using System.ComponentModel;
using Protocol.Client;
using Protocol.Client.Markets;
using Protocol.Core.Files;
using Protocol.Core.Files.Import;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Curators;

/// <summary>
/// <c>fmp curator import</c>: a label file from the preferences another tool collected (a Label Studio pairwise export,
/// an Argilla ranking export, TRL prompt/chosen/rejected lines), matched to the market's task pool: the local
/// <c>--tasks</c> file, or the pool the market publishes, checked against its hash as <c>fmp curator tasks</c> checks it.
/// All or nothing: a record that fits no item, or more than one, stops it with every such record named, and nothing is written.
/// </summary>
public sealed class CuratorImportCommand : AsyncCommand<CuratorImportCommand.Settings>
{
    public sealed class Settings : MarketSettings
    {
        [CommandOption("-f|--format <FORMAT>")]
        [Description("The export's format (required): label-studio (JSON export of a Pairwise project), argilla (records.to_json of a RankingQuestion dataset) or trl (JSON Lines of prompt, chosen, rejected).")]
        public string? Format { get; init; }

        [CommandOption("--from <FILE>")]
        [Description("The export to read (required).")]
        public string? From { get; init; }

        [CommandOption("-t|--tasks <FILE>")]
        [Description("The task pool to match against (JSON Lines {\"id\",\"prompt\",\"a\",\"b\"}, e.g. from fmp curator tasks); without it, the market's published pool (--rpc, --market, --market-id), checked against its hash.")]
        public string? Tasks { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("The label file to write (required; an existing file is kept unless --force).")]
        public string? Out { get; init; }

        [CommandOption("--force")]
        [Description("Replace an existing --out file (never one you committed to: a changed file no longer opens the commitment).")]
        public bool Force { get; init; }

        [CommandOption("--fields <PROMPT,FIRST,SECOND>")]
        [Description("Label Studio: the data keys of the prompt and the left and right texts (default prompt,answer1,answer2); Argilla: the record fields of the prompt and the two responses (default prompt,response1,response2).")]
        public string? Fields { get; init; }

        [CommandOption("--options <FIRST,SECOND>")]
        [Description("Argilla: the ranking values that stand for the first and second response field (default response-1,response-2).")]
        public string? Options { get; init; }

        [CommandOption("--question <NAME>")]
        [Description("Label Studio: the Pairwise control's name; Argilla: the RankingQuestion's name (default: the only one).")]
        public string? Question { get; init; }

        [CommandOption("--id-field <NAME>")]
        [Description("Label Studio: the data key, TRL: the field holding the task-pool id (default id; Argilla: the record's id).")]
        public string? IdField { get; init; }

        [CommandOption("--match <HOW>")]
        [Description("auto (default: by id where a record carries one, else by prompt and responses), id, or text (by the exact prompt and the two responses in either order).")]
        public string? Match { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var options = Options(settings);
            var from = settings.From is { Length: > 0 } f ? Path.GetFullPath(f) : throw new RefusalException("--from is required: the export to read", RefusalCode.InvalidInput);
            var output = settings.Out is { Length: > 0 } o ? Path.GetFullPath(o) : throw new RefusalException("--out is required: the label file to write", RefusalCode.InvalidInput);
            if (!File.Exists(from))
            {
                throw new RefusalException($"--from {from}: no such file", RefusalCode.InvalidInput);
            }

            if (File.Exists(output) && !settings.Force)
            {
                throw new RefusalException($"--out {output} exists; it is kept (a label file you committed to must not change): give another --out, or --force to replace it", RefusalCode.InvalidInput);
            }

            var (pool, poolName) = await PoolAsync(settings, cancellationToken).ConfigureAwait(false);
            var bytes = await File.ReadAllBytesAsync(from, cancellationToken).ConfigureAwait(false);
            LabelImportResult result;
            try
            {
                result = LabelImporter.Import(bytes, settings.From!, pool, options);
            }
            catch (FileFormatException e)
            {
                throw new RefusalException($"{e.Message}; no label file was written");
            }
            catch (LabelImportException e)
            {
                throw new RefusalException(e.Message);
            }

            if (result.Labels.Count == 0)
            {
                throw new RefusalException($"{settings.From}: none of its {result.Records} records holds a label ({result.Unlabelled} unlabelled), so no label file was written");
            }

            var temp = $"{output}.{Environment.ProcessId}.tmp";
            await File.WriteAllBytesAsync(temp, CanonicalWriter.ToBytes(result.Labels.Select(ProtocolFiles.ToLine)), cancellationToken).ConfigureAwait(false);
            File.Move(temp, output, overwrite: true);
            await Console.Out.WriteLineAsync($"{result.Labels.Count} labels from {settings.From} ({result.ById} matched by id, {result.ByText} by prompt and responses) on {poolName} -> {output}").ConfigureAwait(false);
            if (result.Unlabelled > 0 || result.Repeated > 0)
            {
                await Console.Out.WriteLineAsync($"{result.Records} records: {result.Unlabelled} without a label (skipped), {result.Repeated} repeating a label already taken").ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync($"next: fmp curator commit --labels {output} --stake AMOUNT").ConfigureAwait(false);
            return 0;
        });

    private static LabelImportOptions Options(Settings s)
    {
        var format = s.Format?.Trim().ToLowerInvariant() switch
        {
            "label-studio" or "labelstudio" => ExportFormat.LabelStudio,
            "argilla" => ExportFormat.Argilla,
            "trl" => ExportFormat.Trl,
            null or "" => throw new RefusalException("--format is required: label-studio, argilla or trl", RefusalCode.InvalidInput),
            var other => throw new RefusalException($"--format \"{other}\" is not one of label-studio, argilla, trl", RefusalCode.InvalidInput),
        };
        var matching = s.Match?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => ItemMatching.Auto,
            "id" => ItemMatching.Id,
            "text" => ItemMatching.Text,
            var other => throw new RefusalException($"--match \"{other}\" is not one of auto, id, text", RefusalCode.InvalidInput),
        };
        if (format == ExportFormat.Trl && s.Fields is not null)
        {
            throw new RefusalException("--fields is for label-studio and argilla: TRL lines always hold prompt, chosen and rejected", RefusalCode.InvalidInput);
        }

        if (format != ExportFormat.Argilla && s.Options is not null)
        {
            throw new RefusalException("--options is for argilla: the ranking values that stand for the two responses", RefusalCode.InvalidInput);
        }

        return new LabelImportOptions
        {
            Format = format,
            Fields = List(s.Fields, "--fields", 3, "PROMPT,FIRST,SECOND"),
            Options = List(s.Options, "--options", 2, "FIRST,SECOND"),
            Question = s.Question is { Length: > 0 } q ? q : null,
            IdField = s.IdField is { Length: > 0 } id ? id : "id",
            Matching = matching,
        };
    }

    private static string[]? List(string? text, string option, int count, string shape)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == count && parts.All(p => p.Length > 0) && parts.Distinct(StringComparer.Ordinal).Count() == count
            ? parts
            : throw new RefusalException($"{option} \"{text}\" is not {count} different names: {shape}", RefusalCode.InvalidInput);
    }

    // The local pool as the oracles read one, or the market's published pool (fetched, or remembered, and checked against its hash).
    private static async Task<(IReadOnlyList<TaskItem> Pool, string Name)> PoolAsync(Settings s, CancellationToken cancellationToken)
    {
        if (s.Tasks is { Length: > 0 } tasks)
        {
            var path = Path.GetFullPath(tasks);
            if (!File.Exists(path))
            {
                throw new RefusalException($"--tasks {path}: no such file", RefusalCode.InvalidInput);
            }

            try
            {
                await using var stream = File.OpenRead(path);
                var items = await ProtocolFiles.ReadTaskPoolAsync(stream, path, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
                return (items, $"the task pool {path} ({items.Count} items)");
            }
            catch (FileFormatException e)
            {
                throw new RefusalException($"--tasks: {e.Message}", RefusalCode.InvalidInput);
            }
        }

        if (string.IsNullOrWhiteSpace(s.Rpc) && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("FMP_RPC")))
        {
            throw new RefusalException("--tasks is required (the task pool file), or the market (--rpc, --market, --market-id, or FMP_RPC …) whose published task pool to read", RefusalCode.InvalidInput);
        }

        var m = await MarketCommandSession.OpenAsync(s, market: true, cancellationToken).ConfigureAwait(false);
        var pool = await CuratorTaskPool.LoadAsync(m, s.StartBlock, cancellationToken).ConfigureAwait(false);
        return (pool.Items, $"market {m.Id}'s task pool ({pool.Items.Count} items)");
    }
}
