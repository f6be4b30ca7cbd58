using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>
/// The tests that run scripts/dev.sh: it writes deployments/dev/31337.json in the repository, so one at a time. No other
/// test reads that file, and the script takes free ports (FMP_DEV_*), so the group runs beside the other classes.
/// </summary>
[CollectionDefinition(Name)]
[StartEarly]
public sealed class DevScriptGroup
{
    public const string Name = "scripts/dev.sh";
}

/// <summary>
/// The walkthrough of docs/sponsors.md and docs/curators.md, run as written: every <c>bash</c> block after a
/// <c>&lt;!-- walkthrough step N --&gt;</c> marker, from both pages in step order, in one bash from the repository
/// root. Two things differ from a reader's shell, both outside the guides' text: <c>out/dev</c> becomes a temporary
/// folder and scripts/dev.sh gets free ports (FMP_DEV_*), so that the test never meets a reader's dev chain; and
/// <c>fmp</c> is a wrapper script around the test's own build.
/// </summary>
[Trait("tier", "slow")]
[Collection(DevScriptGroup.Name)]
public sealed partial class GuideWalkthroughTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-walk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_sponsor_and_curator_guides_take_one_market_from_creation_to_claims_and_export()
    {
        var script = Walkthrough(Path.Combine(RepositoryLayout.Root, "docs", "sponsors.md"), Path.Combine(RepositoryLayout.Root, "docs", "curators.md"));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], script.Select(s => s.Step).Distinct());

        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var dev = Directory.CreateDirectory(Path.Combine(_dir, "dev")).FullName;
        var wrapper = Path.Combine(bin, "fmp");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet \"{CliProcess.Fmp}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var text = new StringBuilder("set -euo pipefail\nPS4='+ '\nset -x\n")
            .Append("trap 'kill $(jobs -p) 2>/dev/null || true; scripts/dev.sh down >/dev/null 2>&1 || true' EXIT\n");
        foreach (var (_, code) in script)
        {
            text.Append(code.Replace("out/dev", dev, StringComparison.Ordinal)).Append('\n');
        }

        var file = Path.Combine(_dir, "walkthrough.sh");
        await File.WriteAllTextAsync(file, text.ToString());
        var ci = CultureInfo.InvariantCulture;
        var environment = new Dictionary<string, string>
        {
            ["FMP_DEV_DIR"] = dev, ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"), ["TMPDIR"] = RepositoryLayout.ScratchRoot,
            ["FMP_DEV_RPC_PORT"] = FreePort.Next().ToString(ci), ["FMP_DEV_PG_PORT"] = FreePort.Next().ToString(ci),
            ["FMP_DEV_METRICS_PORT"] = FreePort.Next().ToString(ci), ["FMP_DEV_DASHBOARD_PORT"] = FreePort.Next().ToString(ci),
            ["FMP_DEV_REPORTS_PORT"] = FreePort.Next().ToString(ci), ["FMP_DEV_FILES_PORT"] = FreePort.Next().ToString(ci),
        };

        var (exit, output) = await BashAsync(file, environment, TimeSpan.FromMinutes(8));
        var log = File.Exists(Path.Combine(dev, "node.log")) ? await File.ReadAllTextAsync(Path.Combine(dev, "node.log")) : "(no node log)";
        Assert.True(exit == 0, $"the walkthrough stopped with exit {exit}:\n{output}\n--- node log ---\n{log}");

        Assert.Contains("market 1 created", output, StringComparison.Ordinal);
        Assert.Matches(@"revealed \S*/bob-labels\.jsonl on chain", output); // Bob revealed with --on-chain
        Assert.Matches(@"gold set of market 1 revealed at http://127\.0\.0\.1:\d+/gold\.jsonl", output);
        Assert.Contains("market 1 finalized", output, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(output, @"claim: tx 0x[0-9a-f]{64}"));
        Assert.Equal(2, Regex.Count(output, @"paid [1-9][0-9.]* FBT"));

        // The export holds every revealed label of both curators.
        var labels = File.ReadLines(Path.Combine(dev, "alice-labels.jsonl")).Count() + File.ReadLines(Path.Combine(dev, "bob-labels.jsonl")).Count();
        Assert.Equal(labels, File.ReadLines(Path.Combine(dev, "dataset", "labels.jsonl")).Count());
        Assert.True(File.Exists(Path.Combine(dev, "dataset", "aggregate.parquet")), output);
    }

    /// <summary>The marked bash blocks of the pages, ordered by step (a page's blocks of one step keep their order).</summary>
    internal static List<(int Step, string Code)> Walkthrough(params string[] pages) =>
        [.. pages.SelectMany(page => Block().Matches(File.ReadAllText(page)).Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value)))
            .OrderBy(b => b.Item1)];

    [GeneratedRegex(@"<!-- walkthrough step (\d+) -->\s*```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    private static async Task<(int Exit, string Output)> BashAsync(string file, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash", [file]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryLayout.Root };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        void Append(object? sender, DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // The script's trap stops what it started on SIGTERM; a kill of the whole tree is the last resort.
            Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            await Task.Delay(TimeSpan.FromSeconds(10));
            process.Kill(entireProcessTree: true);
            return (124, output + $"\n(timed out after {timeout})");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
