using System.Numerics;
using Protocol.Core.Hashing;

namespace Protocol.Core.Merkle;

/// <summary>
/// One claimable payout: <c>keccak256(bytes.concat(keccak256(abi.encode(uint256 marketId, address account,
/// uint256 amount, int32 scoreBps))))</c> — the double hash of OpenZeppelin's StandardMerkleTree, so a leaf
/// can never be mistaken for an inner node.
/// </summary>
public sealed record PayoutLeaf(BigInteger MarketId, string Account, BigInteger Amount, int ScoreBps)
{
    /// <summary>The leaf hash the tree and the contract's <c>claim</c> use.</summary>
    public Bytes32 Hash
    {
        get
        {
            var inner = new AbiWords().Uint256(MarketId).Address(Account).Uint256(Amount).Int32Word(ScoreBps).Keccak();
            return Keccak.Hash(inner.Span);
        }
    }
}
