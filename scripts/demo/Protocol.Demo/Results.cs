using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Protocol.Core.Payouts;
using Spectre.Console;

namespace Protocol.Demo;

internal sealed record Row(string Address, string Kind, long Labels, BigInteger Stake, int ScoreBps, long Value, BigInteger Payout, double? Agreement, string? Reason)
{
    public BigInteger Profit => Payout - Stake;
}

internal sealed record DemoReport(
    List<Row> Rows, BigInteger TotalIn, BigInteger TotalOut, BigInteger BurnedRemainder, BigInteger Fees,
    double GoldAccuracy, double GoldLogLikelihood, string Digest, double SpearmanScore, double SpearmanValue)
{
    /// <summary>The digest each node computed (null: none within the wait), in node order.</summary>
    public IReadOnlyList<string?> NodeDigests { get; init; } = [];
}

/// <summary>The demo's results: a table, a chart, and out/demo/summary.json.</summary>
internal static class Results
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<DemoReport> BuildAsync(
        List<DemoCurator> curators, List<ScoreLine> scores, UkpConvArg1 crowd, MarketTerms terms, BigInteger stake, BigInteger fees,
        IReadOnlyDictionary<string, BigInteger> claimed, string digest, string metricsPath)
    {
        var byAddress = scores.ToDictionary(s => s.Account, StringComparer.OrdinalIgnoreCase);
        var rows = curators.Select(c =>
        {
            var s = byAddress[c.Address];
            return new Row(c.Address, c.Kind, c.Labels.Count, s.Stake, s.ScoreBps, s.Value, s.Payout, c.Agreement, s.Reason);
        }).ToList();
        await using var metricsFile = File.OpenRead(metricsPath);
        var (market, _) = await MetricsFile.ReadAsync(metricsFile, "metrics.jsonl");
        var graded = rows.Where(r => r.Agreement is not null).ToList();
        return new DemoReport(
            rows,
            terms.RewardPool + stake * curators.Count,
            claimed.Values.Aggregate(BigInteger.Zero, (a, b) => a + b) + fees,
            claimed.Where(kv => curators.All(c => !string.Equals(c.Address, kv.Key, StringComparison.OrdinalIgnoreCase))).Select(kv => kv.Value).Aggregate(BigInteger.Zero, (a, b) => a + b),
            fees,
            market.GoldAccuracy,
            Math.ScaleB((double)market.UtilityAllFixed, -32),
            digest,
            UkpConvArg1.Spearman([.. graded.Select(r => (double)r.ScoreBps)], [.. graded.Select(r => r.Agreement!.Value)]),
            UkpConvArg1.Spearman([.. graded.Select(r => (double)r.Value)], [.. graded.Select(r => r.Agreement!.Value)]));
    }

    /// <summary>
    /// The tables fit an 80-column terminal, a row to a line (tested): short headers, no outer border, the address
    /// shortened (summary.json has it whole) and a refused submission marked, its committed count in the note below.
    /// </summary>
    public static void Print(IAnsiConsole console, DemoReport report, int differences, BigInteger marketLeft)
    {
        ArgumentNullException.ThrowIfNull(console);
        var kinds = Compact("[bold]by kind of curator[/] (score in bps, profit in tokens)", "kind", "curators", "mean score", "in profit", "total profit");
        foreach (var group in report.Rows.GroupBy(r => r.Kind).OrderBy(g => g.Key == "crowd" ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            kinds.AddRow(group.Key, group.Count().ToString(Ci), group.Average(r => r.ScoreBps).ToString("0", Ci),
                group.Count(r => r.Profit > 0).ToString(Ci), Tokens(group.Aggregate(BigInteger.Zero, (a, r) => a + r.Profit)));
        }

        console.Write(kinds);
        var table = Compact("[bold]curators[/] (crowd: the five best and five worst by score; every injected one)",
            "curator", "kind", "labels", "stake", "score", "payout", "profit", "agrees");
        var crowd = report.Rows.Where(r => r.Kind == "crowd").OrderByDescending(r => r.ScoreBps).ThenByDescending(r => r.Value).ToList();
        foreach (var r in crowd.Take(5).Concat(crowd.TakeLast(5)).Concat(report.Rows.Where(r => r.Kind != "crowd")))
        {
            // A refused submission (the copier's reveal) had its labels committed, not counted: the note below says so.
            table.AddRow(r.Address[..8] + "…", r.Kind, r.Reason is null ? r.Labels.ToString(Ci) : "refused", Tokens(r.Stake), r.ScoreBps.ToString(Ci), Tokens(r.Payout),
                r.Profit < 0 ? $"[red]{Tokens(r.Profit)}[/]" : $"[green]{Tokens(r.Profit)}[/]", r.Agreement?.ToString("0.000", Ci) ?? "—");
        }

        console.Write(table);
        foreach (var r in report.Rows.Where(r => r.Reason is not null))
        {
            console.MarkupLine(Ci, $"  refused: {r.Address[..8]}… ({Markup.Escape(r.Kind)}) committed {r.Labels} labels; none counted ({Markup.Escape(r.Reason!)})");
        }

        console.MarkupLine(Ci, $"money in (pool + stakes): [bold]{Tokens(report.TotalIn)}[/] tokens; out (claims + oracle fees): [bold]{Tokens(report.TotalOut)}[/] tokens; left in the market contract: {Tokens(marketLeft)}");
        console.MarkupLine(Ci, $"gold accuracy of the model trained on everyone: {report.GoldAccuracy:0.000}; gold log-likelihood {report.GoldLogLikelihood:0.0000}");
        console.MarkupLine(Ci, $"Spearman of crowd workers' score with their agreement with the other workers (never shown to the oracles): {report.SpearmanScore:0.000} (value: {report.SpearmanValue:0.000})");
        console.MarkupLine("  how to read it: 1 would be the same order as agreement, 0 no relation. Agreement is itself a noisy measure of a worker's quality (a worker with few labels agrees by chance), so even a perfect market stays well below 1; a positive figure says the market pays workers roughly as their peers judge them, from the gold set alone; the per-kind table above says whether bad behaviour loses.");
        console.MarkupLine(differences == 0 ? "indexer: the database equals the chain" : $"[red]indexer: {differences} difference(s) from the chain[/]");
        console.MarkupLine(report.NodeDigests.All(d => d == report.Digest)
            ? $"the {report.NodeDigests.Count} oracle nodes computed one digest, the accepted one: {report.Digest}"
            : $"[red]the oracle nodes' digests differ: {string.Join(", ", report.NodeDigests.Select(d => d ?? "none"))}; accepted {report.Digest}[/]");
    }

    /// <summary>
    /// What the demo must show, as its exit status: money conserved and nothing left in the market, the
    /// indexer equal to the chain, the three nodes on the accepted digest, the honest majority of crowd workers in profit, and a loss for every
    /// injected bad behaviour (the copier's reveal is refused, so it loses as one that never reveals).
    /// </summary>
    public static bool Check(DemoReport report, int differences, BigInteger marketLeft)
    {
        var failures = new List<string>();
        if (report.TotalIn != report.TotalOut || !marketLeft.IsZero)
        {
            failures.Add("money is not conserved");
        }

        if (differences != 0)
        {
            failures.Add("the indexer differs from the chain");
        }

        if (report.NodeDigests.Count != 3 || report.NodeDigests.Any(d => d != report.Digest))
        {
            failures.Add("the three nodes did not produce one digest");
        }

        var crowd = report.Rows.Where(r => r.Kind == "crowd").ToList();
        if (crowd.Count(r => r.Profit > 0) * 2 <= crowd.Count)
        {
            failures.Add("the honest majority did not profit");
        }

        foreach (var bad in report.Rows.Where(r => r.Kind is "random" or "flipped" or "always a" or "copier" or "no reveal" && r.Profit >= 0))
        {
            failures.Add($"the {bad.Kind} curator did not lose");
        }

        foreach (var failure in failures)
        {
            AnsiConsole.MarkupLine($"[red]check failed: {Markup.Escape(failure)}[/]");
        }

        return failures.Count == 0;
    }

    public static async Task WriteAsync(DemoReport report, string output)
    {
        var summary = new
        {
            curators = report.Rows.Select(r => new
            {
                address = r.Address, kind = r.Kind, labels = r.Labels, stake = r.Stake.ToString(Ci), scoreBps = r.ScoreBps,
                payout = r.Payout.ToString(Ci), profit = r.Profit.ToString(Ci), agreement = r.Agreement, reason = r.Reason,
            }),
            totalIn = report.TotalIn.ToString(Ci),
            totalOut = report.TotalOut.ToString(Ci),
            burnedRemainder = report.BurnedRemainder.ToString(Ci),
            oracleFees = report.Fees.ToString(Ci),
            goldAccuracy = report.GoldAccuracy,
            goldLogLikelihood = report.GoldLogLikelihood,
            reportDigest = report.Digest,
            nodeDigests = report.NodeDigests,
            spearmanScoreVsAgreement = report.SpearmanScore,
            spearmanValueVsAgreement = report.SpearmanValue,
        };
        var json = Path.Combine(output, "summary.json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(summary, Indented));
        var chart = Path.Combine(output, "score-vs-agreement.svg");
        await File.WriteAllTextAsync(chart, Chart(report));
        AnsiConsole.MarkupLine($"summary: [bold]{json}[/]");
        AnsiConsole.MarkupLine($"chart:   [bold]{chart}[/]");
    }

    // Score against agreement for crowd workers; injected curators in a strip on the left, by kind.
    private static string Chart(DemoReport report)
    {
        const int W = 800, H = 480, L = 190, R = 20, T = 40, B = 50;
        var graded = report.Rows.Where(r => r.Agreement is not null).ToList();
        var minX = Math.Floor(graded.Min(r => r.Agreement!.Value) * 10) / 10;
        var maxX = Math.Ceiling(graded.Max(r => r.Agreement!.Value) * 10) / 10;
        double X(double a) => L + ((a - minX) / Math.Max(0.01, maxX - minX) * (W - L - R));
        double Y(int bps) => T + ((10_000 - bps) / 20_000.0 * (H - T - B));
        var svg = new StringBuilder();
        svg.Append(Ci, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append(Ci, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
        svg.Append(Ci, $"<text x=\"{W / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">Score paid by the market vs. agreement with the other crowd workers (Spearman {report.SpearmanScore:0.00})</text>");
        foreach (var bps in new[] { -10_000, -5_000, 0, 5_000, 10_000 })
        {
            svg.Append(Ci, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{Y(bps):0.0}\" y2=\"{Y(bps):0.0}\" stroke=\"{(bps == 0 ? "#888" : "#ddd")}\"/>");
            svg.Append(Ci, $"<text x=\"{L - 6}\" y=\"{Y(bps) + 4:0.0}\" text-anchor=\"end\">{bps}</text>");
        }

        for (var a = minX; a <= maxX + 1e-9; a += 0.1)
        {
            svg.Append(Ci, $"<text x=\"{X(a):0.0}\" y=\"{H - B + 18}\" text-anchor=\"middle\">{a:0.0}</text>");
        }

        svg.Append(Ci, $"<text x=\"{(L + W - R) / 2}\" y=\"{H - 12}\" text-anchor=\"middle\">agreement with the majority of the other workers on the same pairs (never given to the oracles)</text>");
        svg.Append(Ci, $"<text x=\"{L - 52}\" y=\"{(T + H - B) / 2}\" transform=\"rotate(-90 {L - 52} {(T + H - B) / 2})\" text-anchor=\"middle\">score (basis points)</text>");
        foreach (var r in graded)
        {
            svg.Append(Ci, $"<circle cx=\"{X(r.Agreement!.Value):0.0}\" cy=\"{Y(r.ScoreBps):0.0}\" r=\"3.5\" fill=\"#1f77b4\" fill-opacity=\"0.7\"><title>{r.Address} score {r.ScoreBps}</title></circle>");
        }

        // Injected curators have no agreement: a strip on the left, labels stacked where scores coincide.
        svg.Append(Ci, $"<text x=\"16\" y=\"{T - 6}\" font-size=\"11\" fill=\"#d62728\">injected</text>");
        var stacked = new Dictionary<int, int>();
        foreach (var r in report.Rows.Where(r => r.Agreement is null))
        {
            var k = stacked[r.ScoreBps] = stacked.GetValueOrDefault(r.ScoreBps) + 1;
            var y = Y(r.ScoreBps) + ((k - 1) * 13 * (r.ScoreBps < 0 ? -1 : 1));
            svg.Append(Ci, $"<rect x=\"16\" y=\"{y - 4:0.0}\" width=\"8\" height=\"8\" fill=\"#d62728\"><title>{r.Kind} score {r.ScoreBps}</title></rect>");
            svg.Append(Ci, $"<text x=\"28\" y=\"{y + 4:0.0}\" font-size=\"11\" fill=\"#d62728\">{r.Kind} ({r.ScoreBps})</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    // No borders, underlined headers, two spaces between columns, left-aligned: the curators table (8 columns) in 80.
    private static Table Compact(string title, params string[] headers)
    {
        var table = new Table().Border(TableBorder.None).Collapse().Title(title);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn($"[underline]{header}[/]") { Padding = new Padding(0, 0, 2, 0) });
        }

        return table;
    }

    private static string Tokens(BigInteger amount) => ((decimal)(amount * 100 / Token) / 100m).ToString("#,0.00", Ci);
}
