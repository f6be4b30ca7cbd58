using Nethereum.Util;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Tests;

public sealed class SpecDocumentTests
{
    [Fact]
    public void Spec_file_parses_and_its_hash_is_keccak_of_the_file_bytes()
    {
        var bytes = File.ReadAllBytes(RepositoryFiles.SpecPath);
        var spec = EvaluationSpec.Parse(bytes);
        var expected = "0x" + Convert.ToHexStringLower(new Sha3Keccack().CalculateHash(bytes));
        Assert.Equal(expected, spec.Hash);
        Assert.Equal("bt-shapley-v1", spec.Name);
        Assert.Equal(AttributionMethod.Tmc, spec.Method);
        Assert.Equal(64, spec.Permutations);
    }

    [Fact]
    public void Shipped_specs_are_the_repository_documents_byte_for_byte_and_v1_is_unchanged()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "specs"), "*.json").OrderBy(Path.GetFileNameWithoutExtension, StringComparer.Ordinal).ToList();
        Assert.Equal(files.Select(f => Path.GetFileNameWithoutExtension(f)), EvaluationSpecs.Shipped.Select(s => s.Name));
        foreach (var (file, spec) in files.Zip(EvaluationSpecs.Shipped))
        {
            Assert.Equal(File.ReadAllBytes(file), EvaluationSpecs.Document(spec));
            Assert.Equal(spec.Hash, EvaluationSpecs.ByHash(spec.Hash!.ToUpperInvariant())?.Hash);
        }

        // Markets already committed to v1 name it by this hash: the document may never change.
        Assert.Equal("0x2dd624a55273a49d6beac3489e4b852b9acde76cf60bceb6a9b68388ec8928c5", EvaluationSpecs.ByName("bt-shapley-v1")!.Hash);
        Assert.Equal("bt-inrun-v3", EvaluationSpecs.Default.Name);
        Assert.Equal(AttributionMethod.InRun, EvaluationSpecs.Default.Method);
        Assert.True(EvaluationSpecs.Default.InRun!.Assigns);
        Assert.False(EvaluationSpecs.ByName("bt-inrun-v2-open")!.InRun!.Assigns);
        Assert.Null(EvaluationSpecs.ByHash("0x" + new string('0', 64)));
    }

    [Fact]
    public void Spec_documents_the_engine_does_not_implement_are_refused_with_the_reason()
    {
        var v2 = System.Text.Encoding.UTF8.GetString(EvaluationSpecs.Document(EvaluationSpecs.ByName("bt-inrun-v2")!));
        byte[] Edit(string from, string to) => System.Text.Encoding.UTF8.GetBytes(v2.Replace(from, to, StringComparison.Ordinal));
        Assert.Contains("unknown attribution method 'magic'", Assert.Throws<NotSupportedException>(() => EvaluationSpec.Parse(Edit("\"inrun\"", "\"magic\""))).Message, StringComparison.Ordinal);
        Assert.Contains("unknown heuristic 'vibes'", Assert.Throws<NotSupportedException>(() => EvaluationSpec.Parse(Edit("\"longer\"", "\"vibes\""))).Message, StringComparison.Ordinal);
        Assert.Contains("assignedSharePpm", Assert.Throws<ArgumentException>(() => EvaluationSpec.Parse(Edit("\"assignedSharePpm\": 50000", "\"assignedSharePpm\": 0"))).Message, StringComparison.Ordinal);
        Assert.Contains("breakEvenAccuracyPpm", Assert.Throws<ArgumentException>(() => EvaluationSpec.Parse(Edit("\"breakEvenAccuracyPpm\": 650000", "\"breakEvenAccuracyPpm\": 400000"))).Message, StringComparison.Ordinal);
        Assert.Contains("in-run limit", Assert.Throws<ArgumentException>(() => EvaluationSpec.Parse(Edit("\"iterations\": 50", "\"iterations\": 5000"))).Message, StringComparison.Ordinal);
        Assert.Contains("featureScaleBits", Assert.Throws<NotSupportedException>(() => EvaluationSpec.Parse(Edit("\"featureScaleBits\": 15", "\"featureScaleBits\": 16"))).Message, StringComparison.Ordinal);
        var missing = Assert.Throws<FileNotFoundException>(() => EvaluationSpecs.Resolve("bt-inrun-v9"));
        Assert.Contains("bt-inrun-v2, bt-inrun-v2-features, bt-inrun-v2-features-open, bt-inrun-v2-open, bt-inrun-v3, bt-inrun-v3-features, bt-inrun-v3-features-duo, bt-shapley-v1", missing.Message, StringComparison.Ordinal);
        Assert.Contains("unknown features 'pixels'", Assert.Throws<NotSupportedException>(() => EvaluationSpec.Parse(Edit("\"method\": \"inrun\"", "\"features\": \"pixels\", \"method\": \"inrun\""))).Message, StringComparison.Ordinal);
        Assert.Same(EvaluationSpecs.Default, EvaluationSpecs.Resolve("bt-inrun-v3"));
    }

    [Fact]
    public void Sigmoid_table_matches_the_spec_and_the_math()
    {
        var table = FixedPoint.SigmoidTable;
        Assert.Equal(8193, table.Length);
        Assert.Equal(1L << 23, table[4096]);
        for (var k = 0; k < table.Length; k += 97)
        {
            var t = (k - 4096) / 256.0;
            Assert.InRange(table[k] - (Math.ScaleB(1 / (1 + Math.Exp(-t)), 24)), -0.51, 0.51);
        }

        Assert.Equal("0x74540fe4c299320f50ecb9f9ee5c796e7ddc0d0090ce5f615e32c4addb2032b3", EvaluationSpec.SigmoidTableHash());
    }

    [Fact]
    public void Own_exp_and_log1p_agree_with_the_library_to_a_few_ulps()
    {
        for (var x = -40.0; x <= 0; x += 0.173)
        {
            Assert.InRange(Math.Abs(DeterministicMath.Exp(x) - Math.Exp(x)) / Math.Exp(x), 0, 4e-16);
        }

        for (var u = 0.0; u <= 1.0; u += 0.0137)
        {
            Assert.InRange(Math.Abs(DeterministicMath.Log1p(u) - Math.Log(1 + u)), 0, 4e-16);
        }

        Assert.Equal(-Math.Log(2), DeterministicMath.LogSigmoid(0), 15);
        Assert.Equal(-20.000000002061153, DeterministicMath.LogSigmoid(-20), 12);
    }

    [Fact]
    public void Integer_sigmoid_interpolates_the_table()
    {
        var t = FixedPoint.SigmoidTable;
        Assert.Equal(1L << 23, FixedPoint.Sigmoid(0, t));
        Assert.Equal(t[^1], FixedPoint.Sigmoid(long.MaxValue / 2, t));
        Assert.Equal(t[0], FixedPoint.Sigmoid(long.MinValue / 2, t));
        var oneUnit = 1L << FixedPoint.MarginBits;
        Assert.InRange(FixedPoint.Sigmoid(oneUnit, t) / (double)(1 << 24), 0.7310585, 0.7310586);
        Assert.InRange(FixedPoint.Sigmoid(-oneUnit / 3, t) / (double)(1 << 24), 0.417429, 0.417431);
    }

    [Fact]
    public void Rounding_helpers_round_half_away_from_zero()
    {
        Assert.Equal(3, FixedPoint.DivRoundHalfAway(5, 2));
        Assert.Equal(-3, FixedPoint.DivRoundHalfAway(-5, 2));
        Assert.Equal(2, FixedPoint.DivRoundHalfAway(7, 3));
        Assert.Equal(-2, FixedPoint.DivRoundHalfAway(-7, 3));
        Assert.Equal(3, FixedPoint.RoundHalfAway(2.5));
        Assert.Equal(-3, FixedPoint.RoundHalfAway(-2.5));
    }
}
