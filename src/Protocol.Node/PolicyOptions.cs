using System.ComponentModel.DataAnnotations;

namespace Protocol.Node;

/// <summary>
/// The operator's policy (section <c>Node:Policy</c>): markets outside it are neither evaluated nor attested, so a
/// market built to lock this node's bond (a decoy sized to its whole free bond, with the longest challenge period)
/// cannot keep it from attesting real ones.
/// </summary>
public sealed class PolicyOptions
{
    /// <summary>
    /// Most of this oracle's registry bond one market may lock, in basis points (2500: a quarter, so at least four
    /// markets fit at once). 10000 turns the rule off (the contract still refuses a lock beyond the free bond).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxLockShareBps { get; set; } = 2_500;

    /// <summary>Longest challenge period accepted: the bond stays locked at least this long after acceptance.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "14.00:00:00", ErrorMessage = "Node:Policy:MaxChallengePeriod must be between 01:00:00 and 14.00:00:00")]
    public TimeSpan MaxChallengePeriod { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Reward tokens accepted (addresses); empty (the default): any token.</summary>
    public IList<string> Tokens { get; } = [];

    /// <summary>Sponsors accepted (addresses); empty (the default): any sponsor.</summary>
    public IList<string> Sponsors { get; } = [];
}
