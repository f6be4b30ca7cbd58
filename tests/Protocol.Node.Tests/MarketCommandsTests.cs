using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Signer;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.DevChain;
using Protocol.Evaluation;
using Protocol.Evaluation.InRun;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// The sponsor's and curators' commands on a real chain (the first test as processes, the rest in process): what each refuses before sending (with what to
/// fix), what it sends, and that a salt survives a run that stopped after sending.
/// </summary>
[Trait("tier", "slow")]
public sealed class MarketCommandsTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>, IDisposable
{
    private const int Curator = 4;
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-market-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Create_refuses_what_the_contract_would_and_a_rerun_finds_its_market_instead_of_making_a_second()
    {
        var d = await DeployAsync(anvil);
        var (tasks, gold) = await FilesAsync("c");
        var sponsor = await KeyAsync(Sponsor);
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = AnvilFixture.DevAddress(Sponsor), Amount = 1_000 * Token });

        var bad = await MarketFileAsync("bad.json", d, "bt-inrun-v2-open", evaluation: "1h", extra: "\"disputeBond\": \"0.5\",");
        var refused = await FmpAsync(2, d, ["market", "create", "--config", bad, .. sponsor], process: true);
        Assert.Contains("at least 12 h after the gold deadline", refused, StringComparison.Ordinal);
        Assert.Contains("the dispute bond (500000000000000000 wei) must lie between 1% of the pool", refused, StringComparison.Ordinal);
        Assert.Contains("nothing was sent", refused, StringComparison.Ordinal);

        // Review 2, item 2: a market pays in the registry's bond token only; a market contract's address in "token" is
        // named before anything is read from it or written (it used to end in "a revert without an error").
        var wrongToken = await MarketFileAsync("token.json", d, "bt-inrun-v2-open");
        await File.WriteAllTextAsync(wrongToken, (await File.ReadAllTextAsync(wrongToken)).Replace(d.TokenAddress, d.MarketAddress, StringComparison.Ordinal));
        var unit = await FmpAsync(2, d, ["market", "create", "--config", wrongToken, .. sponsor], process: true);
        Assert.Contains($"\"token\": the token {d.MarketAddress} must be the oracle registry's bond token", unit, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "token.secrets.json")));

        // Issue 25, item 4: a spec that failed the economics goals is taken only by name, not by its document's path.
        var byPath = await MarketFileAsync("path.json", d, Path.Combine(RepositoryLayout.Root, "specs", "bt-inrun-v2.json").Replace('\\', '/'));
        var notByPath = await FmpAsync(2, d, ["market", "create", "--config", byPath, .. sponsor], process: true);
        Assert.Contains("is the shipped bt-inrun-v2, which new markets should not use", notByPath, StringComparison.Ordinal);
        Assert.Contains("write \"spec\": \"bt-inrun-v2\" to use it anyway", notByPath, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(d));

        await File.AppendAllTextAsync(Path.Combine(_dir, "c", "private", "gold.jsonl"), "{\"id\":\"g9\",\"prompt\":\"p\",\"a\":\"x\"}\n");
        var malformed = await FmpAsync(2, d, ["market", "create", "--config", await MarketFileAsync("good.json", d, "bt-inrun-v2-open", folder: "c"), .. sponsor], process: true);
        Assert.Matches(@"gold\.jsonl:3: ", malformed);
        Assert.Equal(0, await CountAsync(d));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "c", "private", "gold.jsonl"), gold);

        var before = await d.BalanceAsync(AnvilFixture.DevAddress(Sponsor));
        var config = await MarketFileAsync("good.json", d, "bt-inrun-v2-open", folder: "c");
        var created = await FmpAsync(0, d, ["market", "create", "--config", config, .. sponsor], process: true);
        Assert.Matches(@"createMarket: tx 0x[0-9a-f]{64}, gas used \d+", created);
        Assert.Contains("market 1 created: pool 100 FBT", created, StringComparison.Ordinal);
        Assert.Contains("keep secret until the gold reveal", created, StringComparison.Ordinal);
        Assert.Contains("warning: spec bt-inrun-v2-open was asked for by name; new markets should use bt-inrun-v3: it pays copies", created, StringComparison.Ordinal);
        Assert.Equal(100 * Token, before - await d.BalanceAsync(AnvilFixture.DevAddress(Sponsor)));

        // The chain holds the commitment of the secrets file's salt, and the file is the owner's alone.
        var secretsPath = Path.Combine(_dir, "good.secrets.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretsPath));
        }

        var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(secretsPath)).RootElement;
        var onChain = (await anvil.Web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(d.MarketAddress, new MarketConfigFunction { MarketId = 1 })).ReturnValue1;
        Assert.Equal(Commitments.Gold(Keccak.Hash(gold), Bytes32.Parse(secrets.GetProperty("salt").GetString()!)), new Bytes32(onChain.GoldCommitment));
        Assert.Equal(Keccak.Hash(tasks), new Bytes32(onChain.TaskPoolHash));
        Assert.Equal(EvaluationSpecs.ByName("bt-inrun-v2-open")!.Hash, new Bytes32(onChain.EvalSpecHash).ToString());
        Assert.True(File.Exists(Path.Combine(_dir, "c", "public", "bt-inrun-v2-open.json")));

        Assert.Contains("market 1 was already created from this file", await FmpAsync(0, d, ["market", "create", "--config", config, .. sponsor], process: true), StringComparison.Ordinal);

        // A run that stopped after sending, before it wrote the id: the next run finds the market by its commitment.
        var node = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(secretsPath))!.AsObject();
        node.Remove("marketId");
        await File.WriteAllTextAsync(secretsPath, node.ToJsonString());
        Assert.Contains("market 1 was already created from this file", await FmpAsync(0, d, ["market", "create", "--config", config, .. sponsor], process: true), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(d));

        // A task pool swapped after creation is refused to curators; the one verified before is remembered.
        Assert.Contains("3 items to label", await FmpAsync(0, d, ["curator", "tasks", "--out", Path.Combine(_dir, "t.jsonl")], process: true), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_dir, "c", "public", "tasks.jsonl"), "{\"id\":\"t1\",\"prompt\":\"p\",\"a\":\"swapped\",\"b\":\"b1\"}\n");
        Assert.Contains("3 items to label", await FmpAsync(0, d, ["curator", "tasks", "--out", Path.Combine(_dir, "t.jsonl")], process: true), StringComparison.Ordinal);
        Assert.Equal(tasks, await File.ReadAllBytesAsync(Path.Combine(_dir, "t.jsonl")));
        Directory.Delete(Path.Combine(_dir, "cache"), recursive: true);
        Assert.Contains("the sponsor published another file; do not label it", await FmpAsync(1, d, ["curator", "tasks", "--out", Path.Combine(_dir, "t.jsonl")], process: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curators_commit_and_reveal_only_files_the_oracles_will_accept_and_the_sponsor_reveals_only_a_published_gold_set()
    {
        var d = await DeployAsync(anvil);
        var (tasks, _) = await FilesAsync("m");
        var sponsor = await KeyAsync(Sponsor);
        var curator = await KeyAsync(Curator);
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = AnvilFixture.DevAddress(Sponsor), Amount = 1_000 * Token });
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = AnvilFixture.DevAddress(Curator), Amount = 100 * Token });
        using var served = await PublishedReports.ServeAsync(Path.Combine(_dir, "m", "public"));
        var config = await MarketFileAsync("m.json", d, "bt-inrun-v2-open", folder: "m", publishAt: served.Url + "/");

        // A gold file in the served folder, or in a folder under it, is public already: refused before anything is
        // written or sent (a new sponsor was told "keep secret" while its URI served every answer).
        var goldBytes = await File.ReadAllBytesAsync(Path.Combine(_dir, "m", "private", "gold.jsonl"));
        foreach (var exposed in new[] { "gold.jsonl", Path.Combine("hidden", "gold.jsonl") })
        {
            var place = Path.Combine(_dir, "m", "public", exposed);
            Directory.CreateDirectory(Path.GetDirectoryName(place)!);
            await File.WriteAllBytesAsync(place, goldBytes);
            var leaky = Path.Combine(_dir, "leaky.json");
            await File.WriteAllTextAsync(leaky, (await File.ReadAllTextAsync(config)).Replace("m/private/gold.jsonl", "m/public/" + exposed.Replace('\\', '/'), StringComparison.Ordinal));
            var refused = await FmpAsync(2, d, ["market", "create", "--config", leaky, .. sponsor]);
            Assert.Contains($"{served.Url}/{exposed.Replace('\\', '/')} already serves the gold set", refused, StringComparison.Ordinal);
            Assert.Contains("nothing was sent", refused, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(_dir, "leaky.secrets.json")));
            File.Delete(place);
        }

        await FmpAsync(0, d, ["market", "create", "--config", config, .. sponsor]);

        var listed = await FmpAsync(0, d, ["curator", "tasks", "--out", Path.Combine(_dir, "tasks.jsonl")]);
        Assert.Contains("3 items to label", listed, StringComparison.Ordinal);
        Assert.Equal(tasks, await File.ReadAllBytesAsync(Path.Combine(_dir, "tasks.jsonl")));

        // fmp curator import without --tasks matches an export against the market's published (verified) pool.
        var preferences = Path.Combine(_dir, "preferences.jsonl");
        var imported = Path.Combine(_dir, "imported.jsonl");
        await File.WriteAllTextAsync(preferences, "{\"prompt\":\"p\",\"chosen\":\"b2\",\"rejected\":\"a2\"}\n{\"prompt\":\"p\",\"chosen\":\"x\",\"rejected\":\"a1\"}\n");
        Assert.Contains("preferences.jsonl:2: the prompt matches item(s) \"t1\", \"t2\", \"t3\", but the responses differ",
            await FmpAsync(1, d, ["curator", "import", "--format", "trl", "--from", preferences, "--out", imported]), StringComparison.Ordinal);
        Assert.False(File.Exists(imported));
        await File.WriteAllTextAsync(preferences, "{\"prompt\":\"p\",\"chosen\":\"b2\",\"rejected\":\"a2\"}\n");
        Assert.Contains("1 labels from " + preferences + " (0 matched by id, 1 by prompt and responses) on market 1's task pool (3 items)",
            await FmpAsync(0, d, ["curator", "import", "--format", "trl", "--from", preferences, "--out", imported]), StringComparison.Ordinal);
        Assert.Equal("{\"id\":\"t2\",\"pref\":\"b\"}\n", await File.ReadAllTextAsync(imported));

        var labels = Path.Combine(_dir, "labels.jsonl");
        await File.WriteAllTextAsync(labels, "{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"nope\",\"pref\":\"b\"}\n");
        Assert.Contains("line 2: 'nope' is not an item of market 1's task pool", await FmpAsync(2, d, ["curator", "commit", "--labels", labels, "--stake", "5", .. curator]), StringComparison.Ordinal);
        await File.WriteAllTextAsync(labels, "{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"t2\",\"pref\":\"b\"}\n");
        Assert.Contains("is outside the market's bounds: 1 FBT", await FmpAsync(2, d, ["curator", "commit", "--labels", labels, "--stake", "500", .. curator]), StringComparison.Ordinal);
        // A wrong password stops the commit before a salt or a copy is written for a commit never sent.
        var wrongPassword = Path.Combine(_dir, "wrong.password");
        await File.WriteAllTextAsync(wrongPassword, "not it\n");
        Assert.Contains("wrong password", await FmpAsync(2, d, ["curator", "commit", "--labels", labels, "--stake", "5", .. curator[..2], "--password-file", wrongPassword]), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "labels.commit.json")));
        Assert.False(File.Exists(Path.Combine(_dir, "labels.committed.jsonl")));
        var committed = await FmpAsync(0, d, ["curator", "commit", "--labels", labels, "--stake", "5", .. curator]);
        Assert.Matches(@"approve: tx 0x[0-9a-f]{64}", committed);
        Assert.Matches(@"commit: tx 0x[0-9a-f]{64}, gas used \d+", committed);
        Assert.Equal(5 * Token, (await anvil.Web3.QueryAsync<SubmissionFunction, SubmissionOutput>(d.MarketAddress, new SubmissionFunction { MarketId = 1, Curator = AnvilFixture.DevAddress(Curator) })).ReturnValue1.Stake);
        Assert.Contains("already committed to market 1", await FmpAsync(1, d, ["curator", "commit", "--labels", labels, "--stake", "5", .. curator]), StringComparison.Ordinal);

        string[] Reveal(string uri) => ["curator", "reveal", "--labels", labels, "--uri", uri, .. curator];
        Assert.Matches(@"is in phase open \(commits close .*\(in [^)]+\)\); reveal needs phase reveal", await FmpAsync(1, d, Reveal(served.Url + "/labels.jsonl")));
        await anvil.IncreaseTimeAsync(7_200);
        await anvil.MineAsync();
        Assert.Contains("publish " + labels + " there first", await FmpAsync(1, d, Reveal(served.Url + "/labels.jsonl")), StringComparison.Ordinal);
        var original = await File.ReadAllBytesAsync(labels);
        await File.WriteAllTextAsync(labels, "{\"id\":\"t1\",\"pref\":\"b\"}\n");
        // The commit kept a read-only copy of the committed bytes beside the salt, and the refusal names it.
        var copy = Path.Combine(_dir, "labels.committed.jsonl");
        Assert.Contains($"changed since the commit (keccak256 {Keccak.Hash(await File.ReadAllBytesAsync(labels))}, committed {Keccak.Hash(original)}): the committed bytes are kept in {copy}", await FmpAsync(2, d, Reveal(served.Url + "/labels.jsonl")), StringComparison.Ordinal);
        Assert.Equal(original, await File.ReadAllBytesAsync(copy));
        Assert.True(File.GetAttributes(copy).HasFlag(FileAttributes.ReadOnly));
        await File.WriteAllBytesAsync(labels, original);

        // --publish-to copies the file under its own name: a --uri naming another file is refused before copying.
        var misnamed = await FmpAsync(2, d, [.. Reveal(served.Url + "/other.jsonl"), "--publish-to", Path.Combine(_dir, "m", "public")]);
        Assert.Contains("names the file \"other.jsonl\" but --publish-to copies it as \"labels.jsonl\"", misnamed, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "m", "public", "labels.jsonl")));
        Assert.Contains("give it without --uri and --publish-to", await FmpAsync(2, d, [.. Reveal(served.Url + "/labels.jsonl"), "--on-chain"]), StringComparison.Ordinal);
        var revealed = await FmpAsync(0, d, [.. Reveal(served.Url + "/labels.jsonl"), "--publish-to", Path.Combine(_dir, "m", "public")]);
        Assert.Matches(@"reveal: tx 0x[0-9a-f]{64}", revealed);
        Assert.True((await anvil.Web3.QueryAsync<SubmissionFunction, SubmissionOutput>(d.MarketAddress, new SubmissionFunction { MarketId = 1, Curator = AnvilFixture.DevAddress(Curator) })).ReturnValue1.Revealed);

        // The gold set: not before the reveal deadline, not while its URI serves nothing, then from the served folder.
        var secrets = Path.Combine(_dir, "m.secrets.json");
        Assert.Contains("reveal-gold needs phase evaluation", await FmpAsync(1, d, ["market", "reveal-gold", "--secrets", secrets, .. sponsor]), StringComparison.Ordinal);
        await anvil.IncreaseTimeAsync(3_600);
        await anvil.MineAsync();
        Assert.Contains("nothing was sent", await FmpAsync(1, d, ["market", "reveal-gold", "--secrets", secrets, .. sponsor]), StringComparison.Ordinal);
        Assert.Contains("can be cancelled only when it failed", await FmpAsync(1, d, ["market", "cancel", .. sponsor]), StringComparison.Ordinal);
        Assert.Contains("give it without --publish-to", await FmpAsync(2, d, ["market", "reveal-gold", "--secrets", secrets, "--on-chain", "--publish-to", Path.Combine(_dir, "m", "public"), .. sponsor]), StringComparison.Ordinal);
        // The gold set in the reveal itself (the guides' walkthrough reveals one from the served folder): nothing to
        // publish, and no oracle can fail to fetch it.
        var gold = await FmpAsync(0, d, ["market", "reveal-gold", "--secrets", secrets, "--on-chain", .. sponsor]);
        Assert.Matches(@"revealGold: tx 0x[0-9a-f]{64}", gold);
        Assert.Contains("gold set of market 1 revealed on chain", gold, StringComparison.Ordinal);
        Assert.True((await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = 1 })).ReturnValue1.GoldRevealed);
        Assert.Contains("already revealed", await FmpAsync(1, d, ["market", "reveal-gold", "--secrets", secrets, .. sponsor]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assigning_spec_gives_each_address_its_items_and_a_gold_set_never_revealed_forfeits_back_to_a_sponsor_nobody_revealed_for()
    {
        var d = await DeployAsync(anvil);
        var tasks = Enumerable.Range(1, 60).Select(i => new TaskItem($"t{i}", "p", "x" + i, "y" + i)).ToList();
        await FilesAsync("a", tasks);
        var sponsor = await KeyAsync(Sponsor);
        var curator = await KeyAsync(Curator);
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = AnvilFixture.DevAddress(Sponsor), Amount = 1_000 * Token });
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = AnvilFixture.DevAddress(Curator), Amount = 100 * Token });
        // No "spec" in the market file: the default, bt-inrun-v3 (100 items per address, at most half of these 60: 18 required).
        var marketFile = await MarketFileAsync("a.json", d, "bt-inrun-v3", folder: "a");
        await File.WriteAllTextAsync(marketFile, (await File.ReadAllTextAsync(marketFile)).Replace("\"spec\": \"bt-inrun-v3\",", "", StringComparison.Ordinal));
        var created = await FmpAsync(0, d, ["market", "create", "--config", marketFile, .. sponsor]);
        Assert.Contains("spec bt-inrun-v3", created, StringComparison.Ordinal);
        // How many curators the peer consensus needs on this pool: 30 of the 60 items per address, 5 labels per item.
        Assert.Contains("sizing: each address is given about 30 of the 60 items; bt-inrun-v3 judges a label against the other curators' labels of its item and needs about 5 per item, so about 10 curators", created, StringComparison.Ordinal);
        // The default's measured thin-pool failure (G5) is said, with the spec that met every goal.
        Assert.Contains("warning: spec bt-inrun-v3 is the default, and with few labels per item accurate curators can lose", created, StringComparison.Ordinal);

        Assert.Contains("assigns items per address", await FmpAsync(2, d, ["curator", "tasks", "--out", Path.Combine(_dir, "all.jsonl")]), StringComparison.Ordinal);
        var mine = Path.Combine(_dir, "mine.jsonl");
        Assert.Contains("(label at least 18 of them; a label on any other item makes the file invalid)", await FmpAsync(0, d, ["curator", "tasks", "--keystore", curator[1], "--out", mine]), StringComparison.Ordinal);
        var assignment = new ItemAssignment(1, EvaluationSpecs.Default.InRun!.ShareFor(tasks.Count));
        var expected = tasks.Where(t => assignment.IsAssigned(AnvilFixture.DevAddress(Curator), t.Id)).Select(t => t.Id).ToList();
        var listed = File.ReadLines(mine).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        Assert.Equal(expected, listed);
        var other = tasks.First(t => !expected.Contains(t.Id)).Id;
        var labels = Path.Combine(_dir, "labels.jsonl");
        await File.WriteAllTextAsync(labels, $"{{\"id\":\"{other}\",\"pref\":\"a\"}}\n");
        Assert.Contains($"item '{other}' is not assigned to", await FmpAsync(2, d, ["curator", "commit", "--labels", labels, "--stake", "5", .. curator]), StringComparison.Ordinal);
        // Too few of its own items: a copy would look like this at a second address, so the spec refuses it; nothing is sent.
        await File.WriteAllTextAsync(labels, $"{{\"id\":\"{expected[0]}\",\"pref\":\"a\"}}\n");
        Assert.Contains("labels 1 items; spec bt-inrun-v3 asks each address for at least 18 of its assigned items", await FmpAsync(2, d, ["curator", "commit", "--labels", labels, "--stake", "5", .. curator]), StringComparison.Ordinal);

        // Nobody revealed and the gold deadline passed: cancel records the forfeit, and the pool comes back to the sponsor.
        await anvil.IncreaseTimeAsync(4 * 3_600 + 1);
        await anvil.MineAsync();
        var before = await d.BalanceAsync(AnvilFixture.DevAddress(Sponsor));
        var cancelled = await FmpAsync(0, d, ["market", "cancel", .. sponsor]);
        Assert.Matches(@"forfeit: tx 0x[0-9a-f]{64}", cancelled);
        Assert.Contains("paid 100 FBT (100000000000000000000 wei) of credit", cancelled, StringComparison.Ordinal);
        Assert.Equal(100 * Token, await d.BalanceAsync(AnvilFixture.DevAddress(Sponsor)) - before);
    }

    // In this process (InProcessFmp), or as a process of its own with this test's task-pool cache (the first test, which
    // empties that cache, is the process test of market create and curator tasks).
    private async Task<string> FmpAsync(int expectedExit, ProtocolDeployment d, string[] arguments, bool process = false)
    {
        string[] all = [.. arguments, "--rpc", anvil.RpcUrl, "--market", d.MarketAddress];
        var (exit, output) = process
            ? await CliProcess.RunAsync(CliProcess.Fmp, all, TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["FMP_CACHE"] = Path.Combine(_dir, "cache") })
            : await InProcessFmp.RunAsync(all);
        Assert.True(exit == expectedExit, $"fmp {string.Join(' ', arguments)} exited {exit}, not {expectedExit}: {output}");
        return output;
    }

    private async Task<int> CountAsync(ProtocolDeployment d) =>
        (int)await anvil.Web3.CallAsync<MarketCountFunction, BigInteger>(d.MarketAddress, new MarketCountFunction());

    // A task pool (public) and a gold set (private) in <dir>/<name>; returns their bytes.
    private async Task<(byte[] Tasks, byte[] Gold)> FilesAsync(string name, IReadOnlyList<TaskItem>? items = null)
    {
        Directory.CreateDirectory(Path.Combine(_dir, name, "public"));
        Directory.CreateDirectory(Path.Combine(_dir, name, "private"));
        var tasks = CanonicalWriter.ToBytes((items ?? [new TaskItem("t1", "p", "a1", "b1"), new TaskItem("t2", "p", "a2", "b2"), new TaskItem("t3", "p", "a3", "b3")]).Select(ProtocolFiles.ToLine));
        var gold = CanonicalWriter.ToBytes(new[] { new GoldItem("g1", "p", "ga", "gb", Preference.A), new GoldItem("g2", "p", "ha", "hb", Preference.B) }.Select(ProtocolFiles.ToLine));
        await File.WriteAllBytesAsync(Path.Combine(_dir, name, "public", "tasks.jsonl"), tasks);
        await File.WriteAllBytesAsync(Path.Combine(_dir, name, "private", "gold.jsonl"), gold);
        return (tasks, gold);
    }

    private async Task<string> MarketFileAsync(string file, ProtocolDeployment d, string spec, string evaluation = "1d", string extra = "", string folder = "c", string? publishAt = null)
    {
        var path = Path.Combine(_dir, file);
        await File.WriteAllTextAsync(path, $$"""
            {
              "token": "{{d.TokenAddress}}", "pool": "100", "spec": "{{spec}}",
              "tasks": "{{folder}}/public/tasks.jsonl", "gold": "{{folder}}/private/gold.jsonl",
              {{(publishAt is null ? "" : $"\"publishAt\": \"{publishAt}\",")}}
              "deadlines": { "commit": "2h", "reveal": "1h", "gold": "1h", "evaluation": "{{evaluation}}" },
              "stake": { "min": "1", "cap": "10" }, {{extra}}
              "slashBps": 5000, "oracleFeeBps": 500, "challengePeriod": "1h"
            }
            """);
        return path;
    }

    private async Task<string[]> KeyAsync(int account)
    {
        var keystore = Path.Combine(_dir, $"key{account}.json");
        var password = Path.Combine(_dir, $"key{account}.password");
        if (!File.Exists(keystore))
        {
            await File.WriteAllTextAsync(password, "pw\n");
            await DevKeystore.WriteAsync(keystore, "pw", new EthECKey(AnvilFixture.DevPrivateKeys[account])); // light scrypt: a dozen commands unlock it
        }

        return ["--keystore", keystore, "--password-file", password];
    }
}
