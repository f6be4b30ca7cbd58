using System.Text.Json;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>
/// <c>fmp evaluate</c> as a user runs it: local files in, canonical files and a digest out, the same every time. The
/// calls that depend on the working folder or the environment run as fmp's own process; refusals and the payout
/// arithmetic run in process (<see cref="InProcessFmp"/>).
/// </summary>
[Trait("tier", "slow")]
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-evaluate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Evaluate_writes_canonical_files_and_the_same_digest_with_any_thread_count()
    {
        var (crowd, tasks) = await WriteTasksAndGoldAsync();
        await crowd.WriteAsync("good.jsonl", tasks.Take(60).Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));
        await crowd.WriteAsync("flipped.jsonl", tasks.Take(60).Select(t => ProtocolFiles.ToLine(new Label(t.Id, CrowdMarket.Flip(crowd.Majority(t.Id))))));
        await File.WriteAllLinesAsync(Path.Combine(_dir, "manifest.jsonl"),
        [
            """{"address":"0x1111111111111111111111111111111111111111","stake":"50000000000000000000","labels":"good.jsonl"}""",
            """{"address":"0x3333333333333333333333333333333333333333","stake":"50000000000000000000","labels":"flipped.jsonl"}""",
            """{"address":"0x6666666666666666666666666666666666666666","stake":"50000000000000000000","labels":null}""",
        ]);

        var one = await RunAsync("out-1", ("DOTNET_PROCESSOR_COUNT", "1"));
        var two = await RunAsync("out-2", ("DOTNET_PROCESSOR_COUNT", "2"));

        Assert.Equal(one.Digest, two.Digest);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_dir, "out-1", "scores.jsonl")), await File.ReadAllBytesAsync(Path.Combine(_dir, "out-2", "scores.jsonl")));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_dir, "out-1", "metrics.jsonl")), await File.ReadAllBytesAsync(Path.Combine(_dir, "out-2", "metrics.jsonl")));
        var scores = await ScoresFile.ReadAsync(File.OpenRead(Path.Combine(_dir, "out-1", "scores.jsonl")), "scores").ToListAsync();
        Assert.True(scores.Single(s => s.Account.StartsWith("0x1111", StringComparison.Ordinal)).ScoreBps > 0);
        Assert.True(scores.Single(s => s.Account.StartsWith("0x3333", StringComparison.Ordinal)).ScoreBps < 0);
        Assert.Equal("not revealed", scores.Single(s => s.Account.StartsWith("0x6666", StringComparison.Ordinal)).Reason);
        Assert.False(File.Exists(Path.Combine(_dir, "out-1", "labels.jsonl")), "v1 values curators, not labels: no labels.jsonl");
        Assert.Contains("no labels.jsonl", one.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_runs_from_any_folder_with_the_shipped_default_spec_and_refuses_labels_on_items_not_assigned()
    {
        var (crowd, tasks) = await WriteTasksAndGoldAsync();
        var spec = Protocol.Evaluation.EvaluationSpecs.Default;
        var assignment = new Protocol.Evaluation.InRun.ItemAssignment(1, spec.InRun!.ShareFor(tasks.Count));
        const string own = "0x1111111111111111111111111111111111111111", other = "0x2222222222222222222222222222222222222222";
        var assigned = tasks.Where(t => assignment.IsAssigned(own, t.Id)).Take(40).ToList();
        // bt-inrun-v3 gives an address 100 items, at most half the pool: about 40 of the 80 pairs, 24 of them required.
        Assert.True(assigned.Count >= spec.InRun.MinLabelsFor(tasks.Count), $"only {assigned.Count} of {tasks.Count} items assigned to one address");
        await crowd.WriteAsync("own.jsonl", assigned.Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));
        await File.WriteAllLinesAsync(Path.Combine(_dir, "manifest.jsonl"),
        [
            $$"""{"address":"{{own}}","stake":"50000000000000000000","labels":"own.jsonl"}""",
            $$"""{"address":"{{other}}","stake":"50000000000000000000","labels":"own.jsonl"}""",
        ]);

        // No --spec, and a working folder outside the repository: the default spec comes from inside fmp.
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp,
            ["evaluate", "--tasks", "tasks.jsonl", "--gold", "gold.jsonl", "--manifest", "manifest.jsonl", "--out", "out"],
            TimeSpan.FromMinutes(3), workingDirectory: _dir);
        Assert.True(exit == 0, output);
        Assert.Contains("bt-inrun-v3 (inrun)", output, StringComparison.Ordinal);
        var metrics = await File.ReadAllTextAsync(Path.Combine(_dir, "out", "metrics.jsonl"));
        Assert.Contains(spec.Hash!, metrics, StringComparison.Ordinal);
        var scores = await ScoresFile.ReadAsync(File.OpenRead(Path.Combine(_dir, "out", "scores.jsonl")), "scores").ToListAsync();
        Assert.True(scores.Single(s => s.Account == own).Valid);
        // The same file at a second address labels items that address was not given: invalid, maximum slash.
        var copy = scores.Single(s => s.Account == other);
        Assert.False(copy.Valid);
        Assert.Contains("is not assigned to this address", copy.Reason, StringComparison.Ordinal);
        Assert.Equal(-10_000, copy.ScoreBps);

        // labels.jsonl: one line per label of the valid curator, summing to its value; none for the invalid copy.
        var labels = await LabelValuesFile.ReadAsync(File.OpenRead(Path.Combine(_dir, "out", "labels.jsonl")), "labels.jsonl").ToListAsync();
        Assert.Equal(assigned.Select(t => t.Id).Order(StringComparer.Ordinal), labels.Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.All(labels, l => Assert.Equal(own, l.Account));
        Assert.Equal(scores.Single(s => s.Account == own).Value, labels.Sum(l => l.Value));
        Assert.Contains("labels.jsonl: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_with_an_unknown_spec_names_the_shipped_ones()
    {
        var (exit, output) = await InProcessFmp.RunAsync(["evaluate", "--tasks", "t.jsonl", "--gold", "g.jsonl", "--manifest", "m.jsonl", "--spec", "bt-nonsense-v9"]);
        Assert.Equal(2, exit);
        Assert.Contains("no spec named 'bt-nonsense-v9'", output, StringComparison.Ordinal);
        // The console wraps at 80 columns: the list is read with its line breaks as spaces.
        Assert.Contains("bt-inrun-v2, bt-inrun-v2-features, bt-inrun-v2-features-open, bt-inrun-v2-open, bt-inrun-v3, bt-inrun-v3-features, bt-inrun-v3-features-duo, bt-shapley-v1",
            string.Join(' ', output.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        (exit, output) = await InProcessFmp.RunAsync(["evaluate", "--tasks", "t.jsonl", "--gold", "g.jsonl", "--manifest", "m.jsonl", "--backend", "gpu"]);
        Assert.Equal(2, exit);
        Assert.Contains("--backend gpu: use auto, cpu or cuda", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"stake":"1","labels":null}""", "manifest.jsonl:2: \"address\" must be the curator's 0x address")]
    [InlineData("""{"address":"0x1111111111111111111111111111111111111111","stake":50,"labels":null}""", "manifest.jsonl:2: \"stake\" must be the stake in base units as a decimal string")]
    [InlineData("""{"address":"0x1111111111111111111111111111111111111111","stake":"500000000000000000000","labels":null}""", "manifest.jsonl:2: stake 500000000000000000000 is above the stake cap 100000000000000000000 (--stake-cap)")]
    [InlineData("""{"address": "0x11""", "manifest.jsonl:2: not valid JSON")]
    public async Task Manifest_mistakes_are_named_with_file_line_and_field(string badLine, string expected)
    {
        await WriteTasksAndGoldAsync();
        await File.WriteAllLinesAsync(Path.Combine(_dir, "manifest.jsonl"), ["""{"address":"0x2222222222222222222222222222222222222222","stake":"1","labels":null}""", badLine]);
        var (exit, output) = await InProcessFmp.RunAsync(["evaluate", "--tasks", In("tasks.jsonl"), "--gold", In("gold.jsonl"), "--manifest", In("manifest.jsonl")]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pool_and_cap_are_whole_tokens_unless_given_in_wei()
    {
        var (crowd, tasks) = await WriteTasksAndGoldAsync();
        await crowd.WriteAsync("good.jsonl", tasks.Take(60).Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));
        await File.WriteAllLinesAsync(Path.Combine(_dir, "manifest.jsonl"), ["""{"address":"0x1111111111111111111111111111111111111111","stake":"50000000000000000000","labels":"good.jsonl"}"""]);
        async Task<string> PayoutAsync(string pool, string folder)
        {
            var (exit, output) = await InProcessFmp.RunAsync(
                ["evaluate", "--spec", "bt-inrun-v2-open", "--tasks", In("tasks.jsonl"), "--gold", In("gold.jsonl"), "--manifest", In("manifest.jsonl"), "--pool", pool, "--out", In(folder)]);
            Assert.True(exit == 0, output);
            return (await ScoresFile.ReadAsync(File.OpenRead(Path.Combine(_dir, folder, "scores.jsonl")), "scores").ToListAsync()).Single().Reward.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // 1000 tokens and 10^21 wei are the same pool; the sole positive curator takes the pool after the 5% fee.
        Assert.Equal(await PayoutAsync("1000", "a"), await PayoutAsync("1000000000000000000000wei", "b"));
        Assert.Equal("950000000000000000000", await PayoutAsync("1000", "c"));
        var (code, text) = await InProcessFmp.RunAsync(["evaluate", "--tasks", In("tasks.jsonl"), "--gold", In("gold.jsonl"), "--manifest", In("manifest.jsonl"), "--pool", "1,000"]);
        Assert.Equal(2, code);
        Assert.Contains("--pool 1,000: give whole tokens", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_from_data_builds_the_inputs_from_the_repositorys_data_and_scores_the_injected_curators_down()
    {
        // The guide's line, run from the repository root: fmp evaluate --from-data data/ukpconvarg1 --out …
        var output = Path.Combine(_dir, "ukp");
        var (exit, text) = await CliProcess.RunAsync(CliProcess.Fmp, ["evaluate", "--from-data", "data/ukpconvarg1", "--out", output, "--backend", "cpu"],
            TimeSpan.FromMinutes(5), workingDirectory: RepositoryLayout.Root);
        Assert.True(exit == 0, text);
        Assert.Contains("bt-inrun-v2-open (inrun)", text, StringComparison.Ordinal);
        Assert.Matches(@"inputs: [0-9,]+ task-pool pairs .*, [0-9,]+ gold pairs .*, [0-9]+ curators", text);
        var manifest = await File.ReadAllLinesAsync(Path.Combine(output, "inputs", "curators.jsonl"));
        Assert.True(manifest.Length > 20, $"{manifest.Length} curators");
        foreach (var line in manifest)
        {
            var labels = JsonDocument.Parse(line).RootElement.GetProperty("labels").GetString()!;
            Assert.True(File.Exists(Path.Combine(output, "inputs", labels)), labels);
        }

        var scores = await ScoresFile.ReadAsync(File.OpenRead(Path.Combine(output, "scores.jsonl")), "scores").ToListAsync();
        static string Address(string name) => "0x" + Convert.ToHexStringLower(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(name)).ToArray().AsSpan(12));
        var flipped = scores.Single(s => s.Account == Address("flipped:0"));
        var crowd = scores.Where(s => s.Account != Address("flipped:0") && s.Account != Address("random:0") && s.Account != Address("constant:0")).ToList();
        Assert.True(crowd.All(s => s.Valid), string.Join(", ", crowd.Where(s => !s.Valid).Select(s => s.Reason)));
        Assert.True(flipped.ScoreBps < 0, $"flipped labels scored {flipped.ScoreBps}");
        Assert.True(crowd.Count(s => s.ScoreBps > flipped.ScoreBps) > crowd.Count * 9 / 10, "the flipped curator is not near the bottom");

        (exit, text) = await CliProcess.RunAsync(CliProcess.Fmp, ["evaluate", "--from-data", "data/no-such-set", "--out", output], TimeSpan.FromMinutes(1), workingDirectory: RepositoryLayout.Root);
        Assert.Equal(2, exit);
        Assert.Contains("--from-data data/no-such-set: no such folder", text, StringComparison.Ordinal);
        Assert.Contains($"; looked for {Path.Combine(RepositoryLayout.Root, "data", "no-such-set")}", text, StringComparison.Ordinal); // the folder it was read from
        (exit, text) = await CliProcess.RunAsync(CliProcess.Fmp, ["evaluate", "--from-data", "data/ukpconvarg1", "--tasks", "t.jsonl"], TimeSpan.FromMinutes(1), workingDirectory: RepositoryLayout.Root);
        Assert.Equal(2, exit); // a settings check: a usage mistake, exit 2 as the command's own refusals
        Assert.Contains("give either --from-data or those three", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 24: the UKPConvArg1 market of --from-data with every gold pref flipped. The labels contradict that gold
    /// set (rule gold-check/1), so fmp evaluate ends in the verdict an oracle signs, not in a payout that slashes the
    /// crowd; with the gold set as built it settles, and its remainder is burned rather than the sponsor's.
    /// </summary>
    [Fact]
    public async Task An_inverted_gold_set_ends_in_the_contradicted_verdict_and_the_true_one_settles_with_the_remainder_burned()
    {
        var built = Path.Combine(_dir, "ukp");
        var (exit, text) = await CliProcess.RunAsync(CliProcess.Fmp, ["evaluate", "--from-data", "data/ukpconvarg1", "--inputs-only", "--out", built],
            TimeSpan.FromMinutes(5), workingDirectory: RepositoryLayout.Root);
        Assert.True(exit == 0, text);
        var inputs = Path.Combine(built, "inputs");
        var gold = await ProtocolFiles.ReadGoldAsync(File.OpenRead(Path.Combine(inputs, "gold.jsonl")), "gold").ToListAsync();
        var inverted = gold.Select(g => g with { Pref = CrowdMarket.Flip(g.Pref) }).ToList();
        await File.WriteAllBytesAsync(Path.Combine(_dir, "inverted-gold.jsonl"), CanonicalWriter.ToBytes(inverted.Select(ProtocolFiles.ToLine)));

        async Task<(int Exit, string Text, string Out)> Evaluate(string goldFile, string name)
        {
            var output = Path.Combine(_dir, name);
            var (code, said) = await InProcessFmp.RunAsync(
                ["evaluate", "--tasks", Path.Combine(inputs, "tasks.jsonl"), "--gold", goldFile, "--manifest", Path.Combine(inputs, "curators.jsonl"), "--spec", "bt-inrun-v2-open", "--out", output, "--backend", "cpu"],
                TimeSpan.FromMinutes(5));
            return (code, said, output);
        }

        var wrong = await Evaluate(Path.Combine(_dir, "inverted-gold.jsonl"), "inverted");
        Assert.True(wrong.Exit == 0, wrong.Text);
        Assert.Contains("verdict gold set: contradicted by labels", wrong.Text, StringComparison.Ordinal);
        using (var verdict = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(wrong.Out, "verdict.json"))))
        {
            Assert.Equal("gold set: contradicted by labels", verdict.RootElement.GetProperty("verdict").GetString());
            // keccak256("fmp-verdict/1 gold set: contradicted by labels"), the literal clients/ts asserts too.
            Assert.Equal("0xb7059bc2082d9c61bd2a061f40bdc42cbee2e32cb6d459a0072ba55a5e2e8242", verdict.RootElement.GetProperty("metricsHash").GetString());
            Assert.Equal(new Protocol.Core.Reports.VerdictReason("gold set", "contradicted by labels").Hash.ToString(), verdict.RootElement.GetProperty("metricsHash").GetString());
            Assert.Contains("gold-check/1", verdict.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(wrong.Out, "scores.jsonl")), "a verdict pays nobody: no scores file");

        var right = await Evaluate(Path.Combine(inputs, "gold.jsonl"), "true");
        Assert.True(right.Exit == 0, right.Text);
        Assert.DoesNotContain("verdict", right.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(right.Out, "verdict.json")));
        Assert.Contains("to the burn address 0x000000000000000000000000000000000000dead", right.Text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(right.Out, "scores.jsonl")));
    }

    // A file of the test folder, by its full path (for calls in this process, whose working folder is not the test's).
    private string In(string name) => Path.Combine(_dir, name);

    /// <summary>The crowd market's task pool and gold set as tasks.jsonl and gold.jsonl in the test folder.</summary>
    private async Task<(CrowdMarket Crowd, IReadOnlyList<TaskItem> Tasks)> WriteTasksAndGoldAsync()
    {
        var crowd = new CrowdMarket(_dir);
        var (tasks, gold) = crowd.LoadCrowdData();
        await crowd.WriteAsync("tasks.jsonl", tasks.Select(ProtocolFiles.ToLine));
        await crowd.WriteAsync("gold.jsonl", gold.Select(ProtocolFiles.ToLine));
        return (crowd, tasks);
    }

    private async Task<(string Digest, string Output)> RunAsync(string outFolder, (string Name, string Value) environment)
    {
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp,
        [
            "evaluate", "--tasks", Path.Combine(_dir, "tasks.jsonl"), "--gold", Path.Combine(_dir, "gold.jsonl"),
            "--manifest", Path.Combine(_dir, "manifest.jsonl"), "--spec", Path.Combine(RepositoryLayout.Root, "specs", "bt-shapley-v1.json"),
            "--out", Path.Combine(_dir, outFolder), "--backend", "cpu",
        ], TimeSpan.FromMinutes(3), new Dictionary<string, string> { [environment.Name] = environment.Value });
        Assert.True(exit == 0, output);
        var digest = System.Text.RegularExpressions.Regex.Match(output, @"report digest\s+(0x[0-9a-f]{64})").Groups[1].Value;
        Assert.Equal(66, digest.Length);
        return (digest, output);
    }
}
