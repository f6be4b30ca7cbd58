using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Cli.Dataset;
using Protocol.Client.Chain;
using Protocol.Client.Datasets;
using Protocol.Client;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

/// <summary>
/// <c>fmp dataset export</c>: the sponsor's product. Once a market is finalized, every revealed label (checked against the
/// chain) in prompt/chosen/rejected form with its curator's value-based weight, and per comparison the value-weighted
/// vote; JSON Lines, and Parquet on request (docs/formats.md, "The exported dataset").
/// </summary>
public sealed class DatasetExportCommand : AsyncCommand<DatasetExportCommand.Settings>
{
    public sealed class Settings : MarketSettings
    {
        [CommandOption("--reports <URL>")]
        [Description("Where an oracle publishes its reports, e.g. http://127.0.0.1:9466 (required, or FMP_REPORTS: the accepted report's scores.jsonl comes from there).")]
        public string? Reports { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Folder the dataset is written to (required; created if missing; labels.jsonl, aggregate.jsonl and aggregate.openai.jsonl there are replaced).")]
        public string? Out { get; init; }

        [CommandOption("--parquet")]
        [Description("Also write labels.parquet and aggregate.parquet (the same columns).")]
        public bool Parquet { get; init; }

    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var reports = Reports(settings);
            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
            var (id, config, state) = (m.Id, m.Config, m.State);
            if (m.Phase != MarketPhase.Finalized)
            {
                throw new RefusalException($"market {id} is in phase {m.PhaseName}: {WhenPossible(m.Phase, config, state, m.Now)}");
            }

            var inputs = await new SettledMarketInputs(m.Reader, m.Market, id)
                .ReadAsync(config, state, reports, settings.StartBlock, cancellationToken).ConfigureAwait(false);
            var tables = DatasetBuilder.Build(inputs.Tasks, inputs.Files, inputs.Scores, inputs.LabelValues);
            var written = await DatasetFiles.WriteAsync(tables, settings.Out!, settings.Parquet, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(Summary(id, state.Round, tables.Counts, inputs, written)).ConfigureAwait(false);
            return 0;
        });

    private static Uri Reports(Settings s)
    {
        if (string.IsNullOrWhiteSpace(s.Out))
        {
            throw new RefusalException("--out is required: the folder the dataset is written to", RefusalCode.InvalidInput);
        }

        var text = s.Reports ?? Environment.GetEnvironmentVariable("FMP_REPORTS");
        return Uri.TryCreate(text, UriKind.Absolute, out var reports) && reports.Scheme is "http" or "https"
            ? reports
            : throw new RefusalException(text is null
                ? "--reports is required (or FMP_REPORTS): where an oracle publishes its reports, e.g. http://127.0.0.1:9466"
                : $"--reports \"{text}\" is not an http(s) URL such as http://127.0.0.1:9466 (where an oracle publishes its reports)", RefusalCode.InvalidInput);
    }

    private static string WhenPossible(MarketPhase phase, MarketConfig c, MarketState s, ulong now) => phase switch
    {
        MarketPhase.Open or MarketPhase.Reveal => $"the dataset can be exported once the market is finalized: after the reveals (until {ChainTime.Describe(c.RevealDeadline, now)}), the evaluation and the challenge window",
        MarketPhase.Evaluation => $"the dataset can be exported once a report is accepted (oracles evaluate until {ChainTime.Describe(s.EvaluationDeadline, now)}) and its challenge window has passed",
        MarketPhase.Challenge => $"the dataset can be exported once the challenge window ends, {ChainTime.Describe(MarketPhases.ChallengeEnds(c, s), now)}",
        MarketPhase.Disputed => "the accepted report is disputed; the dataset can be exported once the arbiter lets it stand and the market is finalized",
        MarketPhase.Cancelled or MarketPhase.Forfeited => "it settled without an accepted report's scores, so there is no valued dataset to export (the label files are still at the URIs in its Revealed events)",
        _ => "no such market",
    };

    private static string Summary(BigInteger id, uint round, DatasetCounts n, SettledMarket inputs, IReadOnlyList<string> written)
    {
        var ci = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(ci, $"market {id}, round {round}: {n.Curators} curators revealed, {n.Labels} labels on {n.LabelledComparisons} comparisons (task pool {inputs.Tasks.Count}); every file matched its on-chain hash"),
            string.Create(ci, $"labels: {n.Labels} rows; {n.WeightedCurators} of {n.Curators} curators carry weight (the others have value ≤ 0{(n.InvalidCurators > 0 ? $", {n.InvalidCurators} of them invalid in the report" : "")})"),
            string.Create(ci, $"aggregate: {n.Aggregated} comparisons; left out {n.ZeroWeightComparisons} whose curators all have weight 0 and {n.TiedComparisons} with a weighted tie"),
            "weight of a label = max(v / labels, 0) of its curator in the accepted report, over the largest such value (the best curator's labels weigh 1)",
            "weight of an aggregate row = |W(a) − W(b)|, the weighted margin of its labels; agreement = the weighted share for chosen",
        };
        lines.AddRange(inputs.Skipped.Select(s => "skipped " + s));
        lines.AddRange(written.Select(w => "wrote " + w));
        return string.Join('\n', lines);
    }
}
