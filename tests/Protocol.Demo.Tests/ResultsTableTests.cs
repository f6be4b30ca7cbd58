using System.Numerics;
using Spectre.Console;

namespace Protocol.Demo.Tests;

/// <summary>The demo's tables in an 80-column terminal: nothing past column 80, and each curator on one line.</summary>
public sealed class ResultsTableTests
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);

    [Fact]
    public void The_tables_fit_80_columns_with_one_line_per_curator()
    {
        var rows = new List<Row>();
        for (var i = 0; i < 12; i++)
        {
            // The widest figures the demo prints: a four-digit payout, a full loss, a five-digit negative score.
            rows.Add(new Row(Address(i), "crowd", 1_556, 100 * Token, i % 2 == 0 ? -10_000 : 9_999, 0, i % 2 == 0 ? BigInteger.Zero : 1_234_567 * Token / 100, 0.123, null));
        }

        string[] injected = ["random", "flipped", "always a", "copier", "no reveal"];
        rows.AddRange(injected.Select((kind, i) => new Row(Address(20 + i), kind, 1_556, 100 * Token, -10_000, 0, BigInteger.Zero, null, kind == "copier" ? "labels do not match the commitment" : null)));
        var report = new DemoReport(rows, 0, 0, 0, 0, 0.7, -0.6, "0x" + new string('a', 64), 0.4, 0.3) { NodeDigests = ["0x" + new string('a', 64)] };

        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 80;
        Results.Print(console, report, 0, 0);
        var text = writer.ToString();
        var lines = text.ReplaceLineEndings("\n").Split('\n');

        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 80, $"{line.TrimEnd().Length} columns: {line}"));
        // Every row of the curators table is one line holding its address, kind and profit.
        var crowd = rows.Where(r => r.Kind == "crowd").OrderByDescending(r => r.ScoreBps).ToList();
        var shown = crowd.Take(5).Concat(crowd.TakeLast(5)).Concat(rows.Where(r => r.Kind != "crowd"));
        Assert.All(shown, r => Assert.True(lines.Any(l => l.Contains(r.Address[..8], StringComparison.Ordinal) && l.Contains($" {r.Kind} ", StringComparison.Ordinal)
            && l.Contains(((decimal)(r.Profit * 100 / Token) / 100m).ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)),
            $"no line holds {r.Address[..8]}, {r.Kind} and its profit:\n{text}"));
        // The kinds table: one line per kind, its total profit on it.
        Assert.Contains(lines, l => l.TrimStart().StartsWith("crowd ", StringComparison.Ordinal) && l.Contains(" 12 ", StringComparison.Ordinal));
        // The copier's committed labels are named, not shown as counted.
        Assert.Contains(lines, l => l.Contains("refused", StringComparison.Ordinal) && l.Contains("committed 1556 labels; none counted", StringComparison.Ordinal));
    }

    private static string Address(int i) => "0x" + (0x1000 + i).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + new string('b', 36);
}
