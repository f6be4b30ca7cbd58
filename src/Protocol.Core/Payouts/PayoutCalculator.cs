using System.Numerics;
using Protocol.Core.Merkle;

namespace Protocol.Core.Payouts;

/// <summary>A market's money terms, as fixed at creation.</summary>
/// <param name="RewardPool">Tokens the sponsor funded.</param>
/// <param name="OracleFeeBps">Share of the pool paid to the signing oracles, in basis points.</param>
/// <param name="SlashBps">Share of a stake lost at score −10000, in basis points.</param>
/// <param name="StakeCap">Stake above this earns no more reward (it is still slashed in full).</param>
public sealed record MarketTerms(BigInteger RewardPool, int OracleFeeBps, int SlashBps, BigInteger StakeCap);

/// <summary>How slashes are set.</summary>
public enum SlashRule
{
    /// <summary>docs/protocol.md (v1): slash_c = stake_c · slashBps · max(0, −s_c) / 10^8, from the score.</summary>
    Score,

    /// <summary>
    /// From value (bt-inrun-v2): a curator whose value is negative pays it back at the price the pool pays for
    /// positive value, slash_c = min(stake_c · slashBps / 10^4, D · |w_c| / Σ w⁺), D = rewardPool − fee + the slashes
    /// of invalid and unrevealed curators (still the maximum), w_c = min(stake_c, stakeCap) · v_c. A unit of value
    /// lost costs what a unit gained earns, so noise, whose value is negative on average, loses on average however
    /// lucky a draw can be. With no positive value at all the score rule applies.
    /// </summary>
    Value,
}

/// <summary>What the evaluation decided about one curator.</summary>
/// <param name="Account">Curator address.</param>
/// <param name="Stake">Tokens staked.</param>
/// <param name="ScoreBps">Score in basis points, −10000…10000 (−10000 for unrevealed or invalid).</param>
/// <param name="Value">Shapley value in micro-units (0 for unrevealed or invalid).</param>
public sealed record CuratorOutcome(string Account, BigInteger Stake, int ScoreBps, long Value);

/// <summary>One curator's line of the payout table.</summary>
public sealed record CuratorPayout(string Account, BigInteger Stake, int ScoreBps, long Value, BigInteger Slash, BigInteger Reward, BigInteger Payout);

/// <summary>The settled market: who gets what. <c>Σ Payout + Remainder = TotalPayout</c>.</summary>
/// <param name="Fee">The oracles' share of the pool.</param>
/// <param name="Distributable">Pool − fee + every slash: what rewards are paid from.</param>
/// <param name="Curators">One line per curator, sorted by lower-case address.</param>
/// <param name="Remainder">
/// <c>Distributable − Σ Reward</c>: rounding dust when some curator has positive value, the whole distributable (pool
/// less fee plus every slash) when none has. It is burned (<see cref="ProtocolConstants.BurnAddress"/>), never paid to
/// the sponsor: a sponsor whose gold set makes every label worthless would otherwise be paid the honest curators'
/// slashes and its own pool back, and it is not sent to the treasury either, so whoever controls the treasury gains
/// nothing from a market failing.
/// </param>
/// <param name="TotalStaked">Σ stake.</param>
/// <param name="TotalPayout">TotalStaked + pool − fee: what the leaves add up to.</param>
public sealed record PayoutTable(
    BigInteger Fee,
    BigInteger Distributable,
    IReadOnlyList<CuratorPayout> Curators,
    BigInteger Remainder,
    BigInteger TotalStaked,
    BigInteger TotalPayout)
{
    /// <summary>
    /// scoreBps of the remainder leaf (<c>ConstantsLib.SPONSOR_LEAF_SCORE</c>, the contract's name from when the
    /// sponsor took it): no curator score can take it, so the remainder leaf never equals a curator leaf.
    /// </summary>
    public const int RemainderLeafScore = int.MinValue;

    /// <summary>
    /// The Merkle leaves of the report: one per curator, plus the remainder to the burn address (score
    /// <see cref="RemainderLeafScore"/>). Anyone may claim that leaf; the tokens go to an address nobody controls.
    /// </summary>
    public IReadOnlyList<PayoutLeaf> Leaves(BigInteger marketId) =>
        [.. Curators.Select(c => new PayoutLeaf(marketId, c.Account, c.Payout, c.ScoreBps)), new PayoutLeaf(marketId, ProtocolConstants.BurnAddress, Remainder, RemainderLeafScore)];
}

/// <summary>
/// The payout arithmetic of docs/protocol.md in exact integers with floor division, in the order the
/// document gives it. Everything that floor division leaves over goes to the burned remainder, so
/// the leaves always add up to <c>totalStaked + rewardPool − fee</c>.
/// </summary>
public static class PayoutCalculator
{
    public const int MaxBps = 10_000;

    /// <summary>Computes the payout table; curators come out sorted by lower-case address.</summary>
    /// <exception cref="ArgumentException">Terms or outcomes out of range, or a curator listed twice.</exception>
    public static PayoutTable Compute(MarketTerms terms, IEnumerable<CuratorOutcome> outcomes, SlashRule rule = SlashRule.Score)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(outcomes);
        Check(terms.RewardPool.Sign >= 0, "reward pool is negative");
        Check(terms.OracleFeeBps is >= 0 and <= MaxBps, $"oracle fee {terms.OracleFeeBps} bps is outside 0…10000");
        Check(terms.SlashBps is >= 0 and <= MaxBps, $"slash {terms.SlashBps} bps is outside 0…10000");
        Check(terms.StakeCap.Sign >= 0, "stake cap is negative");

        var curators = outcomes.OrderBy(c => c.Account.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        foreach (var c in curators)
        {
            Check(c.Stake.Sign >= 0, $"{c.Account}: negative stake");
            Check(c.ScoreBps is >= -MaxBps and <= MaxBps, $"{c.Account}: score {c.ScoreBps} bps is outside −10000…10000");
        }

        var duplicate = curators.Select(c => c.Account.ToLowerInvariant()).GroupBy(a => a).FirstOrDefault(g => g.Count() > 1);
        Check(duplicate is null, $"curator {duplicate?.Key} is listed twice");

        var fee = terms.RewardPool * terms.OracleFeeBps / MaxBps;
        var slashes = curators.Select(c => c.Stake * terms.SlashBps * Math.Max(0, -c.ScoreBps) / MaxBps / MaxBps).ToList();
        var signed = curators.Select(c => BigInteger.Min(c.Stake, terms.StakeCap) * c.Value).ToList();
        var positive = Sum(signed.Select(w => BigInteger.Max(BigInteger.Zero, w)));
        if (rule == SlashRule.Value && positive.Sign > 0)
        {
            // Invalid and unrevealed curators (value 0 at score −10000) keep the maximum slash; every other slash is
            // the negative value bought back at the price the pool pays for positive value, D / Σ w⁺.
            var byScore = curators.Select((c, i) => c.Value == 0 && c.ScoreBps == -MaxBps ? slashes[i] : BigInteger.Zero).ToList();
            var price = terms.RewardPool - fee + Sum(byScore);
            slashes = [.. curators.Select((c, i) => signed[i].Sign < 0
                ? BigInteger.Min(c.Stake * terms.SlashBps / MaxBps, price * -signed[i] / positive)
                : byScore[i])];
        }

        var distributable = terms.RewardPool - fee + Sum(slashes);
        var weights = signed.Select(w => BigInteger.Max(BigInteger.Zero, w)).ToList();
        var totalWeight = Sum(weights);

        var lines = new List<CuratorPayout>(curators.Count);
        for (var i = 0; i < curators.Count; i++)
        {
            var c = curators[i];
            var reward = totalWeight.IsZero ? BigInteger.Zero : distributable * weights[i] / totalWeight;
            lines.Add(new CuratorPayout(c.Account, c.Stake, c.ScoreBps, c.Value, slashes[i], reward, c.Stake - slashes[i] + reward));
        }

        var totalStaked = Sum(curators.Select(c => c.Stake));
        var remainder = distributable - Sum(lines.Select(l => l.Reward));
        return new PayoutTable(fee, distributable, lines, remainder, totalStaked, totalStaked + terms.RewardPool - fee);
    }

    private static BigInteger Sum(IEnumerable<BigInteger> values) => values.Aggregate(BigInteger.Zero, (a, b) => a + b);

    private static void Check(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException(problem);
        }
    }
}
