using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Serialization;
using Protocol.Client.Datasets;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// <c>fmp dataset export</c> as a sponsor runs it on a settled market on a real chain: real label files and task pool
/// behind file:// URIs, the accepted report's scores published and served the way a node does. The Parquet export runs
/// as fmp's own process, the other calls in process (<see cref="InProcessFmp"/>).
/// </summary>
[Trait("tier", "slow")]
public sealed class DatasetExportTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-dataset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Curators: 4 good (all items), 5 fair (t1–t4), 6 poor but positive (always against 4), 7 negative value (t5–t7, against 4).
    private static readonly Dictionary<int, (string[] Items, bool AgreesWithGood, long ValueMicro, int ScoreBps)> Curators = new()
    {
        [4] = (["t1", "t2", "t3", "t4", "t5", "t6"], true, 4_800_000, 6_000),
        [5] = (["t1", "t2", "t3", "t4"], true, 1_600_000, 3_000),
        [6] = (["t1", "t2", "t3", "t4", "t5", "t6"], false, 600_000, 500),
        [7] = (["t5", "t6", "t7"], false, -900_000, -4_000),
    };

    // What curator 4 prefers on each item; curator 5 disagrees with it on t3 (so t3's plain majority is against 4).
    private static Preference Good(string id) => id is "t2" or "t4" or "t6" ? Preference.B : Preference.A;

    private static Preference Opposite(Preference p) => p == Preference.A ? Preference.B : Preference.A;

    private static Preference LabelOf(int curator, string id) => curator switch
    {
        5 when id == "t3" => Opposite(Good(id)),
        _ => Curators[curator].AgreesWithGood ? Good(id) : Opposite(Good(id)),
    };

    [Fact]
    public async Task A_settled_market_exports_weighted_labels_and_the_weighted_vote_and_refuses_tampered_files_and_unfinished_markets()
    {
        var tasks = Enumerable.Range(1, 8).Select(i => new TaskItem($"t{i}", $"prompt {i}", $"answer {i} a", $"answer {i} b")).ToList();
        var tasksFile = Path.Combine(_dir, "tasks.jsonl");
        await File.WriteAllBytesAsync(tasksFile, CanonicalWriter.ToBytes(tasks.Select(ProtocolFiles.ToLine)));
        var d = await DeployAsync(anvil);
        var files = new MarketFiles(Keccak.Hash(await File.ReadAllBytesAsync(tasksFile)), new Uri(tasksFile).AbsoluteUri,
            Keccak.Hash("spec"u8), "file:///spec.json", Keccak.Hash("gold"u8), "file:///gold.jsonl");
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token), files: files);
        foreach (var (curator, plan) in Curators)
        {
            var path = LabelFile(curator);
            await File.WriteAllBytesAsync(path, CanonicalWriter.ToBytes(plan.Items.Select(id => ProtocolFiles.ToLine(new Label(id, LabelOf(curator, id))))));
            market.UseLabelFile(curator, Keccak.Hash(await File.ReadAllBytesAsync(path)), new Uri(path).AbsoluteUri);
            await market.CommitAsync(curator, 20 * Token);
        }

        await anvil.IncreaseTimeAsync(3_600);
        foreach (var curator in Curators.Keys)
        {
            await market.RevealAsync(curator);
        }

        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        var settled = market.BuildReport(Curators.Select(c => new CuratorOutcome(AnvilFixture.DevAddress(c.Key), 20 * Token, c.Value.ScoreBps, c.Value.ValueMicro)));
        var scores = ScoresFile.ToBytes(settled.Table.Curators.Select(p => new ScoreLine(p.Account, true, null,
            Curators.Single(c => AnvilFixture.DevAddress(c.Key) == p.Account).Value.Items.Length, p.Value, p.ScoreBps, p.Stake, p.Slash, p.Reward, p.Payout)));
        settled.Report.ScoresHash = Keccak.Hash(scores).ToArray();
        await market.AttestAsync(settled, 1, 2);
        await PublishedReports.PublishAsync(Path.Combine(_dir, "reports"), market.Id, settled, scores);
        using var served = await PublishedReports.ServeAsync(Path.Combine(_dir, "reports"));
        var outDir = Path.Combine(_dir, "out");
        string[] Export(string folder, params string[] more) => ["dataset", "export", "--rpc", anvil.RpcUrl, "--market", d.MarketAddress, "--market-id", market.Id.ToString(CultureInfo.InvariantCulture),
            "--reports", served.Url, "--out", folder, "--start-block", d.StartBlock.ToString(CultureInfo.InvariantCulture), .. more];

        var early = await InProcessFmp.RunAsync(Export(outDir));
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("is in phase challenge: the dataset can be exported once the challenge window ends", early.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));

        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await anvil.MineAsync();
        var exported = await CliProcess.RunAsync(CliProcess.Fmp, Export(outDir, "--parquet"), TimeSpan.FromMinutes(1));
        Assert.True(exported.ExitCode == 0, exported.Output);

        // Labels: one row per revealed label, its texts oriented by the label, its weight the curator's value per label over the best.
        var perLabel = Curators.ToDictionary(c => Address(c.Key), c => Math.Max(0, (double)c.Value.ValueMicro / c.Value.Items.Length));
        var weight = perLabel.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value / perLabel.Values.Max(), 9));
        var labels = await ReadJsonLinesAsync<LabelRow>(Path.Combine(outDir, "labels.jsonl"));
        Assert.Equal(Curators.Values.Sum(c => c.Items.Length), labels.Count);
        foreach (var (curator, plan) in Curators)
        {
            foreach (var id in plan.Items)
            {
                var row = Assert.Single(labels, l => l.Comparison == id && l.Curator == Address(curator));
                var task = tasks.Single(t => t.Id == id);
                var pref = LabelOf(curator, id);
                Assert.Equal((pref == Preference.A ? task.A : task.B, pref == Preference.A ? task.B : task.A, task.Prompt), (row.Chosen, row.Rejected, row.Prompt));
                Assert.Equal((plan.ValueMicro, plan.ScoreBps, weight[Address(curator)]), (row.Value, row.ScoreBps, row.Weight));
            }
        }

        Assert.Equal(1.0, labels.First(l => l.Curator == Address(4)).Weight);
        Assert.All(labels.Where(l => l.Curator == Address(7)), l => Assert.Equal(0.0, l.Weight));
        Assert.True(labels.First(l => l.Curator == Address(6)).Weight is > 0 and < 0.5);

        // Aggregate: t3's plain majority (5 and 6) is against curator 4, but 4's weight outweighs theirs; t7 (only 7) is left out.
        var aggregate = await ReadJsonLinesAsync<AggregateRow>(Path.Combine(outDir, "aggregate.jsonl"));
        Assert.Equal(["t1", "t2", "t3", "t4", "t5", "t6"], aggregate.Select(a => a.Comparison));
        foreach (var row in aggregate)
        {
            var voters = Curators.Where(c => c.Value.Items.Contains(row.Comparison)).Select(c => c.Key).ToList();
            var forA = voters.Where(c => LabelOf(c, row.Comparison) == Preference.A).Sum(c => weight[Address(c)]);
            var forB = voters.Where(c => LabelOf(c, row.Comparison) == Preference.B).Sum(c => weight[Address(c)]);
            var task = tasks.Single(t => t.Id == row.Comparison);
            Assert.Equal(forA > forB ? task.A : task.B, row.Chosen);
            Assert.Equal(Math.Round(Math.Abs(forA - forB), 9), row.Weight, 9);
            Assert.Equal(voters.Count, row.Votes);
            Assert.Equal(voters.Select(Address).Order(StringComparer.Ordinal), row.Curators);
        }

        var t3 = aggregate.Single(a => a.Comparison == "t3");
        Assert.Equal(Good("t3") == Preference.A ? "a" : "b", t3.Pref);
        Assert.Equal(1, t3.Agreeing);
        Assert.Equal(3, t3.Votes);
        Assert.Contains("left out 1 whose curators all have weight 0", exported.Output, StringComparison.Ordinal);

        // OpenAI's preference form holds the aggregate's rows: the prompt as the user's message, chosen preferred.
        var openAi = (await File.ReadAllLinesAsync(Path.Combine(outDir, "aggregate.openai.jsonl"))).Select(l => JsonSerializer.Deserialize<OpenAiPreferenceRow>(l)!).ToList();
        Assert.Equal(aggregate.Select(a => (a.Prompt, a.Chosen, a.Rejected)),
            openAi.Select(o => (Assert.Single(o.Input.Messages).Content, Assert.Single(o.PreferredOutput).Content, Assert.Single(o.NonPreferredOutput).Content)));

        // The Parquet files hold the same rows under the same column names.
        Assert.Equal(JsonSerializer.Serialize(labels), JsonSerializer.Serialize(await ReadParquetAsync<LabelRow>(Path.Combine(outDir, "labels.parquet"))));
        Assert.Equal(JsonSerializer.Serialize(aggregate), JsonSerializer.Serialize(await ReadParquetAsync<AggregateRow>(Path.Combine(outDir, "aggregate.parquet"))));
        // The columns docs/formats.md documents, in its order.
        Assert.Equal(["comparison", "prompt", "chosen", "rejected", "pref", "curator", "scoreBps", "value", "weight", "labelValue"], JsonKeys(Path.Combine(outDir, "labels.jsonl")));
        Assert.All(labels, l => Assert.Null(l.LabelValue)); // the oracle published no labels.jsonl (as for v1)
        Assert.Equal(["comparison", "prompt", "chosen", "rejected", "pref", "weight", "agreement", "votes", "agreeing", "curators"], JsonKeys(Path.Combine(outDir, "aggregate.jsonl")));
        Assert.Equal(JsonKeys(Path.Combine(outDir, "labels.jsonl")), await ParquetColumnsAsync(Path.Combine(outDir, "labels.parquet")));
        Assert.Equal(JsonKeys(Path.Combine(outDir, "aggregate.jsonl")), await ParquetColumnsAsync(Path.Combine(outDir, "aggregate.parquet")));

        // With the oracle's labels.jsonl beside the scores, each row carries its label's own value.
        long Share(int curator, int index) => (Curators[curator].ValueMicro / Curators[curator].Items.Length) + (index == 0 ? Curators[curator].ValueMicro % Curators[curator].Items.Length : 0);
        var labelValues = Curators.OrderBy(c => Address(c.Key), StringComparer.Ordinal)
            .SelectMany(c => c.Value.Items.Select((id, i) => new LabelValueLine(Address(c.Key), id, LabelOf(c.Key, id), Share(c.Key, i)))).ToList();
        var published = Path.Combine(_dir, "reports", "reports", market.Id.ToString(CultureInfo.InvariantCulture), "0", "labels.jsonl");
        await File.WriteAllBytesAsync(published, LabelValuesFile.ToBytes(labelValues));
        var valuedOut = Path.Combine(_dir, "valued");
        var valued = await InProcessFmp.RunAsync(Export(valuedOut));
        Assert.True(valued.ExitCode == 0, valued.Output);
        var valuedLabels = await ReadJsonLinesAsync<LabelRow>(Path.Combine(valuedOut, "labels.jsonl"));
        Assert.All(valuedLabels, l => Assert.Equal(labelValues.Single(v => v.Account == l.Curator && v.Id == l.Comparison).Value, l.LabelValue));

        // One that does not add up to the accepted scores is refused: no hash covers it, the scores do.
        await File.WriteAllBytesAsync(published, LabelValuesFile.ToBytes(labelValues.Select((l, i) => i == 0 ? l with { Value = l.Value + 1 } : l)));
        var mismatch = await InProcessFmp.RunAsync(Export(Path.Combine(_dir, "mismatch")));
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("but the accepted scores.jsonl gives it", mismatch.Output, StringComparison.Ordinal);
        File.Delete(published);

        // A label file changed after its commitment: refused, the curator and URI named, nothing written.
        await File.AppendAllTextAsync(LabelFile(6), "{\"id\":\"t7\",\"pref\":\"a\"}\n");
        var tamperedOut = Path.Combine(_dir, "tampered");
        var refused = await InProcessFmp.RunAsync(Export(tamperedOut, "--parquet"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"the label file of curator {Address(6)} at {new Uri(LabelFile(6)).AbsoluteUri} has keccak256", refused.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tamperedOut));
        Assert.Empty(Directory.GetDirectories(_dir, ".tampered*"));
    }

    [Fact]
    public async Task An_unfinished_market_is_refused_with_when_it_will_be_possible()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token));
        await market.CommitAsync(4, 10 * Token);
        var outDir = Path.Combine(_dir, "open");
        var open = await InProcessFmp.RunAsync(["dataset", "export", "--rpc", anvil.RpcUrl, "--market", d.MarketAddress,
            "--market-id", market.Id.ToString(CultureInfo.InvariantCulture), "--reports", "http://127.0.0.1:9", "--out", outDir]);
        Assert.Equal(1, open.ExitCode);
        Assert.Contains("is in phase open: the dataset can be exported once the market is finalized", open.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
        var missing = await InProcessFmp.RunAsync(["dataset", "export", "--rpc", anvil.RpcUrl, "--market", d.MarketAddress]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--out is required", missing.Output, StringComparison.Ordinal);
    }

    private string LabelFile(int curator) => Path.Combine(_dir, $"labels-{curator}.jsonl");

    private static string Address(int curator) => AnvilFixture.DevAddress(curator).ToLowerInvariant();

    private static async Task<List<T>> ReadJsonLinesAsync<T>(string path) =>
        [.. (await File.ReadAllLinesAsync(path)).Select(l => JsonSerializer.Deserialize<T>(l)!)];

    private static async Task<List<T>> ReadParquetAsync<T>(string path)
        where T : class, new()
    {
        await using var stream = File.OpenRead(path);
        return [.. (await ParquetSerializer.DeserializeAsync<T>(stream)).Data];
    }

    private static List<string> JsonKeys(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadLines(path).First());
        return [.. doc.RootElement.EnumerateObject().Select(p => p.Name)];
    }

    private static async Task<List<string>> ParquetColumnsAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        return [.. reader.Schema.Fields.Select(f => f.Name)];
    }
}
