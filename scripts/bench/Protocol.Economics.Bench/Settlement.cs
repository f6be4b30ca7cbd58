using System.Diagnostics;
using System.Numerics;
using Protocol.Core.Payouts;
using Protocol.Evaluation;

namespace Protocol.Economics.Bench;

/// <summary>One address after settlement. Profit = payout − stake, in tokens.</summary>
internal sealed record Outcome(string Address, Strategy Strategy, bool Valid, string? InvalidReason, int ScoreBps, long ValueMicro, double Profit)
{
    public double ProfitPerToken => Profit / Settlement.StakeTokens;
}

/// <summary>A market variant evaluated under one spec and settled.</summary>
internal sealed record VariantRun(IReadOnlyDictionary<string, Outcome> Outcomes, double GoldAccuracy, double Seconds);

/// <summary>
/// The money terms of the demo and the settlement of an evaluation. The reward pool is 20% of the full
/// market's stakes and stays the same in every counterfactual variant: a sponsor funds it once, and a copier
/// joining does not grow it.
/// </summary>
internal static class Settlement
{
    public const int StakeTokens = 100;
    public const int PoolPercentOfStakes = 20;
    public const int OracleFeeBps = 500;
    public const int SlashBps = 5000;

    public static readonly BigInteger Token = BigInteger.Pow(10, 18);
    public static readonly BigInteger Stake = StakeTokens * Token;

    public static MarketTerms Terms(Book book) =>
        new(book.Full.Count * Stake * PoolPercentOfStakes / 100, OracleFeeBps, SlashBps, Stake);

    public static VariantRun Run(EvaluationSpec spec, Market market, Book book, int variant, CommittedFeatures? features, EvaluationOptions options)
    {
        var clock = Stopwatch.StartNew();
        var result = EvaluationEngine.Evaluate(spec, market.Input(book, variant, features), options);
        var seconds = clock.Elapsed.TotalSeconds;
        var strategy = book.Variants[variant].Curators.ToDictionary(c => c.Address, c => c.Strategy, StringComparer.Ordinal);
        var table = PayoutCalculator.Compute(Terms(book),
            result.Curators.Select(c => new CuratorOutcome(c.Address, Stake, c.ScoreBps, c.ValueMicro)), spec.SlashRule);
        var byAddress = result.Curators.ToDictionary(c => c.Address, StringComparer.Ordinal);
        var outcomes = table.Curators.ToDictionary(
            p => p.Account,
            p =>
            {
                var r = byAddress[p.Account];
                return new Outcome(p.Account, strategy[p.Account], r.Valid, r.InvalidReason, r.ScoreBps, r.ValueMicro, Tokens(p.Payout - p.Stake));
            },
            StringComparer.Ordinal);
        return new VariantRun(outcomes, result.Metrics.GoldAccuracy, seconds);
    }

    /// <summary>Token units as a double (the payout table is exact; the statistics need not be).</summary>
    public static double Tokens(BigInteger units)
    {
        var whole = BigInteger.DivRem(units, Token, out var rest);
        return (double)whole + ((double)rest / (double)Token);
    }
}
