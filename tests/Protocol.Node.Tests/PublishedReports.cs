using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>An oracle's published reports as the node lays them out and serves them, for the curator and sponsor commands.</summary>
internal static class PublishedReports
{
    /// <summary>
    /// The node's layout: <c>&lt;root&gt;/reports/&lt;market&gt;/&lt;round&gt;/leaves.json</c> with every leaf's amount, score and proof,
    /// and, when given, scores.jsonl beside it.
    /// </summary>
    public static async Task PublishAsync(string root, BigInteger marketId, SettledReport settled, byte[]? scores = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "reports", marketId.ToString(CultureInfo.InvariantCulture), "0")).FullName;
        var leaves = new
        {
            marketId = marketId.ToString(CultureInfo.InvariantCulture), round = 0, root = settled.Tree.Root.ToString(),
            leaves = settled.Leaves.Select(l => new { account = l.Account, amount = l.Amount.ToString(CultureInfo.InvariantCulture), scoreBps = l.ScoreBps, proof = settled.Tree.Proof(l.Hash).Select(p => p.ToString()) }),
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "leaves.json"), JsonSerializer.Serialize(leaves));
        if (scores is not null)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "scores.jsonl"), scores);
        }
    }

    /// <summary>Serves <paramref name="folder"/> with the real <c>fmp serve</c>, once it says it listens.</summary>
    public static async Task<Served> ServeAsync(string folder)
    {
        // Port 0: the server binds a free port itself and prints it (a port picked here first could be taken meanwhile).
        var process = CliProcess.Start(CliProcess.Fmp, ["serve", "--folder", folder, "--port", "0"]);
        return new Served(process, (await ListeningLines.ServeAsync(process, TimeSpan.FromSeconds(30))).TrimEnd('/'));
    }

    internal sealed record Served(CliProcess Process, string Url) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }
}
