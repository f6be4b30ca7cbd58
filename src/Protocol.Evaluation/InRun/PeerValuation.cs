using System.Numerics;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.InRun;

/// <summary>
/// bt-inrun-v3's valuation (docs/evaluation.md, "v3: labels judged against a peer consensus"). The model's residual
/// signal s⊥ is right only 57–75% of the time, so a curator judged against it alone on a few dozen items draws a lottery. Other curators' labels of the same
/// item carry far more information, but a peer signal alone pays any cartel that agrees with itself. So:
/// <list type="number">
/// <item>round 1 weighs each curator by its agreement with the gold-trained model over the gold signal's own agreement
/// with the gold set, signed, in [−1, 1]: a heuristic's labels agree with s⊥ by chance only, since s⊥ has the
/// heuristics taken out, and a curator the model cannot tell from a coin gets a weight of mean zero;</item>
/// <item>an item's consensus T_i is the model's vote (<c>modelVotesMilli</c> of a voter as accurate as the gold
/// signal, scaled by |s⊥_i|) plus every label's w_c · y;</item>
/// <item>the free heuristics are taken out of T by the same exact least squares as v2, so a group labelling by a
/// heuristic gains nothing from its own votes;</item>
/// <item>a label is judged against the consensus without its own vote, u_l = T⊥_i − w_c · y_l; rounds 2 to
/// <c>peerRounds</c> weigh each curator by its agreement with the previous round's consensus, less
/// <c>peerShrinkMilli</c> standard errors, relative to the best curator's, in [0, 1];</item>
/// <item>the final round's labels are charged the break-even κ · |u_l| (or v2's noise floor, whichever is larger),
/// in exact integers.</item>
/// </list>
/// </summary>
internal static class PeerValuation
{
    public static CuratorValue[] Compute(
        PreparedMarket market, Int128[] residual, (Int128 A, Int128 M, BigInteger Q)[] stats, BigInteger goldAgreement, BigInteger goldMagnitude,
        IReadOnlyList<(Heuristic Heuristic, sbyte[] Column)> columns, InRunParameters p, int threads, CancellationToken ct)
    {
        var peer = p.Peer!;
        var goldPpm = goldMagnitude.IsZero ? 0 : (long)BigInteger.Clamp(Exact.DivRoundHalfAway(goldAgreement * 1_000_000, goldMagnitude), 0, 1_000_000);

        // Round 1: vote weights from the model alone, w_c = A_c / (M_c · G) in ppm, clamped to [−1, 1] but NOT at 0: a
        // curator the model cannot tell from a coin gets a weight of mean zero, so a coalition agreeing on a pattern the
        // model does not see backs its members with noise, while honest curators back each other with a positive mean.
        // (Clamped at 0, noise weights have a positive mean, and a coalition of 10 earned like 90%-accurate curators on
        // HH-RLHF, where the model's agreement with the gold set is only ~0.2.)
        var anchor = new long[market.CuratorCount];
        for (var c = 0; c < anchor.Length; c++)
        {
            var (a, m, _) = stats[c];
            if (goldPpm != 0 && m != 0)
            {
                anchor[c] = (long)BigInteger.Clamp(Exact.DivRoundHalfAway((BigInteger)a * 1_000_000_000_000, (BigInteger)m * goldPpm), -1_000_000, 1_000_000);
            }
        }

        // The model's vote on each item, in ppm votes: modelVotes voters as accurate as the gold signal, scaled by |s⊥_i|.
        BigInteger magnitude = 0;
        foreach (var s in residual)
        {
            magnitude += BigInteger.Abs(s);
        }

        var modelVote = new Int128[residual.Length];
        if (!magnitude.IsZero)
        {
            for (var i = 0; i < residual.Length; i++)
            {
                modelVote[i] = (Int128)Exact.DivRoundHalfAway((BigInteger)goldPpm * peer.ModelVotesMilli * residual.Length * (BigInteger)residual[i], 1_000 * magnitude);
            }
        }

        // Rounds 2 and later: each curator's weight is its agreement with the previous round's consensus (its own vote left
        // out), less peerShrinkMilli standard errors, relative to the best curator's, in [0, 1]. Agreement with a consensus of many
        // labellers separates a 90% labeller from a coin in 50 items, where agreement with the model alone cannot. The
        // scale is the best curator's because agreement also scales with the consensus's own accuracy, which no one knows.
        var weights = anchor;
        for (var round = 2; round <= peer.Rounds; round++)
        {
            weights = Reweigh(Judge(market, modelVote, weights, columns).Sums, peer.ShrinkMilli);
        }

        var (signals, sums) = Judge(market, modelVote, weights, columns);
        Int128 total = 0;
        long labels = 0;
        foreach (var c in Enumerable.Range(0, market.CuratorCount))
        {
            total += sums[c].U;
            labels += signals[c].Length;
        }

        var values = new CuratorValue[market.CuratorCount];
        var kappa = (BigInteger)peer.BreakEvenAgreementPpm;
        var denominator = (BigInteger)total; // over Σ|u|: v_c in net agreeing labels × 10^6, as v2
        Parallel.For(0, market.CuratorCount, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = ct }, c =>
        {
            var (x, mag, sq) = sums[c];
            if (total == 0)
            {
                values[c] = new CuratorValue(0, 0, new long[signals[c].Length]);
                return;
            }

            var agreement = 1_000_000 * (BigInteger)x;
            var relative = kappa * (BigInteger)mag;
            var noise = 1_000 * (BigInteger)p.NoiseFloorMilli * Exact.Sqrt(sq);
            var micro = (long)Exact.DivRoundHalfAway((agreement - BigInteger.Max(relative, noise)) * labels, denominator);
            var bps = mag == 0 ? 0 : (int)BigInteger.Clamp(Exact.DivRoundHalfAway((agreement - relative) * 10_000, 1_000_000 * (BigInteger)mag), -10_000, 10_000);
            var ex = market.Curators[c];
            var u = signals[c];
            values[c] = new CuratorValue(micro, bps,
                Valuation.LabelShares(ex.Signs, l => u[l], micro, relative >= noise, 1_000_000, kappa, noise, sq, labels, denominator));
        });
        return values;
    }

    /// <summary>
    /// Vote weights from a round's judgement: each curator's agreement with the consensus (its own vote left out), less
    /// <paramref name="shrinkMilli"/>/1000 standard errors (√Q), relative to the best curator's, in ppm within [0, 10^6].
    /// </summary>
    private static long[] Reweigh((Int128 X, Int128 U, BigInteger Q)[] sums, int shrinkMilli)
    {
        var evidence = new BigInteger[sums.Length];
        var best = (Num: BigInteger.Zero, Den: BigInteger.One);
        for (var c = 0; c < evidence.Length; c++)
        {
            var (x, mag, sq) = sums[c];
            evidence[c] = BigInteger.Max(BigInteger.Zero, (1_000 * (BigInteger)x) - (shrinkMilli * Exact.Sqrt(sq)));
            if (mag != 0 && evidence[c] * best.Den > best.Num * (BigInteger)mag)
            {
                best = (evidence[c], (BigInteger)mag);
            }
        }

        var weights = new long[sums.Length];
        for (var c = 0; c < weights.Length; c++)
        {
            var mag = (BigInteger)sums[c].U;
            if (!best.Num.IsZero && !mag.IsZero)
            {
                // (evidence_c / U_c) / (best / U_best), in ppm.
                weights[c] = (long)BigInteger.Clamp(Exact.DivRoundHalfAway(evidence[c] * best.Den * 1_000_000, mag * best.Num), 0, 1_000_000);
            }
        }

        return weights;
    }

    /// <summary>
    /// One round: the consensus T_i = model vote + Σ w_c · y over the item's labels, the free heuristics taken out of it
    /// (exact least squares, as v2 does to s), and each label against the consensus without its own vote,
    /// u_l = T⊥_i − w_c · y_l; per curator X = Σ y·u, U = Σ |u|, Q = Σ u².
    /// </summary>
    private static (Int128[][] Signals, (Int128 X, Int128 U, BigInteger Q)[] Sums) Judge(
        PreparedMarket market, Int128[] modelVote, long[] weights, IReadOnlyList<(Heuristic Heuristic, sbyte[] Column)> columns)
    {
        var consensus = (Int128[])modelVote.Clone();
        for (var c = 0; c < market.CuratorCount; c++)
        {
            var ex = market.Curators[c];
            for (var l = 0; l < ex.Items.Length; l++)
            {
                consensus[ex.Items[l]] += ex.Signs[l] > 0 ? weights[c] : -weights[c];
            }
        }

        var fit = LeastSquares.Fit(consensus, columns);
        var neutral = fit.Residual(consensus, [.. fit.UsedIndices.Select(k => columns[k].Column)]);
        var signals = new Int128[market.CuratorCount][];
        var sums = new (Int128 X, Int128 U, BigInteger Q)[market.CuratorCount];
        for (var c = 0; c < market.CuratorCount; c++)
        {
            var ex = market.Curators[c];
            var u = new Int128[ex.Items.Length];
            Int128 x = 0, mag = 0;
            BigInteger sq = 0;
            for (var l = 0; l < u.Length; l++)
            {
                u[l] = neutral[ex.Items[l]] - (ex.Signs[l] > 0 ? weights[c] : -weights[c]);
                x += ex.Signs[l] > 0 ? u[l] : -u[l];
                mag += Int128.Abs(u[l]);
                sq += (BigInteger)u[l] * u[l];
            }

            (signals[c], sums[c]) = (u, (x, mag, sq));
        }

        return (signals, sums);
    }
}
