using System.Numerics;

namespace Protocol.Core.Hashing;

/// <summary>The commit–reveal commitments of docs/protocol.md, exactly as the market contract recomputes them.</summary>
public static class Commitments
{
    /// <summary>
    /// A curator's commitment: <c>keccak256(abi.encode(marketId, curator, labelsHash, salt))</c>. Binding the
    /// market and the curator means it cannot be copied by another curator or replayed in another market.
    /// </summary>
    public static Bytes32 Labels(BigInteger marketId, string curator, Bytes32 labelsHash, Bytes32 salt) =>
        new AbiWords().Uint256(marketId).Address(curator).Bytes32(labelsHash).Bytes32(salt).Keccak();

    /// <summary>The sponsor's gold commitment: <c>keccak256(abi.encode(goldHash, salt))</c>.</summary>
    public static Bytes32 Gold(Bytes32 goldHash, Bytes32 salt) =>
        new AbiWords().Bytes32(goldHash).Bytes32(salt).Keccak();

    /// <summary>A fresh random salt (keep it secret until the reveal).</summary>
    public static Bytes32 NewSalt() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
