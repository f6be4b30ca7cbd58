using System.Diagnostics;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>
/// The operator guide's "Try it on a local chain" commands, as written: <c>scripts/dev.sh up</c> (anvil, a throw-away
/// PostgreSQL with the guide's role and databases, the contracts deployed, options files), a new key funded and
/// bonded, the node started from the written file, <c>fmp node status</c> and <c>fmp indexer check --config</c>,
/// then <c>scripts/dev.sh down</c>.
/// </summary>
[Trait("tier", "slow")]
[Collection(DevScriptGroup.Name)]
public sealed class LocalSetupGuideTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-dev-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_local_chain_and_database_script_gives_a_node_and_an_indexer_that_run()
    {
        var environment = new Dictionary<string, string>
        {
            ["FMP_DEV_DIR"] = _dir, ["FMP_DEV_RPC_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FMP_DEV_PG_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), ["TMPDIR"] = RepositoryLayout.ScratchRoot,
        };
        try
        {
            var up = await ScriptAsync(environment, "up");
            Assert.Contains("role oracle with database oracle", up, StringComparison.Ordinal);
            var node = Path.Combine(_dir, "node.json");
            var indexer = Path.Combine(_dir, "indexer.json");
            Assert.True(File.Exists(node) && File.Exists(indexer), up);

            await File.WriteAllTextAsync(Path.Combine(_dir, "oracle.password"), "a long passphrase\n");
            var created = await FmpAsync(0, "keys", "new", "--keystore", Path.Combine(_dir, "oracle.json"), "--password-file", Path.Combine(_dir, "oracle.password"));
            var address = System.Text.RegularExpressions.Regex.Match(created, "0x[0-9a-fA-F]{40}").Value;
            Assert.Contains("funded " + address, await ScriptAsync(environment, "fund", address), StringComparison.Ordinal);
            Assert.Contains("is bonded, its signatures count from", await FmpAsync(0, "oracle", "register", "--config", node, "--bond", "2000"), StringComparison.Ordinal);
            Assert.Contains("warped", await ScriptAsync(environment, "warp", "3600"), StringComparison.Ordinal);
            Assert.Matches(@"state\s+active", await FmpAsync(0, "oracle", "status", "--config", node));

            // The node from the written file (its ports moved off the defaults, as flags: free ones the system picks, the
            // dashboard off), until it logs what it watches and where it listens.
            using (var run = CliProcess.Start(CliProcess.Fmp, ["node", "run", "--config", node, "--metrics-port", "0", "--dashboard-port=-1", "--reports-port", "0"]))
            {
                var at = await ListeningLines.NodeAsync(run, TimeSpan.FromSeconds(60));
                Assert.Contains("Oracle " + address, run.Log, StringComparison.Ordinal);
                Assert.Equal((null, "/reports/"), (at.Dashboard, at.Reports?.AbsolutePath));
                Assert.NotEqual(9464, at.Metrics!.Port);
                await run.TerminateAsync(TimeSpan.FromSeconds(20));
            }

            Assert.Contains("2000 FBT (2000000000000000000000 wei)", await FmpAsync(0, "node", "status", "--config", node), StringComparison.Ordinal);
            // The indexer, once caught up, equals the chain.
            using (var run = CliProcess.Start(CliProcess.Fmp, ["indexer", "run", "--config", indexer]))
            {
                await Task.Delay(TimeSpan.FromSeconds(8));
                Assert.False(run.Process.HasExited, run.Log);
                await run.TerminateAsync(TimeSpan.FromSeconds(20));
            }

            Assert.Contains("the database equals the chain at its checkpoint", await FmpAsync(0, "indexer", "check", "--config", indexer), StringComparison.Ordinal);
        }
        finally
        {
            Assert.Contains("down:", await ScriptAsync(environment, "down"), StringComparison.Ordinal);
        }
    }

    private static async Task<string> FmpAsync(int expectedExit, params string[] arguments)
    {
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, arguments, TimeSpan.FromMinutes(2));
        Assert.True(exit == expectedExit, $"fmp {string.Join(' ', arguments)} exited {exit}: {output}");
        return output;
    }

    private static async Task<string> ScriptAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryLayout.Root };
        info.ArgumentList.Add(Path.Combine(RepositoryLayout.Root, "scripts", "dev.sh"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"scripts/dev.sh {string.Join(' ', arguments)} exited {process.ExitCode}: {output}");
        return output;
    }
}
