using System.Numerics;

namespace Protocol.Evaluation;

// The comparison records (TaskItem, Label, GoldItem, Preference) are the protocol's own file records
// from Protocol.Core.Files, so readers, the node and the engine share one definition.

/// <summary>
/// A revealed curator and its labels. <paramref name="InvalidReason"/> is set by the caller when the label
/// file could not be fetched, did not match its hash or did not parse; the engine adds its own reasons
/// (unknown or duplicate task ids).
/// </summary>
public sealed record CuratorLabels(string Address, IReadOnlyList<Label> Labels, string? InvalidReason = null);

/// <summary>Everything one evaluation reads.</summary>
/// <param name="MarketId">The market id (uint256).</param>
/// <param name="Round">The evaluation round (uint32).</param>
/// <param name="GoldHash">keccak256 of the gold file bytes (32 bytes); seeds the permutations.</param>
/// <param name="TaskPool">The task pool.</param>
/// <param name="Gold">The gold set.</param>
/// <param name="Curators">Every revealed curator (unrevealed curators are the caller's: score −10000).</param>
/// <param name="Features">The committed features of the task pool and gold set (specs with features "committed"); null otherwise.</param>
public sealed record MarketInput(
    BigInteger MarketId,
    uint Round,
    ReadOnlyMemory<byte> GoldHash,
    IReadOnlyList<TaskItem> TaskPool,
    IReadOnlyList<GoldItem> Gold,
    IReadOnlyList<CuratorLabels> Curators,
    CommittedFeatures? Features = null);

/// <summary>The features files of a market, opened and checked: rows of the task pool and of the gold set.</summary>
public sealed record CommittedFeatures(FeaturesReader Tasks, FeaturesReader Gold);
