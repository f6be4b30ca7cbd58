using System.Numerics;
using Protocol.Core.Contracts;

namespace Protocol.Node;

/// <summary>Why the operator's policy refuses a market: the rule (an option name) and the numbers.</summary>
public sealed record PolicyRefusal(string Rule, string Detail);

/// <summary>
/// Checks a market against <see cref="PolicyOptions"/> before the node spends an evaluation on it or locks its bond
/// behind it.
/// </summary>
public static class MarketPolicy
{
    /// <summary>
    /// The most one signer can lock behind a report of this market: its share (security over quorum) of the reward pool
    /// plus every stake, an upper bound of both a payout report's and a verdict's amount at risk, rounded up as the
    /// contract rounds.
    /// </summary>
    public static BigInteger MaxLock(MarketConfig config, MarketState state)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        var atRisk = config.RewardPool + state.TotalStaked;
        var denominator = 10_000 * (BigInteger)Math.Max((int)config.Quorum, 1);
        return (atRisk * config.SecurityBps + denominator - 1) / denominator;
    }

    /// <summary>The first rule of <paramref name="policy"/> this market breaks, or null; <paramref name="bond"/> is this oracle's matured registry bond.</summary>
    public static PolicyRefusal? Check(PolicyOptions policy, MarketConfig config, MarketState state, BigInteger bond)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(config);
        if (policy.Tokens.Count > 0 && !policy.Tokens.Contains(config.Token, StringComparer.OrdinalIgnoreCase))
        {
            return new("Tokens", $"token {config.Token} is not in Node:Policy:Tokens");
        }

        if (policy.Sponsors.Count > 0 && !policy.Sponsors.Contains(config.Sponsor, StringComparer.OrdinalIgnoreCase))
        {
            return new("Sponsors", $"sponsor {config.Sponsor} is not in Node:Policy:Sponsors");
        }

        var challenge = TimeSpan.FromSeconds(config.ChallengePeriod);
        if (challenge > policy.MaxChallengePeriod)
        {
            return new("MaxChallengePeriod", $"challenge period {challenge} is longer than Node:Policy:MaxChallengePeriod {policy.MaxChallengePeriod}");
        }

        var lockAmount = MaxLock(config, state);
        if (policy.MaxLockShareBps < 10_000 && lockAmount * 10_000 > bond * policy.MaxLockShareBps)
        {
            return new("MaxLockShareBps", $"it could lock {lockAmount} of this oracle's bond {bond}, more than Node:Policy:MaxLockShareBps {policy.MaxLockShareBps} bps");
        }

        return null;
    }
}
