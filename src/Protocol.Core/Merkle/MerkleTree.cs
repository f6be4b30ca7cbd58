using Protocol.Core.Hashing;

namespace Protocol.Core.Merkle;

/// <summary>
/// A Merkle tree laid out as OpenZeppelin's StandardMerkleTree lays it out (@openzeppelin/merkle-tree):
/// leaf hashes sorted ascending, stored at the end of a flat array of 2n−1 nodes in reverse order, each
/// inner node the keccak256 of its two children in sorted order. Proofs verify with OpenZeppelin's
/// <c>MerkleProof.verify</c>, and roots equal those the npm package computes for the same leaves.
/// </summary>
public sealed class MerkleTree
{
    private readonly Bytes32[] _nodes;
    private readonly Dictionary<Bytes32, int> _indexOfLeaf;

    private MerkleTree(Bytes32[] nodes, Dictionary<Bytes32, int> indexOfLeaf)
    {
        _nodes = nodes;
        _indexOfLeaf = indexOfLeaf;
    }

    /// <summary>The root that a report commits to.</summary>
    public Bytes32 Root => _nodes[0];

    /// <summary>Number of leaves.</summary>
    public int Count => _indexOfLeaf.Count;

    /// <summary>Builds the tree over leaf hashes (already double-hashed). Duplicate leaves are refused: one of them could never be claimed.</summary>
    public static MerkleTree Build(IEnumerable<Bytes32> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var leaves = leafHashes.ToList();
        if (leaves.Count == 0)
        {
            throw new ArgumentException("a Merkle tree needs at least one leaf", nameof(leafHashes));
        }

        leaves.Sort();
        var nodes = new Bytes32[(2 * leaves.Count) - 1];
        var indexOfLeaf = new Dictionary<Bytes32, int>(leaves.Count);
        for (var i = 0; i < leaves.Count; i++)
        {
            var index = nodes.Length - 1 - i;
            nodes[index] = leaves[i];
            if (!indexOfLeaf.TryAdd(leaves[i], index))
            {
                throw new ArgumentException($"duplicate leaf {leaves[i]}", nameof(leafHashes));
            }
        }

        for (var i = nodes.Length - 1 - leaves.Count; i >= 0; i--)
        {
            nodes[i] = HashPair(nodes[(2 * i) + 1], nodes[(2 * i) + 2]);
        }

        return new MerkleTree(nodes, indexOfLeaf);
    }

    /// <summary>The sibling hashes from <paramref name="leafHash"/> up to the root.</summary>
    public IReadOnlyList<Bytes32> Proof(Bytes32 leafHash)
    {
        if (!_indexOfLeaf.TryGetValue(leafHash, out var index))
        {
            throw new KeyNotFoundException($"leaf {leafHash} is not in the tree");
        }

        var proof = new List<Bytes32>();
        while (index > 0)
        {
            proof.Add(_nodes[index % 2 == 1 ? index + 1 : index - 1]);
            index = (index - 1) / 2;
        }

        return proof;
    }

    /// <summary>What <c>MerkleProof.verify</c> computes: fold the proof into the leaf with sorted pairs.</summary>
    public static bool Verify(Bytes32 root, Bytes32 leafHash, IEnumerable<Bytes32> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var node = leafHash;
        foreach (var sibling in proof)
        {
            node = HashPair(node, sibling);
        }

        return node == root;
    }

    private static Bytes32 HashPair(Bytes32 a, Bytes32 b)
    {
        Span<byte> pair = stackalloc byte[64];
        (a <= b ? a : b).Span.CopyTo(pair);
        (a <= b ? b : a).Span.CopyTo(pair[32..]);
        return Keccak.Hash(pair);
    }
}
