using Protocol.Core.Files;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>
/// <c>fmp market create --config</c> reading the market file, before any chain is asked: every problem of the file in
/// one refusal (not one per run), each naming its field, and relative paths said with the folder they were read from.
/// </summary>
[Trait("tier", "slow")]
public sealed class MarketFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-market-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Every_problem_of_the_market_file_is_listed_in_one_run_and_nothing_is_sent()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "public"));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "public", "tasks.jsonl"), CanonicalWriter.ToBytes(new[] { new TaskItem("t1", "p", "a1", "b1") }.Select(ProtocolFiles.ToLine)));
        await File.WriteAllTextAsync(Path.Combine(_dir, "m.json"), """
            {
              "token": "0x0000000000000000000000000000000000000001", "pool": "100",
              "tasks": "public/tasks.jsonl", "gold": "private/gold.jsonl",
              "deadlines": { "commit": "2h", "reveal": "1h", "gold": "soon", "evaluation": "1d" },
              "stake": { "min": "1", "cap": "10" }, "slashBps": 20000, "oracleFeeBps": 500, "challengePeriod": "1h",
              "colour": "red"
            }
            """);

        // A relative --config from the market file's folder; no chain: the file is refused before one is needed.
        var (exit, output) = await RunAsync("market", "create", "--config", "m.json", "--rpc", "http://127.0.0.1:9");
        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains("m.json: 4 problems, so nothing was sent:", output, StringComparison.Ordinal);
        Assert.Contains("  - unknown field \"colour\" (did you mean", output, StringComparison.Ordinal);
        Assert.Contains($"  - \"gold\": {Path.Combine(_dir, "private", "gold.jsonl")} does not exist (\"private/gold.jsonl\" is read from the market file's folder, {_dir})", output, StringComparison.Ordinal);
        Assert.Contains("  - \"deadlines\".\"gold\" \"soon\" is not a duration: give e.g. 90s, 30m, 2h or 7d", output, StringComparison.Ordinal);
        Assert.Contains("  - \"slashBps\" must be a whole number of basis points from 0 to 10000, not 20000", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), l => l.StartsWith("Error:", StringComparison.Ordinal));

        // One problem stays one line.
        await File.WriteAllTextAsync(Path.Combine(_dir, "one.json"), (await File.ReadAllTextAsync(Path.Combine(_dir, "m.json")))
            .Replace("\"soon\"", "\"1h\"", StringComparison.Ordinal).Replace("20000", "5000", StringComparison.Ordinal).Replace(",\n  \"colour\": \"red\"", "", StringComparison.Ordinal));
        (exit, output) = await RunAsync("market", "create", "--config", "one.json");
        Assert.Equal(2, exit);
        Assert.Contains($"one.json: \"gold\": {Path.Combine(_dir, "private", "gold.jsonl")} does not exist", output, StringComparison.Ordinal);
        Assert.Contains("; nothing was sent", output, StringComparison.Ordinal);
        Assert.DoesNotContain("problems", output, StringComparison.Ordinal);

        // A relative path that is not there says the full path it looked for.
        (exit, output) = await RunAsync("market", "create", "--config", "nowhere/m.json");
        Assert.Equal(2, exit);
        Assert.Contains($"--config nowhere/m.json: no such file (the market file; docs/sponsors.md shows one); looked for {Path.Combine(_dir, "nowhere", "m.json")}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spec_that_failed_a_goal_is_said_even_as_the_default_and_the_one_that_met_every_goal_is_named()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "public"));
        Directory.CreateDirectory(Path.Combine(_dir, "private"));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "public", "tasks.jsonl"), CanonicalWriter.ToBytes(new[] { new TaskItem("t1", "p", "a1", "b1") }.Select(ProtocolFiles.ToLine)));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "private", "gold.jsonl"), CanonicalWriter.ToBytes(new[] { new GoldItem("g1", "p", "a", "b", Preference.A) }.Select(ProtocolFiles.ToLine)));
        async Task<string> MarketFile(string name, string? spec)
        {
            var path = Path.Combine(_dir, name);
            await File.WriteAllTextAsync(path, $$"""
                {
                  "token": "0x0000000000000000000000000000000000000001", "pool": "100",{{(spec is null ? "" : $"\n  \"spec\": \"{spec}\",")}}
                  "tasks": "public/tasks.jsonl", "gold": "private/gold.jsonl",
                  "deadlines": { "commit": "2h", "reveal": "1h", "gold": "1h", "evaluation": "1d" },
                  "stake": { "min": "1", "cap": "10" }, "slashBps": 5000, "oracleFeeBps": 500, "challengePeriod": "1h"
                }
                """);
            return path;
        }

        // Left out, the spec is the default, whose thin-pool G5 failure is said with the spec that met every goal.
        var byDefault = await Protocol.Client.Markets.MarketPlan.ReadAsync(await MarketFile("default.json", null), CancellationToken.None);
        Assert.Equal(Protocol.Evaluation.EvaluationSpecs.DefaultName, byDefault.Spec.Name);
        Assert.StartsWith("spec bt-inrun-v3 is the default, and with few labels per item accurate curators can lose (G5 failed in 2 of 12 cells", byDefault.SpecWarning, StringComparison.Ordinal);
        Assert.Contains("\"spec\": \"bt-inrun-v3-features-duo\" met every goal measured", byDefault.SpecWarning, StringComparison.Ordinal);

        // Named, it is taken with the same warning in the named form; by its document's path, refused.
        var named = await Protocol.Client.Markets.MarketPlan.ReadAsync(await MarketFile("named.json", "bt-inrun-v3"), CancellationToken.None);
        Assert.StartsWith("spec bt-inrun-v3 was asked for by name; new markets should use bt-inrun-v3-features-duo: ", named.SpecWarning, StringComparison.Ordinal);
        var pathFile = await MarketFile("path.json", Path.Combine(RepositoryLayout.Root, "specs", "bt-inrun-v3.json").Replace('\\', '/'));
        var byPath = await Assert.ThrowsAsync<Protocol.Client.RefusalException>(() => Protocol.Client.Markets.MarketPlan.ReadAsync(pathFile, CancellationToken.None));
        Assert.Contains("is the shipped bt-inrun-v3, which new markets should not use", byPath.Message, StringComparison.Ordinal);
        Assert.Contains("or write \"spec\": \"bt-inrun-v3\" to use it anyway", byPath.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_secrets_or_key_file_that_is_not_there_is_named_with_the_full_path_it_looked_for()
    {
        var (exit, output) = await RunAsync("market", "reveal-gold", "--secrets", "m.secrets.json");
        Assert.Equal(2, exit);
        Assert.Contains($"--secrets m.secrets.json: no such file; looked for {Path.Combine(_dir, "m.secrets.json")}", output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        CliProcess.RunAsync(CliProcess.Fmp, arguments, TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["FMP_CACHE"] = Path.Combine(_dir, "cache") }, workingDirectory: _dir);
}
