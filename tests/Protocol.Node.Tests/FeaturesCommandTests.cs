using System.Buffers.Binary;
using System.Text;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary><c>fmp features embed | import | verify</c> as a sponsor and an auditor run them, then <c>fmp evaluate</c> on the result.</summary>
[Trait("tier", "slow")]
public sealed class FeaturesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-features-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<(int Exit, string Output)> Fmp(params string[] args) => CliProcess.RunAsync(CliProcess.Fmp, args, TimeSpan.FromMinutes(3), workingDirectory: _dir);

    private async Task<(CrowdMarket Crowd, List<TaskItem> Tasks, List<GoldItem> Gold)> WriteTasksAndGoldAsync()
    {
        var crowd = new CrowdMarket(_dir);
        var (tasks, gold) = crowd.LoadCrowdData();
        await crowd.WriteAsync("tasks.jsonl", tasks.Select(ProtocolFiles.ToLine));
        await crowd.WriteAsync("gold.jsonl", gold.Select(ProtocolFiles.ToLine));
        return (crowd, tasks, gold);
    }

    /// <summary>In this test process (<see cref="InProcessFmp"/>), paths absolute: the process test above covers the executable.</summary>
    private Task<(int Exit, string Output)> FmpHere(params string[] args) =>
        InProcessFmp.RunAsync(args.Select(a => a.EndsWith(".jsonl", StringComparison.Ordinal) || a.EndsWith(".features", StringComparison.Ordinal) || a is "duo" or "minilm" or "out" ? Path.Combine(_dir, a) : a), TimeSpan.FromMinutes(3));

    [Fact]
    public async Task Both_packaged_models_side_by_side_are_embedded_verified_and_required_by_the_duo_spec()
    {
        var (crowd, tasks, _) = await WriteTasksAndGoldAsync();
        var (exit, output) = await FmpHere("features", "embed", "--model", "minilm+arctic-xs", "--tasks", "tasks.jsonl", "--gold", "gold.jsonl", "--out", "duo");
        Assert.True(exit == 0, output);
        var header = FeaturesReader.Open(Path.Combine(_dir, "duo", "tasks.features")).Header;
        Assert.Equal((80, 768, "all-MiniLM-L6-v2+snowflake-arctic-embed-xs", "mean+cls"), (header.Rows, header.Dim, header.Model, header.Settings["pooling"]));

        (exit, output) = await FmpHere("features", "verify", "--gold", "gold.jsonl", "--features", "duo/gold.features", "--sample", "4");
        Assert.True(exit == 0, output);
        Assert.Contains("4 rows recomputed with all-MiniLM-L6-v2+snowflake-arctic-embed-xs: largest deviation 0 (0 quanta)", output, StringComparison.Ordinal);

        // The duo spec names its embedder: MiniLM's features alone are refused, by name.
        (exit, output) = await FmpHere("features", "embed", "--tasks", "tasks.jsonl", "--gold", "gold.jsonl", "--out", "minilm");
        Assert.True(exit == 0, output);
        await crowd.WriteAsync("good.jsonl", tasks.Take(20).Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));
        await File.WriteAllLinesAsync(Path.Combine(_dir, "manifest.jsonl"), [$$"""{"address":"0x1111111111111111111111111111111111111111","stake":"50000000000000000000","labels":"{{Path.Combine(_dir, "good.jsonl")}}"}"""]);
        (exit, output) = await FmpHere("evaluate", "--spec", "bt-inrun-v3-features-duo", "--tasks", "tasks.jsonl", "--gold", "gold.jsonl", "--manifest", "manifest.jsonl",
            "--task-features", "minilm/tasks.features", "--gold-features", "minilm/gold.features", "--out", "out");
        Assert.NotEqual(0, exit);
        Assert.Contains("the spec requires features made by all-MiniLM-L6-v2+snowflake-arctic-embed-xs", output, StringComparison.Ordinal);

        (exit, output) = await FmpHere("features", "embed", "--model", "arctic", "--tasks", "tasks.jsonl", "--out", "x");
        Assert.Equal(2, exit); // a usage mistake, as every command's
        Assert.Contains("--model arctic: the packaged models are minilm, arctic-xs, minilm+arctic-xs, minilm-int8, arctic-xs-int8", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_prints_the_commitment_verify_audits_it_and_evaluate_runs_on_it()
    {
        var (crowd, tasks, _) = await WriteTasksAndGoldAsync();
        var (exit, output) = await Fmp("features", "embed", "--tasks", "tasks.jsonl", "--gold", "gold.jsonl", "--out", "features");
        Assert.True(exit == 0, output);
        var tasksFeatures = Path.Combine(_dir, "features", "tasks.features");
        var bundle = FeatureBinding.BundleHash(Keccak.Hash(await File.ReadAllBytesAsync(Path.Combine(_dir, "tasks.jsonl"))), Keccak.Hash(await File.ReadAllBytesAsync(tasksFeatures)));
        Assert.Contains(bundle.ToString(), output, StringComparison.Ordinal); // what the sponsor commits to as taskPoolHash
        Assert.Contains("texts/s", output, StringComparison.Ordinal);
        var header = FeaturesReader.Open(tasksFeatures).Header;
        Assert.Equal(("tasks", 80, 384, "all-MiniLM-L6-v2", "response"), (header.Kind, header.Rows, header.Dim, header.Model, header.Settings["text"]));
        Assert.False(File.Exists(tasksFeatures + ".partial"));

        (exit, output) = await Fmp("features", "verify", "--tasks", "tasks.jsonl", "--features", "features/tasks.features", "--sample", "6");
        Assert.True(exit == 0, output);
        Assert.Contains("6 rows recomputed with all-MiniLM-L6-v2: largest deviation 0 (0 quanta)", output, StringComparison.Ordinal);

        // Evaluate on the committed features: a majority labeller earns, the opposite loses.
        await crowd.WriteAsync("good.jsonl", tasks.Take(60).Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));
        await crowd.WriteAsync("flipped.jsonl", tasks.Take(60).Select(t => ProtocolFiles.ToLine(new Label(t.Id, CrowdMarket.Flip(crowd.Majority(t.Id))))));
        await File.WriteAllLinesAsync(Path.Combine(_dir, "manifest.jsonl"),
        [
            """{"address":"0x1111111111111111111111111111111111111111","stake":"50000000000000000000","labels":"good.jsonl"}""",
            """{"address":"0x3333333333333333333333333333333333333333","stake":"50000000000000000000","labels":"flipped.jsonl"}""",
        ]);
        (exit, output) = await Fmp("evaluate", "--spec", "bt-inrun-v2-features-open", "--tasks", "tasks.jsonl", "--gold", "gold.jsonl", "--manifest", "manifest.jsonl",
            "--task-features", "features/tasks.features", "--gold-features", "features/gold.features", "--out", "out");
        Assert.True(exit == 0, output);
        var scores = await ScoresFile.ReadAsync(File.OpenRead(Path.Combine(_dir, "out", "scores.jsonl")), "scores").ToListAsync();
        Assert.True(scores.Single(s => s.Account.StartsWith("0x1111", StringComparison.Ordinal)).Value > 0, output);
        Assert.True(scores.Single(s => s.Account.StartsWith("0x3333", StringComparison.Ordinal)).Value < 0, output);

        // Missing features for a committed spec, and features of the wrong file, are named.
        (exit, output) = await Fmp("evaluate", "--spec", "bt-inrun-v2-features-open", "--tasks", "tasks.jsonl", "--gold", "gold.jsonl", "--manifest", "manifest.jsonl");
        Assert.Equal(2, exit);
        Assert.Contains("give --task-features FILE and --gold-features FILE", output, StringComparison.Ordinal);
        (exit, output) = await Fmp("features", "verify", "--gold", "gold.jsonl", "--features", "features/tasks.features");
        Assert.Equal(1, exit);
        Assert.Contains("kind \"tasks\", expected \"gold\"", output, StringComparison.Ordinal);

        // A tampered row: verify finds it and exits 1.
        var bytes = await File.ReadAllBytesAsync(tasksFeatures);
        var firstRow = bytes.Length - (80 * 384 * 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(firstRow), (short)(BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(firstRow)) + 40));
        await File.WriteAllBytesAsync(tasksFeatures, bytes);
        (exit, output) = await Fmp("features", "verify", "--tasks", "tasks.jsonl", "--features", "features/tasks.features", "--sample", "3");
        Assert.Equal(1, exit);
        Assert.Contains("(40 quanta, row 0)", output, StringComparison.Ordinal);
        Assert.Contains("these are not the named model's features", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_reads_a_labs_npy_in_its_own_row_order_and_refuses_what_does_not_fit()
    {
        var (_, tasks, _) = await WriteTasksAndGoldAsync();
        const int dim = 4;
        // The lab's array holds the comparisons in reverse order: (N, 2, D) float32, [f(a), f(b)] per row.
        var reversed = tasks.AsEnumerable().Reverse().ToList();
        float[] Embedding(int i, int side) => [.. Enumerable.Range(0, dim).Select(j => (float)(((i * 7) + (j * 3) + side) % 11 - 5))];
        var values = reversed.SelectMany((t, k) => Embedding(tasks.IndexOf(t), 0).Concat(Embedding(tasks.IndexOf(t), 1))).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(_dir, "lab.npy"), Npy(values, [tasks.Count, 2, dim]));
        await File.WriteAllLinesAsync(Path.Combine(_dir, "ids.txt"), reversed.Select(t => t.Id));

        var (exit, output) = await Fmp("features", "import", "--tasks", "tasks.jsonl", "--npy", "lab.npy", "--ids", "ids.txt", "--model", "lab-rm-7b", "--note", "last layer, mean", "--out", "lab.features");
        Assert.True(exit == 0, output);
        Assert.Contains("taskPoolHash", output, StringComparison.Ordinal);
        var reader = FeaturesReader.Open(Path.Combine(_dir, "lab.features"));
        Assert.Equal(("lab-rm-7b", "last layer, mean", 80, dim), (reader.Header.Model, reader.Header.Settings["note"], reader.Header.Rows, reader.Header.Dim));
        // Row 0 is task 0 whatever the array's order: f(a)/|f(a)| − f(b)/|f(b)|, quantised at 2^−14.
        var (a, b) = (Embedding(0, 0), Embedding(0, 1));
        double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
        var expected = Enumerable.Range(0, dim).Select(j => FeaturesFile.Quantise((a[j] / Norm(a)) - (b[j] / Norm(b)), 14)).ToArray();
        Assert.Equal(expected, reader.ReadRows([0]));

        await File.WriteAllLinesAsync(Path.Combine(_dir, "bad-ids.txt"), reversed.Select(t => t.Id).Skip(1).Prepend("no-such-id"));
        (exit, output) = await Fmp("features", "import", "--tasks", "tasks.jsonl", "--npy", "lab.npy", "--ids", "bad-ids.txt", "--model", "m", "--out", "bad.features");
        Assert.Equal(2, exit);
        Assert.Contains("ids:1: unknown id 'no-such-id'", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "bad.features")));

        values[5] = float.NaN;
        await File.WriteAllBytesAsync(Path.Combine(_dir, "nan.npy"), Npy(values, [tasks.Count, 2, dim]));
        (exit, output) = await Fmp("features", "import", "--tasks", "tasks.jsonl", "--npy", "nan.npy", "--ids", "ids.txt", "--model", "m", "--out", "nan.features");
        Assert.Equal(2, exit);
        Assert.Contains("must be finite numbers", output, StringComparison.Ordinal);

        (exit, output) = await Fmp("features", "import", "--gold", "gold.jsonl", "--npy", "lab.npy", "--model", "m", "--out", "x.features");
        Assert.Equal(2, exit);
        Assert.Contains("80 rows, the gold file has 40 lines (give --ids when the array is in another order)", output, StringComparison.Ordinal);
        (exit, output) = await Fmp("features", "import", "--tasks", "tasks.jsonl", "--npy", "lab.npy", "--out", "x.features");
        Assert.Equal(2, exit);
        Assert.Contains("--model NAME is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_reads_the_named_tensor_of_a_safetensors_file_for_the_gold_set()
    {
        var (_, _, gold) = await WriteTasksAndGoldAsync();
        const int dim = 3;
        var values = Enumerable.Range(0, gold.Count * 2 * dim).Select(i => (float)((i % 7) - 3) / 4).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(_dir, "gold.safetensors"), Safetensors(("embeddings", values, [gold.Count, 2, dim]), ("other", [1f], [1])));

        var (exit, output) = await Fmp("features", "import", "--gold", "gold.jsonl", "--safetensors", "gold.safetensors", "--model", "lab-rm", "--out", "gold.features");
        Assert.Equal(2, exit);
        Assert.Contains("--tensor", output, StringComparison.Ordinal); // two tensors: the error says how to choose
        (exit, output) = await Fmp("features", "import", "--gold", "gold.jsonl", "--safetensors", "gold.safetensors", "--tensor", "embeddings", "--no-normalise", "--model", "lab-rm", "--out", "gold.features");
        Assert.True(exit == 0, output);
        Assert.Contains("goldHash (inside the gold commitment)", output, StringComparison.Ordinal);
        var reader = FeaturesReader.Open(Path.Combine(_dir, "gold.features"));
        Assert.Equal(("gold", 40, dim, "none"), (reader.Header.Kind, reader.Header.Rows, reader.Header.Dim, reader.Header.Settings["normalisation"]));
        var row = reader.ReadRows([1]);
        Assert.Equal(Enumerable.Range(0, dim).Select(j => FeaturesFile.Quantise(values[(2 * dim) + j] - values[(3 * dim) + j], 14)), row);
    }

    /// <summary>A safetensors file of float32 tensors, written by the format's rules (header length, JSON, contiguous data).</summary>
    private static byte[] Safetensors(params (string Name, float[] Values, int[] Shape)[] tensors)
    {
        var offset = 0L;
        var entries = new List<string>();
        foreach (var (name, v, shape) in tensors)
        {
            entries.Add($"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + (v.Length * 4)}]}}");
            offset += v.Length * 4;
        }

        var header = Encoding.UTF8.GetBytes("{" + string.Join(",", entries) + "}");
        var bytes = new byte[8 + header.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        var at = 8 + header.Length;
        foreach (var v in tensors.SelectMany(t => t.Values))
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), v);
            at += 4;
        }

        return bytes;
    }

    /// <summary>A little-endian float32 .npy (format 1.0), written by NEP 1's rules.</summary>
    private static byte[] Npy(float[] values, int[] shape)
    {
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}), }}";
        var headerLength = dict.Length + 1;
        var padding = (64 - ((10 + headerLength) % 64)) % 64;
        var header = Encoding.ASCII.GetBytes(dict + new string(' ', padding) + "\n");
        var bytes = new byte[10 + header.Length + (values.Length * 4)];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        header.CopyTo(bytes, 10);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(10 + header.Length + (i * 4)), values[i]);
        }

        return bytes;
    }
}
