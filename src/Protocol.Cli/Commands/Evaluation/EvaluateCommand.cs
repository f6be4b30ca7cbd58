using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.CrowdMarkets;
using Protocol.Evaluation;
using Protocol.Node.Evaluation;
using Protocol.Node.Inputs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Evaluation;

/// <summary>
/// <c>fmp evaluate</c>: the evaluation of one market from local files, without a chain. Writes the canonical
/// scores and metrics files and the leaves, and prints the report digest an oracle would sign.
/// </summary>
public sealed class EvaluateCommand : AsyncCommand<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--from-data <FOLDER>")]
        [Description("Build the inputs from a folder of the repository's data/ (data/ukpconvarg1, data/pandalm, data/hh-rlhf) into <out>/inputs, then evaluate them: gold = strict-majority pairs whose id hashes to 0 mod 6, task pool = the rest, curators = workers with --min-labels a/b labels or more, plus --injected random, flipped and constant curators of each kind, each staking 50 tokens. Replaces --tasks, --gold and --manifest; the spec defaults to bt-inrun-v2-open (crowd workers chose their own items).")]
        public string? FromData { get; init; }

        [CommandOption("--min-labels <N>")]
        [Description("With --from-data: the fewest task-pool labels that make a worker a curator. Default 30.")]
        public int MinLabels { get; init; } = 30;

        [CommandOption("--max-curators <N>")]
        [Description("With --from-data: at most this many crowd workers (in name order). Default all.")]
        public int MaxCurators { get; init; } = int.MaxValue;

        [CommandOption("--injected <N>")]
        [Description("With --from-data: injected bad curators of each kind (random, flipped majority, constant \"a\"). Default 1.")]
        public int Injected { get; init; } = 1;

        [CommandOption("--inputs-only")]
        [Description("With --from-data: write the inputs and stop, without evaluating (the files of a market to try the sponsor and curator guides with).")]
        public bool InputsOnly { get; init; }

        [CommandOption("--tasks <FILE>")]
        [Description("Task pool (JSON Lines).")]
        public string Tasks { get; set; } = "";

        [CommandOption("--gold <FILE>")]
        [Description("Gold set (JSON Lines).")]
        public string Gold { get; set; } = "";

        [CommandOption("--task-features <FILE>")]
        [Description("The task pool's features file (specs reading committed features: the -features specs).")]
        public string? TaskFeatures { get; init; }

        [CommandOption("--gold-features <FILE>")]
        [Description("The gold set's features file (with --task-features).")]
        public string? GoldFeatures { get; init; }

        [CommandOption("--manifest <FILE>")]
        [Description("Curators, one JSON object per line: {\"address\":\"0x…\",\"stake\":\"50000000000000000000\",\"labels\":\"path\"}: stake in base units as a string, labels relative to the manifest (null: never revealed).")]
        public string Manifest { get; set; } = "";

        [CommandOption("--spec <NAME|FILE>")]
        [Description("Evaluation spec: a shipped spec's name (those of specs/*.json, e.g. " + EvaluationSpecs.DefaultName + ", bt-inrun-v3-features-duo, bt-inrun-v2-open, bt-shapley-v1) or the path of a spec document. Default " + EvaluationSpecs.DefaultName + " (bt-inrun-v2-open with --from-data).")]
        public string? Spec { get; set; }

        [CommandOption("--out <FOLDER>")]
        [Description("Where scores.jsonl, metrics.jsonl and (in-run specs) labels.jsonl are written. Default out/evaluate.")]
        public string Out { get; init; } = "out/evaluate";

        [CommandOption("--market-id <ID>")]
        [Description("The market id (uint256): item assignment and the report depend on it. Default 1.")]
        public string MarketId { get; init; } = "1";

        [CommandOption("--round <N>")]
        [Description("The evaluation round. Default 0.")]
        public uint Round { get; init; }

        [CommandOption("--pool <AMOUNT>")]
        [Description("Reward pool: whole tokens (1000, 12.5; --decimals apply) or base units with a wei suffix (1000000000000000000000wei). Default 1000.")]
        public string Pool { get; init; } = "1000";

        [CommandOption("--fee-bps <BPS>")]
        [Description("Oracle fee on the pool, basis points. Default 500.")]
        public int FeeBps { get; init; } = 500;

        [CommandOption("--slash-bps <BPS>")]
        [Description("Largest slash, basis points of the stake. Default 5000.")]
        public int SlashBps { get; init; } = 5_000;

        [CommandOption("--stake-cap <AMOUNT>")]
        [Description("Stake cap, in tokens or with a wei suffix like --pool; a manifest stake above it is refused. Default 100.")]
        public string StakeCap { get; init; } = "100";

        [CommandOption("--chain-id <ID>")]
        [Description("Chain id of the report's EIP-712 domain. Default 31337 (anvil).")]
        public long ChainId { get; init; } = 31337;

        [CommandOption("--market-contract <ADDRESS>")]
        [Description("Market contract of the report's EIP-712 domain. Default 0x0…0 (a dry run's digest is not one a contract accepts).")]
        public string MarketContract { get; init; } = "0x0000000000000000000000000000000000000000";

        [CommandOption("--decimals <N>")]
        [Description("Token decimals, for display only (default 18).")]
        public int Decimals { get; init; } = 18;

        [CommandOption("--backend <BACKEND>")]
        [Description("auto, cpu or cuda.")]
        public string Backend { get; init; } = "auto";

        public override ValidationResult Validate() =>
            FromData is not null
                ? new[] { Tasks, Gold, Manifest }.Any(s => !string.IsNullOrWhiteSpace(s))
                    ? ValidationResult.Error("--from-data builds --tasks, --gold and --manifest: give either --from-data or those three")
                    : ValidationResult.Success()
                : new[] { Tasks, Gold, Manifest }.Any(string.IsNullOrWhiteSpace)
                    ? ValidationResult.Error("--tasks, --gold and --manifest are required (or --from-data FOLDER, e.g. --from-data data/ukpconvarg1)")
                    : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Backend is not ("auto" or "cpu" or "cuda") || !Enum.TryParse<EvaluationBackend>(settings.Backend, ignoreCase: true, out var backend))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]--backend {settings.Backend}[/]: use auto, cpu or cuda");
            return 2;
        }

        if (settings.FromData is { } data)
        {
            DataFolderInputs.Built built;
            try
            {
                built = await DataFolderInputs.BuildAsync(data, Path.Combine(settings.Out, "inputs"), new DataFolderInputs.Options(settings.MinLabels, settings.Injected, settings.MaxCurators), cancellationToken).ConfigureAwait(false);
            }
            catch (DataFolderInputs.DataException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
                return 2;
            }

            AnsiConsole.WriteLine(DataFolderInputs.Summary(built));
            if (settings.InputsOnly)
            {
                return 0;
            }

            (settings.Tasks, settings.Gold, settings.Manifest) = (built.Tasks, built.Gold, built.Manifest);
            settings.Spec ??= "bt-inrun-v2-open";
        }

        settings.Spec ??= EvaluationSpecs.DefaultName;
        EvaluationSpec spec;
        try
        {
            spec = EvaluationSpecs.Resolve(settings.Spec);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]--spec {settings.Spec}[/]: {e.Message}");
            return 2;
        }

        var taskBytes = await File.ReadAllBytesAsync(settings.Tasks, cancellationToken).ConfigureAwait(false);
        var tasks = await ProtocolFiles.ReadTaskPoolAsync(new MemoryStream(taskBytes), settings.Tasks, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        var goldBytes = await File.ReadAllBytesAsync(settings.Gold, cancellationToken).ConfigureAwait(false);
        var gold = await ProtocolFiles.ReadGoldAsync(new MemoryStream(goldBytes), settings.Gold, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        CommittedFeatures? features = null;
        if (spec.Features == FeatureKind.Committed)
        {
            if (settings.TaskFeatures is null || settings.GoldFeatures is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--spec {spec.Name}[/] reads committed features: give --task-features FILE and --gold-features FILE (make them with `fmp features embed`)");
                return 2;
            }

            try
            {
                var taskFeatures = FeaturesReader.Open(settings.TaskFeatures);
                var goldFeatures = FeaturesReader.Open(settings.GoldFeatures);
                var problem = FeatureBinding.Mismatch(taskFeatures.Header, "tasks", tasks.Count, Keccak.Hash(taskBytes)) is { } t ? $"{settings.TaskFeatures}: {t}"
                    : FeatureBinding.Mismatch(goldFeatures.Header, "gold", gold.Count, Keccak.Hash(goldBytes)) is { } g ? $"{settings.GoldFeatures}: {g}" : null;
                features = problem is null ? EvaluationPipeline.CheckFeatures(taskFeatures, tasks.Count, goldFeatures, gold.Count) : throw new MarketInputException(problem);
            }
            catch (Exception e) when (e is FileFormatException or MarketInputException or IOException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]features[/]: {e.Message}");
                return 2;
            }
        }

        var fetch = new FetchOptions();
        var submissions = new List<RevealedSubmission>();
        var manifestDir = Path.GetDirectoryName(Path.GetFullPath(settings.Manifest))!;
        BigInteger pool, stakeCap;
        try
        {
            pool = TokenAmount.Parse(settings.Pool, settings.Decimals, "--pool");
            stakeCap = TokenAmount.Parse(settings.StakeCap, settings.Decimals, "--stake-cap");
        }
        catch (FormatException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error[/]: {e.Message}");
            return 2;
        }

        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(settings.Manifest, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var entry = ManifestLine.Parse(line, settings.Manifest, lineNumber, stakeCap);
            if (entry.Problem is { } problem)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error[/]: {problem}");
                return 2;
            }

            var (address, stake, labels) = (entry.Address!, entry.Stake, entry.Labels);

            if (labels is null)
            {
                submissions.Add(new RevealedSubmission(address.ToLowerInvariant(), stake, null, null));
                continue;
            }

            var path = Path.GetFullPath(Path.Combine(manifestDir, labels));
            fetch.FileRoots.Add(Path.GetDirectoryName(path)!);
            // Local files have no revealed hash to check against: the file's own hash stands in for it.
            var hash = File.Exists(path) ? Keccak.Hash(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)) : Bytes32.Zero;
            submissions.Add(new RevealedSubmission(address.ToLowerInvariant(), stake, hash, new Uri(path).AbsoluteUri));
        }

        using var http = new HttpClient();
        var fetcher = new InputFetcher(http, fetch, NullLogger<InputFetcher>.Instance);
        var loader = new SubmissionLoader(fetcher, FileReadOptions.Default, NullLogger<SubmissionLoader>.Instance);
        var taskIds = tasks.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var inputs = new List<CuratorInput>();
        foreach (var s in submissions)
        {
            inputs.Add(await loader.LoadAsync(s, taskIds, cancellationToken).ConfigureAwait(false));
        }

        var request = new EvaluationRequest(settings.ChainId, settings.MarketContract, BigInteger.Parse(settings.MarketId, CultureInfo.InvariantCulture), settings.Round,
            new MarketTerms(pool, settings.FeeBps, settings.SlashBps, stakeCap),
            features is null ? Keccak.Hash(goldBytes) : FeatureBinding.BundleHash(Keccak.Hash(goldBytes), await Keccak.HashFileAsync(settings.GoldFeatures!, cancellationToken).ConfigureAwait(false)),
            Bytes32.Parse(spec.Hash!), spec, tasks, gold, inputs, features);
        var pipeline = new EvaluationPipeline(fetcher, loader, new EvaluationOptions { Backend = backend }, NullLogger<EvaluationPipeline>.Instance);

        EvaluationOutcome outcome = null!;
        SponsorInputsUnusableException? verdict = null;
        var clock = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask("training", maxValue: 1);
                var progress = new SynchronousProgress<EvaluationProgress>(p =>
                {
                    bar.MaxValue = Math.Max(1, p.TrainingsTotal);
                    bar.Value = p.TrainingsDone;
                    bar.Description = $"training {p.TrainingsDone}/{p.TrainingsTotal} ({p.TrainingsDone / Math.Max(0.001, clock.Elapsed.TotalSeconds):0} /s)";
                });
                try
                {
                    outcome = await pipeline.EvaluateAsync(request, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (SponsorInputsUnusableException e)
                {
                    verdict = e;
                }

                bar.Value = bar.MaxValue;
            }).ConfigureAwait(false);

        if (verdict is not null)
        {
            // What an oracle would sign instead of a report: the market forfeits, stakes go back, the pool is not paid.
            var verdictReport = verdict.Reason.ToReport(request.MarketId, request.Round);
            var verdictDigest = new Protocol.Core.Reports.ReportSigning(request.ChainId, request.MarketContract).Digest(verdictReport);
            Directory.CreateDirectory(settings.Out);
            var verdictFile = VerdictFile.Create(request.MarketId, request.Round, verdict.Reason, verdict.Detail, verdictDigest);
            await File.WriteAllTextAsync(Path.Combine(settings.Out, VerdictFile.FileName), verdictFile.ToJson(indented: false), cancellationToken).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"[yellow]verdict[/] [bold]{verdict.Reason.Code}[/]: {verdict.Detail}");
            AnsiConsole.MarkupLineInterpolated($"an oracle signs the verdict (no payout; the market forfeits, curators take their stakes back): digest [bold]{verdictDigest}[/]; {Path.GetFullPath(Path.Combine(settings.Out, VerdictFile.FileName))}");
            return 0;
        }

        Directory.CreateDirectory(settings.Out);
        await File.WriteAllBytesAsync(Path.Combine(settings.Out, "scores.jsonl"), outcome.ScoresFile, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(settings.Out, "metrics.jsonl"), outcome.MetricsFile, cancellationToken).ConfigureAwait(false);
        await LabelValuesFile.WriteOrRemoveAsync(Path.Combine(settings.Out, "labels.jsonl"), outcome.LabelsFile, cancellationToken).ConfigureAwait(false);

        var table = new Table().AddColumns("curator", "valid", "labels", "score (bps)", "value (µ)", "stake", "payout", "profit");
        var scores = await ScoresFile.ReadAsync(new MemoryStream(outcome.ScoresFile), "scores.jsonl", cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var s in scores.OrderByDescending(s => s.ScoreBps))
        {
            table.AddRow(s.Account[..10] + "…", s.Valid ? "yes" : $"[red]no[/]: {Markup.Escape(s.Reason ?? "")}", s.Labels.ToString(CultureInfo.InvariantCulture),
                s.ScoreBps.ToString(CultureInfo.InvariantCulture), s.Value.ToString(CultureInfo.InvariantCulture),
                Tokens(s.Stake, settings.Decimals), Tokens(s.Payout, settings.Decimals), Tokens(s.Payout - s.Stake, settings.Decimals));
        }

        AnsiConsole.Write(table);
        var m = outcome.Result.Metrics;
        AnsiConsole.MarkupLine($"{Markup.Escape(m.Spec)} ({m.Method}): {m.TrainingsRun} training run{(m.TrainingsRun == 1 ? "" : "s")} on {Markup.Escape(m.Backend)} in {clock.Elapsed.TotalSeconds:0.0} s; gold accuracy {m.GoldAccuracy:0.000}, U(all) {m.UtilityAll:0.0000}, U(∅) {m.UtilityEmpty:0.0000}");
        AnsiConsole.MarkupLine($"remainder {Tokens(outcome.Table.Remainder, settings.Decimals)} tokens to the burn address {ProtocolConstants.BurnAddress} (rounding dust, or the whole distributable when no label had positive value); the sponsor has no leaf");
        AnsiConsole.MarkupLine($"files in [bold]{Markup.Escape(Path.GetFullPath(settings.Out))}[/]; report digest [bold]{outcome.Digest}[/]");
        AnsiConsole.MarkupLine(outcome.LabelsFile is { } labelsFile
            ? $"labels.jsonl: {outcome.Result.Labels!.Count} label values, keccak256 {Protocol.Core.Hashing.Keccak.Hash(labelsFile)} (not in the report; each curator's values sum to its v)"
            : "no labels.jsonl: bt-shapley-v1 values curators as wholes, not labels");
        return 0;
    }

    /// <summary>A token amount in whole tokens with four decimals (display only; the files keep exact integers).</summary>
    internal static string Tokens(BigInteger amount, int decimals)
    {
        var scaled = (decimal)(amount * 10_000 / BigInteger.Pow(10, decimals)) / 10_000m;
        return scaled.ToString("#,0.0000", CultureInfo.InvariantCulture);
    }

    /// <summary>Progress reported on the engine's thread (Spectre's progress display is thread-safe).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
