using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Client;
using Protocol.Client.Chain;
using Protocol.Client.Datasets;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Datasets;

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
            var export = await DatasetExport.ExportAsync(m, reports, settings.Out!, settings.Parquet, settings.StartBlock, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(Summary(m.Id, m.State.Round, export.Tables.Counts, export.Inputs, export.Written)).ConfigureAwait(false);
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
