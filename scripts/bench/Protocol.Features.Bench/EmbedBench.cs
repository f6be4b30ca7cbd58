using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Protocol.Core.Hashing;
using Protocol.Embeddings;

namespace Protocol.Features.Bench;

/// <summary>
/// features.sh --embed-only: how fast `fmp features embed` turns a pool into a features file, before (the embedding loop
/// as it was until issue 26: chunks of 2,048 comparisons, groups of 256 new texts, batches of 32 in order, ONNX Runtime's
/// intra-op threads) and after (<see cref="ComparisonFeatures"/> today: every distinct text once, length-bucketed batches,
/// parallel batches), on 1 … N threads, with the bytes of both files compared; then the int8 variant of the model
/// (<see cref="PackagedModel.MiniLmInt8"/>) on the new loop, with its vectors' cosine to fp32's. Model loading is not timed.
/// </summary>
internal static class EmbedBench
{
    /// <summary>all-MiniLM-L6-v2's parameters (22.7 M, embeddings included): the usual 2 × params FLOP per token overstates its work.</summary>
    private const double Params = 22.7e6;

    /// <summary>The encoder's matrix weights (6 layers × (4 × 384² + 2 × 384 × 1,536)): 2 FLOP each per token is the model's work.</summary>
    private const double MatrixParams = 6 * ((4 * 384.0 * 384) + (2 * 384.0 * 1536));

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string dataDir, int[] threads, bool legacy, MiniLmOptions? overrides, string pools, TextWriter output)
    {
        var ukp = UkpConvArg1.Load(Path.Combine(dataDir, "ukpconvarg1"));
        var hh = Datasets.HhRlhf(Path.Combine(dataDir, "hh-rlhf", "hh-rlhf-harmless-test.jsonl"));
        var selected = new List<(string Name, List<ComparisonText> Texts)>();
        if (pools.Contains("ukp", StringComparison.Ordinal))
        {
            selected.Add(("UKPConvArg1 pool", [.. Crowd.Items(ukp).Select(t => new ComparisonText(t.Prompt, t.A, t.B))]));
        }

        if (pools.Contains("hh", StringComparison.Ordinal))
        {
            selected.Add(("HH-RLHF responses", [.. hh.Comparisons.Select(c => new ComparisonText(c.Prompt, c.A, c.B))]));
        }

        var tokenizer = MiniLmEmbedder.LoadTokenizer();
        var peak = new Dictionary<int, double>();
        foreach (var t in threads.Distinct())
        {
            peak[t] = PeakGflops(t);
        }

        output.WriteLine(string.Create(Ci, $"embedding benchmark: {Environment.ProcessorCount} logical CPUs, load average {LoadAverage()}; fp32 FMA peak measured {string.Join(", ", peak.Select(p => $"{p.Value:F0} GFLOP per CPU-second with {p.Key} thread(s)"))} ({(Vector512.IsHardwareAccelerated ? "512" : "256")}-bit vectors)"));
        output.WriteLine(string.Create(Ci, $"bound: peak / (2 x {MatrixParams / 1e6:F1} M matrix weights) = {peak.Values.Max() * 1e9 / (2 * MatrixParams):F0} tokens per CPU-second (attention's own work not counted). 2 x all {Params / 1e6:F1} M params gives a bound {Params / MatrixParams:F1}x lower, which the model beats: its {(Params - MatrixParams) / 1e6:F1} M embedding weights are looked up, not multiplied"));
        output.WriteLine("CPU s: the process's CPU time; on a shared machine wall time is longer, and texts/s, tokens/s are per wall second");
        output.WriteLine("| pool | comparisons | distinct texts | tokens | threads | path | wall s | CPU s | texts/s | tokens/s | tokens per CPU s | % of bound | bytes |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        var allSame = true;
        foreach (var (name, texts) in selected)
        {
            var distinct = texts.SelectMany(c => new[] { c.A, c.B }).Distinct(StringComparer.Ordinal).ToList();
            long tokens = distinct.Sum(t => (long)tokenizer.Encode(t, 256).Length);
            foreach (var t in threads)
            {
                // Tokens per CPU-second; the best peak measured is the core's, a lower one saw other tenants in its caches.
                var bound = peak.Values.Max() * 1e9 / (2 * MatrixParams);
                byte[]? before = null;
                if (legacy)
                {
                    using var old = MiniLmEmbedder.Load(new MiniLmOptions { IntraOpThreads = t, BatchSize = 32, BatchTokens = int.MaxValue, ParallelBatches = 1 });
                    var (bytes, seconds, cpu) = await TimedAsync(old, texts, LegacyRows).ConfigureAwait(false);
                    before = bytes;
                    output.WriteLine(Line(name, texts.Count, distinct.Count, tokens, t, "before", seconds, cpu, bound, "-"));
                }

                using var embedder = MiniLmEmbedder.Load(overrides ?? MiniLmOptions.ForThreads(t));
                var (after, afterSeconds, afterCpu) = await TimedAsync(embedder, texts, (e, items) => ComparisonFeatures.Rows(e, items, EmbeddedText.Response)).ConfigureAwait(false);
                var same = before is null ? "sha256 " + Convert.ToHexStringLower(SHA256.HashData(after))[..12] : before.AsSpan().SequenceEqual(after) ? "same as before" : "DIFFER";
                allSame &= before is null || before.AsSpan().SequenceEqual(after);
                output.WriteLine(Line(name, texts.Count, distinct.Count, tokens, t, "after", afterSeconds, afterCpu, bound, same));

                // The int8 variant (--model minilm-int8): other vectors, so its rows are compared by cosine, not bytes.
                using var int8 = MiniLmEmbedder.Load(overrides ?? MiniLmOptions.ForThreads(t), PackagedModel.MiniLmInt8);
                var (_, int8Seconds, int8Cpu) = await TimedAsync(int8, texts, (e, items) => ComparisonFeatures.Rows(e, items, EmbeddedText.Response)).ConfigureAwait(false);
                var agreement = t == threads[0] ? Agreement(embedder, int8, distinct) : "";
                output.WriteLine(Line(name, texts.Count, distinct.Count, tokens, t, "int8", int8Seconds, int8Cpu, bound, agreement));
            }
        }

        output.WriteLine(allSame ? "every features file is byte for byte the one the old loop writes" : "FEATURES FILES DIFFER");
        return allSame ? 0 : 1;
    }

    /// <summary>Cosine of each distinct text's int8 vector to its fp32 vector: median, 1st percentile and minimum.</summary>
    private static string Agreement(MiniLmEmbedder fp32, MiniLmEmbedder int8, List<string> distinct)
    {
        var (a, b) = (fp32.Embed(distinct), int8.Embed(distinct));
        var cosines = a.Zip(b, (x, y) => x.Zip(y, (p, q) => (double)p * q).Sum()).Order().ToArray();
        return string.Create(Ci, $"cosine to fp32: median {cosines[cosines.Length / 2]:F4}, 1st pct {cosines[cosines.Length / 100]:F4}, min {cosines[0]:F4}");
    }

    private static string Line(string name, int comparisons, int distinct, long tokens, int threads, string path, double seconds, double cpu, double bound, string bytes) =>
        string.Create(Ci, $"| {name} | {comparisons:N0} | {distinct:N0} | {tokens:N0} | {threads} | {path} | {seconds:F1} | {cpu:F1} | {distinct / seconds:F0} | {tokens / seconds:F0} | {tokens / cpu:F0} | {100 * tokens / cpu / bound:F0}% | {bytes} |");

    private static async Task<(byte[] Bytes, double Seconds, double CpuSeconds)> TimedAsync(MiniLmEmbedder embedder, List<ComparisonText> texts, Func<MiniLmEmbedder, IReadOnlyList<ComparisonText>, IEnumerable<short[]>> rows)
    {
        var header = new FeaturesHeader("tasks", texts.Count, embedder.Info.Dim, ComparisonFeatures.ScaleBits, default(Bytes32), embedder.Info.Name, ComparisonFeatures.Settings(embedder.Info, EmbeddedText.Response));
        using var stream = new MemoryStream();
        var cpu = CpuSeconds();
        var clock = Stopwatch.StartNew();
        await FeaturesFile.WriteAsync(stream, header, rows(embedder, texts)).ConfigureAwait(false);
        return (stream.ToArray(), clock.Elapsed.TotalSeconds, CpuSeconds() - cpu);
    }

    /// <summary>ComparisonFeatures.Rows as it was before issue 26, kept to measure against and to compare bytes with.</summary>
    private static IEnumerable<short[]> LegacyRows(MiniLmEmbedder embedder, IReadOnlyList<ComparisonText> items)
    {
        const EmbeddedText mode = EmbeddedText.Response;
        var cache = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var start = 0; start < items.Count; start += 2048)
        {
            var chunk = items.Skip(start).Take(2048).ToList();
            var local = new Dictionary<string, float[]>(StringComparer.Ordinal);
            var wanted = chunk.SelectMany(c => new[] { ComparisonFeatures.Text(c, true, mode), ComparisonFeatures.Text(c, false, mode) }).Where(t => !cache.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
            for (var k = 0; k < wanted.Count; k += 256)
            {
                var batch = wanted.GetRange(k, Math.Min(256, wanted.Count - k));
                var vectors = embedder.Embed(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    local[batch[i]] = vectors[i];
                    if (cache.Count < 50_000)
                    {
                        cache[batch[i]] = vectors[i];
                    }
                }
            }

            float[] Vector(string t) => cache.TryGetValue(t, out var v) ? v : local[t];
            foreach (var c in chunk)
            {
                yield return ComparisonFeatures.Row(Vector(ComparisonFeatures.Text(c, true, mode)), Vector(ComparisonFeatures.Text(c, false, mode)));
            }
        }
    }

    /// <summary>
    /// fp32 FLOP per CPU-second (per core busy) with <paramref name="threads"/> threads at once: independent FMA chains on
    /// the widest vectors the CPU runs, the most any fp32 model can get from a core (best of three half-second runs).
    /// Divided by CPU time, not wall time, so that other work on a shared machine does not lower it.
    /// </summary>
    private static double PeakGflops(int threads)
    {
        const int Burst = 100_000, Chains = 10;
        var best = 0.0;
        for (var run = 0; run < 3; run++)
        {
            var flops = new double[threads];
            var cpu = CpuSeconds();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
            {
                flops[k] = Vector512.IsHardwareAccelerated ? Fma512(TimeSpan.FromSeconds(0.5)) : Fma256(TimeSpan.FromSeconds(0.5));
            });
            best = Math.Max(best, flops.Sum() / (CpuSeconds() - cpu) / 1e9);
        }

        return best;

        static double Fma512(TimeSpan duration)
        {
            var sink = Vector512<float>.Zero;
            long bursts = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                sink += Burst512(Vector512.Create(1e-7f));
                bursts++;
            }

            GC.KeepAlive(Vector512.Sum(sink));
            return bursts * Burst * Chains * 2.0 * Vector512<float>.Count;
        }

        // No call inside, so the ten accumulators stay in registers: independent chains, the FMA pipes never wait.
        [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
        static Vector512<float> Burst512(Vector512<float> y)
        {
            var x = Vector512.Create(0.999999f);
            Vector512<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y;
            for (var i = 0; i < Burst; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, x, y);
                a1 = Vector512.FusedMultiplyAdd(a1, x, y);
                a2 = Vector512.FusedMultiplyAdd(a2, x, y);
                a3 = Vector512.FusedMultiplyAdd(a3, x, y);
                a4 = Vector512.FusedMultiplyAdd(a4, x, y);
                a5 = Vector512.FusedMultiplyAdd(a5, x, y);
                a6 = Vector512.FusedMultiplyAdd(a6, x, y);
                a7 = Vector512.FusedMultiplyAdd(a7, x, y);
                a8 = Vector512.FusedMultiplyAdd(a8, x, y);
                a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            }

            return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
        }

        static double Fma256(TimeSpan duration)
        {
            var sink = Vector256<float>.Zero;
            long bursts = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                sink += Burst256(Vector256.Create(1e-7f));
                bursts++;
            }

            GC.KeepAlive(Vector256.Sum(sink));
            return bursts * Burst * Chains * 2.0 * Vector256<float>.Count;
        }

        // No call inside, so the ten accumulators stay in registers: independent chains, the FMA pipes never wait.
        [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
        static Vector256<float> Burst256(Vector256<float> y)
        {
            var x = Vector256.Create(0.999999f);
            Vector256<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y;
            for (var i = 0; i < Burst; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, x, y);
                a1 = Vector256.FusedMultiplyAdd(a1, x, y);
                a2 = Vector256.FusedMultiplyAdd(a2, x, y);
                a3 = Vector256.FusedMultiplyAdd(a3, x, y);
                a4 = Vector256.FusedMultiplyAdd(a4, x, y);
                a5 = Vector256.FusedMultiplyAdd(a5, x, y);
                a6 = Vector256.FusedMultiplyAdd(a6, x, y);
                a7 = Vector256.FusedMultiplyAdd(a7, x, y);
                a8 = Vector256.FusedMultiplyAdd(a8, x, y);
                a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            }

            return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
        }
    }

    private static double CpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
