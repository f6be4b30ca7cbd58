using Protocol.Core.Hashing;
using Protocol.DevChain;
using Protocol.Evaluation;
using Protocol.Node.Evaluation;

namespace Protocol.Node.Tests;

/// <summary>The node evaluates a market by the spec its evalSpecHash names, and only a spec it ships.</summary>
public sealed class SpecChoiceTests
{
    [Fact]
    public void Every_shipped_spec_is_chosen_by_its_hash()
    {
        foreach (var spec in EvaluationSpecs.Shipped)
        {
            Assert.Equal(spec.Name, EvaluationPipeline.ChooseSpec(Bytes32.Parse(spec.Hash!)).Name);
        }

        // v1 is kept byte for byte for the markets committed to it.
        var v1 = File.ReadAllBytes(Path.Combine(Protocol.DevChain.RepositoryLayout.Root, "specs", "bt-shapley-v1.json"));
        Assert.Equal("bt-shapley-v1", EvaluationPipeline.ChooseSpec(Keccak.Hash(v1)).Name);
    }

    [Fact]
    public void An_unknown_spec_hash_is_refused_with_what_the_node_runs()
    {
        var unknown = Keccak.Hash("a spec nobody ships"u8);
        var e = Assert.Throws<MarketInputException>(() => EvaluationPipeline.ChooseSpec(unknown));
        Assert.Contains($"evaluation spec {unknown} is not one this node runs", e.Message, StringComparison.Ordinal);
        Assert.All(EvaluationSpecs.Shipped, s => Assert.Contains($"{s.Name} ({s.Hash})", e.Message, StringComparison.Ordinal));
    }
}
