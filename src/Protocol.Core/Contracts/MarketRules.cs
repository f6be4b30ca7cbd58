using System.Numerics;

namespace Protocol.Core.Contracts;

/// <summary>
/// The FeedbackMarket's constants (contracts/src/libraries/ConstantsLib.sol; a test keeps the two equal) and the checks
/// <c>createMarket</c> makes, so that a tool can refuse a market the contract would revert, with every problem named.
/// </summary>
public static class MarketRules
{
    public const ulong MinChallengePeriod = 3_600;
    public const ulong MaxChallengePeriod = 14 * 86_400;
    public const ulong MinEvaluationWindow = 12 * 3_600;
    public const ulong MaxEvaluationPeriod = 30 * 86_400;
    public const ulong ResolutionPeriod = 30 * 86_400;
    public const ulong ClaimPeriod = 365 * 86_400;
    public const uint MaxRounds = 3;
    public const int MinDisputeBondBps = 100;
    public const int Bps = 10_000;

    /// <summary>Largest share of an oracle's matured bond one market may lock (MAX_MARKET_LOCK_BPS, 25%).</summary>
    public const int MaxMarketLockBps = 2_500;

    /// <summary>type(uint96).max: the largest pool and stake cap.</summary>
    public static readonly BigInteger MaxAmount = (BigInteger.One << 96) - 1;

    /// <summary>Why <paramref name="token"/> cannot be a market's token (null: it can): only the bond token can.</summary>
    public static string? TokenProblem(string token, string bondToken) =>
        string.Equals(token, bondToken, StringComparison.OrdinalIgnoreCase) ? null
        : $"the token {token} must be the oracle registry's bond token {bondToken}: markets pay in the token that bonds their oracles, so that a report's security is counted in the unit of what it pays out (docs/contracts.md, \"One unit\")";

    /// <summary>The smallest dispute bond a pool allows (1%, rounded down).</summary>
    public static BigInteger MinDisputeBond(BigInteger rewardPool) => rewardPool * MinDisputeBondBps / Bps;

    /// <summary>
    /// Every reason <c>createMarket</c> would revert on these parameters at chain time <paramref name="now"/> (empty:
    /// none). With <paramref name="bondToken"/> (the registry's <c>bondToken()</c>) the market's token is checked too:
    /// markets are in the bond token only, so that locks and payouts are in one unit.
    /// </summary>
    public static IReadOnlyList<string> Problems(MarketParams p, ulong now, string? bondToken = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        var problems = new List<string>();
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        if (bondToken is not null && TokenProblem(p.Token, bondToken) is { } unit)
        {
            problems.Add(unit);
        }

        Require(p.RewardPool > 0, "the reward pool must be more than 0");
        Require(p.RewardPool <= MaxAmount, $"the reward pool must be at most {MaxAmount} wei (uint96)");
        Require(p.StakeCap <= MaxAmount, $"the stake cap must be at most {MaxAmount} wei (uint96)");
        Require(p.DisputeBond >= MinDisputeBond(p.RewardPool) && p.DisputeBond <= p.RewardPool && p.DisputeBond > 0,
            $"the dispute bond ({p.DisputeBond} wei) must lie between 1% of the pool ({MinDisputeBond(p.RewardPool)} wei) and the pool ({p.RewardPool} wei)");
        Require(p.CommitDeadline > now, "the commit deadline must lie in the future (by the chain's clock)");
        Require(p.CommitDeadline < p.RevealDeadline && p.RevealDeadline < p.GoldDeadline && p.GoldDeadline < p.EvaluationDeadline,
            "the deadlines must come in order: commit < reveal < gold < evaluation");
        Require(p.EvaluationDeadline < p.GoldDeadline || p.EvaluationDeadline - p.GoldDeadline >= MinEvaluationWindow,
            $"the evaluation deadline must be at least {MinEvaluationWindow / 3_600} h after the gold deadline (the oracles' minimum window)");
        Require(p.EvaluationDeadline < p.RevealDeadline || p.EvaluationDeadline - p.RevealDeadline <= MaxEvaluationPeriod,
            $"the evaluation deadline must be at most {MaxEvaluationPeriod / 86_400} days after the reveal deadline");
        Require(p.ChallengePeriod is >= MinChallengePeriod and <= MaxChallengePeriod, "the challenge period must lie between 1 h and 14 days");
        Require(p.MinStake > 0 && p.MinStake <= p.StakeCap, "the minimum stake must be more than 0 and at most the stake cap");
        Require(p.SlashBps <= Bps, "slashBps must be at most 10000");
        Require(p.OracleFeeBps <= Bps, "oracleFeeBps must be at most 10000");
        return problems;
    }
}
