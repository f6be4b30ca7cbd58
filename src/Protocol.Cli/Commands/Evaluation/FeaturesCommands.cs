using System.ComponentModel;
using System.Diagnostics;
using Protocol.Core.Arrays;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Embeddings;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Evaluation;

/// <summary>The JSON Lines file a features file belongs to: exactly one of --tasks and --gold.</summary>
public class FeaturesItemsSettings : CommandSettings
{
    [CommandOption("--tasks <FILE>")]
    [Description("Task pool (JSON Lines) the features are for.")]
    public string? Tasks { get; init; }

    [CommandOption("--gold <FILE>")]
    [Description("Gold set (JSON Lines) the features are for.")]
    public string? Gold { get; init; }

    public override ValidationResult Validate() =>
        (Tasks is null) == (Gold is null) ? ValidationResult.Error("give exactly one of --tasks FILE and --gold FILE") : ValidationResult.Success();
}

/// <summary>Reading the JSON Lines files the features commands work on.</summary>
internal static class FeatureItems
{
    public sealed record Loaded(string Kind, string Path, byte[] Bytes, Bytes32 Hash, IReadOnlyList<string> Ids, IReadOnlyList<ComparisonText> Texts);

    public static async Task<Loaded> LoadAsync(string kind, string path, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        if (kind == "tasks")
        {
            var tasks = await ProtocolFiles.ReadTaskPoolAsync(new MemoryStream(bytes), path, cancellationToken: ct).ToListAsync(ct).ConfigureAwait(false);
            return new Loaded(kind, path, bytes, Keccak.Hash(bytes), [.. tasks.Select(t => t.Id)], [.. tasks.Select(t => new ComparisonText(t.Prompt, t.A, t.B))]);
        }

        var gold = await ProtocolFiles.ReadGoldAsync(new MemoryStream(bytes), path, cancellationToken: ct).ToListAsync(ct).ConfigureAwait(false);
        return new Loaded(kind, path, bytes, Keccak.Hash(bytes), [.. gold.Select(g => g.Id)], [.. gold.Select(g => new ComparisonText(g.Prompt, g.A, g.B))]);
    }

    public static (string Kind, string Path) Of(FeaturesItemsSettings s) => s.Tasks is { } t ? ("tasks", t) : ("gold", s.Gold!);

    public static string FeaturesPath(string folder, string itemsPath) => Path.Combine(folder, Path.GetFileNameWithoutExtension(itemsPath) + ".features");

    /// <summary>Prints what a market commits to for one JSON Lines file and its features file.</summary>
    public static void PrintBinding(Loaded items, string featuresPath, FeaturesHeader header)
    {
        var featuresHash = Keccak.HashFileAsync(featuresPath).GetAwaiter().GetResult();
        var bundle = FeatureBinding.BundleHash(items.Hash, featuresHash);
        var role = items.Kind == "tasks" ? "taskPoolHash" : "goldHash (inside the gold commitment)";
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("features file", Markup.Escape(Path.GetFullPath(featuresPath)));
        grid.AddRow("rows × dim", $"{header.Rows} × {header.Dim} int16 at 2^-{header.ScaleBits}, {Markup.Escape(header.Model)}");
        grid.AddRow($"keccak256({Markup.Escape(Path.GetFileName(items.Path))})", items.Hash.ToString());
        grid.AddRow("keccak256(features)", featuresHash.ToString());
        grid.AddRow($"[bold]{role}[/]", $"[bold]{bundle}[/]");
        grid.AddRow("URI field", Markup.Escape("\"<URI of the .jsonl> <URI of the .features>\" (one space)"));
        AnsiConsole.Write(new Panel(grid).Header(items.Kind == "tasks" ? "task pool" : "gold set"));
    }

    public static int Fail(string message)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]error[/]: {message}");
        return 2;
    }
}

/// <summary><c>fmp features embed</c>: features files from the packaged sentence embedder.</summary>
public sealed class FeaturesEmbedCommand : AsyncCommand<FeaturesEmbedCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--tasks <FILE>")]
        [Description("Task pool (JSON Lines). Required.")]
        public string Tasks { get; init; } = "";

        [CommandOption("--gold <FILE>")]
        [Description("Gold set (JSON Lines), embedded the same way (keep its features secret until the gold reveal).")]
        public string? Gold { get; init; }

        [CommandOption("--out <FOLDER>")]
        [Description("Where <name>.features files are written. Required.")]
        public string Out { get; init; } = "";

        [CommandOption("--model <NAME>")]
        [Description("Packaged model: minilm (all-MiniLM-L6-v2, 384 dims, the default), arctic-xs (snowflake-arctic-embed-xs, 384 dims), minilm+arctic-xs (both vectors side by side, 768 dims: what bt-inrun-v3-features-duo requires), or minilm-int8 / arctic-xs-int8 (the model with int8 weights: about twice as fast, vectors within 0.97-0.99 cosine of fp32's, a model name of their own).")]
        public string Model { get; init; } = "minilm";

        [CommandOption("--text <WHAT>")]
        [Description("response (default): embed each response alone — the prompt is shared by a and b, and with it both texts hit the 256-token limit and become the same vector; prompt+response: the prompt, a blank line, the response.")]
        public string Text { get; init; } = "response";

        [CommandOption("--threads <N>")]
        [Description("Cores to use (default: all): model calls run in parallel, one per thread. The vectors do not depend on it.")]
        public int Threads { get; init; } = Environment.ProcessorCount;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Tasks) || string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--tasks FILE and --out FOLDER are required")
            : !PackagedEmbedders.Keys.Contains(Model) ? ValidationResult.Error($"--model {Model}: the packaged models are {string.Join(", ", PackagedEmbedders.Keys)}; bring another model's embeddings with `fmp features import`")
            : ComparisonFeatures.ParseText(Text) is null ? ValidationResult.Error($"--text {Text}: use response or prompt+response")
            : Threads < 1 ? ValidationResult.Error("--threads must be at least 1")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var mode = ComparisonFeatures.ParseText(settings.Text)!.Value;
        var files = new List<FeatureItems.Loaded>();
        try
        {
            files.Add(await FeatureItems.LoadAsync("tasks", settings.Tasks, cancellationToken).ConfigureAwait(false));
            if (settings.Gold is { } gold)
            {
                files.Add(await FeatureItems.LoadAsync("gold", gold, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception e) when (e is FileFormatException or IOException)
        {
            return FeatureItems.Fail(e.Message);
        }

        Directory.CreateDirectory(settings.Out);
        using var embedder = PackagedEmbedders.Load(settings.Model, MiniLmOptions.ForThreads(settings.Threads));
        var written = new List<(FeatureItems.Loaded Items, string Path, FeaturesHeader Header, string Rate)>();
        var clock = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                foreach (var items in files)
                {
                    var total = ComparisonFeatures.DistinctTexts(items.Texts, mode);
                    var bar = ctx.AddTask($"{items.Kind}: embedding {total} texts", maxValue: Math.Max(1, total));
                    var started = clock.Elapsed.TotalSeconds;
                    var progress = new Progress<int>(done =>
                    {
                        // Parallel batches report from their workers and Progress posts to the thread pool: counts can arrive out of order.
                        done = (int)Math.Max(bar.Value, done);
                        bar.Value = done;
                        bar.Description = $"{items.Kind}: {done}/{total} texts ({done / Math.Max(0.001, clock.Elapsed.TotalSeconds - started):0} texts/s)";
                    });
                    var path = FeatureItems.FeaturesPath(settings.Out, items.Path);
                    var temporary = path + ".partial";
                    FeaturesHeader header;
                    await using (var stream = File.Create(temporary))
                    {
                        header = await ComparisonFeatures.WriteAsync(embedder, items.Texts, items.Kind, items.Hash, mode, stream, progress, cancellationToken).ConfigureAwait(false);
                    }

                    File.Move(temporary, path, overwrite: true); // a cancelled run leaves no file that looks complete
                    bar.Value = bar.MaxValue;
                    var seconds = clock.Elapsed.TotalSeconds - started;
                    written.Add((items, path, header, $"{items.Kind}: {total} distinct texts embedded in {seconds:0.0} s ({total / Math.Max(0.001, seconds):0} texts/s)"));
                }
            }).ConfigureAwait(false);

        foreach (var (items, path, header, rate) in written)
        {
            AnsiConsole.WriteLine(rate); // the bar is gone once done (and absent when output is redirected)
            FeatureItems.PrintBinding(items, path, header);
        }

        AnsiConsole.MarkupLine($"{Markup.Escape(embedder.Info.Name)} (sha256 {embedder.Info.ModelSha256[..16]}…), text {ComparisonFeatures.TextName(mode)}, {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }
}

/// <summary><c>fmp features import</c>: a lab's own embeddings (.npy or .safetensors) as a features file.</summary>
public sealed class FeaturesImportCommand : AsyncCommand<FeaturesImportCommand.Settings>
{
    public sealed class Settings : FeaturesItemsSettings
    {
        [CommandOption("--npy <FILE>")]
        [Description("NumPy array: (N, 2, D) embeddings [[f(a), f(b)]] per comparison, or (N, D) rows f(a) - f(b); float16/32/64.")]
        public string? Npy { get; init; }

        [CommandOption("--safetensors <FILE>")]
        [Description("safetensors file holding such an array (F16, BF16, F32, F64).")]
        public string? Safetensors { get; init; }

        [CommandOption("--tensor <NAME>")]
        [Description("Which tensor of the safetensors file (needed when it holds more than one).")]
        public string? Tensor { get; init; }

        [CommandOption("--ids <FILE>")]
        [Description("The id of each array row, one per line, when the array is not in the JSON Lines file's order.")]
        public string? Ids { get; init; }

        [CommandOption("--model <NAME>")]
        [Description("The model that made the embeddings (written into the header for auditors). Required.")]
        public string Model { get; init; } = "";

        [CommandOption("--no-normalise")]
        [Description("Do not L2-normalise (N, 2, D) embeddings before taking f(a) - f(b).")]
        public bool NoNormalise { get; init; }

        [CommandOption("--text <WHAT>")]
        [Description("What was embedded, for auditors (e.g. response). Default response.")]
        public string Text { get; init; } = "response";

        [CommandOption("--note <TEXT>")]
        [Description("Free text for auditors (pooling, layer, revision …).")]
        public string? Note { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("The features file to write. Required.")]
        public string Out { get; init; } = "";

        public override ValidationResult Validate()
        {
            var items = base.Validate();
            return !items.Successful ? items
                : (Npy is null) == (Safetensors is null) ? ValidationResult.Error("give exactly one of --npy FILE and --safetensors FILE")
                : string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model NAME is required (it names the embeddings' model in the header)")
                : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out FILE is required")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (kind, itemsPath) = FeatureItems.Of(settings);
        FeatureItems.Loaded items;
        IReadOnlyList<string>? ids = null;
        try
        {
            items = await FeatureItems.LoadAsync(kind, itemsPath, cancellationToken).ConfigureAwait(false);
            if (settings.Ids is { } idsPath)
            {
                ids = [.. (await File.ReadAllLinesAsync(idsPath, cancellationToken).ConfigureAwait(false)).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];
            }
        }
        catch (Exception e) when (e is FileFormatException or IOException)
        {
            return FeatureItems.Fail(e.Message);
        }

        var settingsMap = new Dictionary<string, string>(StringComparer.Ordinal) { ["text"] = settings.Text, ["normalisation"] = settings.NoNormalise ? "none" : "l2" };
        if (settings.Note is { } note)
        {
            settingsMap["note"] = note;
        }

        var temporary = settings.Out + ".partial";
        try
        {
            using var array = settings.Npy is { } npy ? ArrayFile.OpenNpy(npy) : ArrayFile.OpenSafetensors(settings.Safetensors!, settings.Tensor);
            var request = new FeaturesImportRequest(kind, items.Ids, items.Hash, ids, settings.Model, !settings.NoNormalise, settingsMap);
            FeaturesHeader header = null!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.Out))!);
            await AnsiConsole.Progress().StartAsync(ctx =>
            {
                var bar = ctx.AddTask($"importing {array.Rows} rows of {Markup.Escape(array.DType)}", maxValue: Math.Max(1, array.Rows));
                using var output = File.Create(temporary);
                header = FeaturesImport.Write(array, request, output, new Progress<long>(r => bar.Value = r), cancellationToken);
                bar.Value = bar.MaxValue;
                return Task.CompletedTask;
            }).ConfigureAwait(false);
            File.Move(temporary, settings.Out, overwrite: true);
            FeatureItems.PrintBinding(items, settings.Out, header);
            return 0;
        }
        catch (Exception e) when (e is FileFormatException or IOException or ArgumentException)
        {
            File.Delete(temporary);
            return FeatureItems.Fail(e.Message);
        }
    }
}

/// <summary><c>fmp features verify</c>: recompute a sample of rows with the packaged model and report the largest deviation.</summary>
public sealed class FeaturesVerifyCommand : AsyncCommand<FeaturesVerifyCommand.Settings>
{
    public sealed class Settings : FeaturesItemsSettings
    {
        [CommandOption("--features <FILE>")]
        [Description("The features file to audit. Required.")]
        public string Features { get; init; } = "";

        [CommandOption("--sample <N>")]
        [Description("Rows to recompute, spread over the file (default 64).")]
        public int Sample { get; init; } = 64;

        [CommandOption("--tolerance <QUANTA>")]
        [Description("Largest deviation accepted, in quanta of the file's scale (default 2: another CPU may differ in the last float bits).")]
        public int Tolerance { get; init; } = 2;

        public override ValidationResult Validate()
        {
            var items = base.Validate();
            return !items.Successful ? items
                : string.IsNullOrWhiteSpace(Features) ? ValidationResult.Error("--features FILE is required")
                : Sample < 1 || Tolerance < 0 ? ValidationResult.Error("--sample must be at least 1 and --tolerance at least 0")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (kind, itemsPath) = FeatureItems.Of(settings);
        FeatureItems.Loaded items;
        FeaturesReader features;
        try
        {
            items = await FeatureItems.LoadAsync(kind, itemsPath, cancellationToken).ConfigureAwait(false);
            features = FeaturesReader.Open(settings.Features);
        }
        catch (Exception e) when (e is FileFormatException or IOException)
        {
            return FeatureItems.Fail(e.Message);
        }

        if (FeatureBinding.Mismatch(features.Header, kind, items.Ids.Count, items.Hash) is { } mismatch)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]does not belong to {itemsPath}[/]: {mismatch}");
            return 1;
        }

        if (!PackagedEmbedders.Knows(features.Header.Model))
        {
            return FeatureItems.Fail($"{settings.Features}: made by {features.Header.Model}, which no packaged model can recompute (packaged: {string.Join(", ", PackagedEmbedders.Keys.Select(PackagedEmbedders.ModelName))})");
        }

        using var embedder = PackagedEmbedders.ForModelName(features.Header.Model);
        VerifyReport report;
        try
        {
            report = ComparisonFeatures.Verify(embedder, features, items.Texts, settings.Sample, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return FeatureItems.Fail(e.Message);
        }

        FeatureItems.PrintBinding(items, settings.Features, features.Header);
        var ok = report.MaxDeviationQuanta <= settings.Tolerance;
        AnsiConsole.MarkupLine($"{report.RowsChecked} rows recomputed with {Markup.Escape(embedder.Info.Name)}: largest deviation {report.MaxDeviation:G4} ({report.MaxDeviationQuanta} quanta{(report.WorstRow >= 0 ? $", row {report.WorstRow}" : "")}) — " +
            (ok ? "[green]consistent with the named model[/]" : $"[red]more than {settings.Tolerance} quanta: these are not the named model's features[/]"));
        return ok ? 0 : 1;
    }
}
