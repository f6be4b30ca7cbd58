using Protocol.Core.Hashing;
using Protocol.Core.Merkle;

namespace Protocol.Core.Tests;

public sealed class MerkleVectorTests
{
    private static readonly System.Text.Json.JsonElement Data = Vectors.Load("merkle.json");

    [Fact]
    public void Leaves_roots_and_proofs_match_openzeppelin_merkle_tree()
    {
        var trees = Data.Items("trees").ToList();
        Assert.True(trees.Count >= 5);
        foreach (var t in trees)
        {
            var leaves = t.Items("leaves")
                .Select(l => (Leaf: new PayoutLeaf(l.Big("marketId"), l.Str("account"), l.Big("amount"), l.Int("scoreBps")), Json: l))
                .ToList();
            foreach (var (leaf, json) in leaves)
            {
                Assert.Equal(json.B32("hash"), leaf.Hash);
            }

            var tree = MerkleTree.Build(leaves.Select(l => l.Leaf.Hash));
            Assert.Equal(t.B32("root"), tree.Root);
            foreach (var (leaf, json) in leaves)
            {
                var expected = json.GetProperty("proof").EnumerateArray().Select(p => Bytes32.Parse(p.GetString()!)).ToList();
                Assert.Equal(expected, tree.Proof(leaf.Hash));
                Assert.True(MerkleTree.Verify(tree.Root, leaf.Hash, expected));
            }
        }
    }

    [Fact]
    public void A_changed_leaf_fails_verification_and_duplicates_are_refused()
    {
        var leaves = Enumerable.Range(0, 6).Select(i => new PayoutLeaf(7, $"0x{i + 1:x40}", 1000 + i, i - 3)).ToList();
        var tree = MerkleTree.Build(leaves.Select(l => l.Hash));
        var proof = tree.Proof(leaves[2].Hash);

        Assert.True(MerkleTree.Verify(tree.Root, leaves[2].Hash, proof));
        Assert.False(MerkleTree.Verify(tree.Root, (leaves[2] with { Amount = 1003 }).Hash, proof));
        Assert.False(MerkleTree.Verify(tree.Root, (leaves[2] with { ScoreBps = 0 }).Hash, proof));
        Assert.Throws<ArgumentException>(() => MerkleTree.Build([leaves[0].Hash, leaves[0].Hash]));
        Assert.Throws<KeyNotFoundException>(() => tree.Proof(Bytes32.Zero));
    }
}
