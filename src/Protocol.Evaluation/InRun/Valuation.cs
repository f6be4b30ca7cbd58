using System.Numerics;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.InRun;

/// <summary>Per-curator outcome of the in-run valuation, exact.</summary>
/// <param name="ValueMicro">v_c: net signal-weighted correct labels, in average labels × 10^6.</param>
/// <param name="ScoreBps">s_c: signal-weighted agreement (2·agree − 1) minus the break-even, in basis points.</param>
/// <param name="LabelMicro">Each label's share of v_c, in the order of the curator's examples; sums to ValueMicro exactly.</param>
internal readonly record struct CuratorValue(long ValueMicro, int ScoreBps, long[] LabelMicro);

/// <summary>Market-level figures of the in-run valuation (canonical: integers only).</summary>
/// <param name="AgreementPpm">Signal-weighted agreement A/M of all valid labels with the gold signal, ppm.</param>
/// <param name="GoldAgreementPpm">The gold signal's own agreement with the gold labels (each gold item judged by the others), ppm: 2·accuracy − 1 of the signal.</param>
/// <param name="BreakEvenPpm">κ = (2·breakEvenAccuracy − 1) · max(0, gold agreement), ppm: the agreement a label must beat to earn.</param>
/// <param name="Neutralised">The heuristics actually removed (a heuristic that adds no rank over the ones before it is skipped).</param>
/// <param name="Coefficients">The least-squares coefficients α_k as exact fractions num/det.</param>
public sealed record InRunFigures(long AgreementPpm, long GoldAgreementPpm, long BreakEvenPpm, IReadOnlyList<string> Neutralised, IReadOnlyList<string> Coefficients);

/// <summary>
/// Turns the items' gold signals into curator values: remove from the signal what the free heuristics
/// predict (least squares over the labelled items, exact rational arithmetic), value each label as
/// y · s⊥_i, charge every label the break-even κ · |s⊥_i| (or the noise floor, whichever is larger),
/// and normalise.
/// </summary>
internal static class Valuation
{
    public static (CuratorValue[] Values, InRunFigures Figures) Compute(
        PreparedMarket market, Int128[] signal, Int128[] goldSignal, IReadOnlyList<TaskItem> pool, IReadOnlyList<GoldItem> gold, InRunParameters p, int threads = 1, CancellationToken ct = default)
    {
        var itemColumns = p.Neutralise.Select(h => (Heuristic: h, Column: Column(signal.Length, i => { var t = pool[market.ItemPoolIndex[i]]; return Heuristics.Label(h, t.Prompt, t.A, t.B); }))).ToList();
        var goldColumns = p.Neutralise.Select(h => Column(gold.Count, g => Heuristics.Label(h, gold[g].Prompt, gold[g].A, gold[g].B))).ToList();
        var fit = LeastSquares.Fit(signal, itemColumns);
        var residual = fit.Residual(signal, [.. fit.UsedIndices.Select(k => itemColumns[k].Column)]);
        var goldResidual = fit.Residual(goldSignal, [.. fit.UsedIndices.Select(k => goldColumns[k])]);

        Int128 total = 0, magnitude = 0;
        var a = new Int128[market.CuratorCount];
        var m = new Int128[market.CuratorCount];
        var q = new BigInteger[market.CuratorCount];
        for (var c = 0; c < market.CuratorCount; c++)
        {
            var ex = market.Curators[c];
            Int128 ac = 0, mc = 0;
            BigInteger qc = 0;
            for (var l = 0; l < ex.Items.Length; l++)
            {
                var s = residual[ex.Items[l]];
                ac += ex.Signs[l] > 0 ? s : -s;
                mc += Int128.Abs(s);
                qc += (BigInteger)s * s;
            }

            (a[c], m[c], q[c]) = (ac, mc, qc);
            total += ac;
            magnitude += mc;
        }

        BigInteger goldAgreement = 0, goldMagnitude = 0;
        for (var g = 0; g < gold.Count; g++)
        {
            goldAgreement += gold[g].Pref == Preference.A ? (BigInteger)goldResidual[g] : -(BigInteger)goldResidual[g];
            goldMagnitude += BigInteger.Abs(goldResidual[g]);
        }

        var figures = new InRunFigures(
            magnitude == 0 ? 0 : (long)Exact.DivRoundHalfAway((BigInteger)total * 1_000_000, magnitude),
            (long)Exact.DivRoundHalfAway(goldAgreement * 1_000_000, goldMagnitude.IsZero ? BigInteger.One : goldMagnitude),
            p.Peer is { } peer ? peer.BreakEvenAgreementPpm : (long)Exact.DivRoundHalfAway(((2 * (BigInteger)p.BreakEvenAccuracyPpm) - 1_000_000) * (goldMagnitude.IsZero ? BigInteger.Zero : BigInteger.Max(BigInteger.Zero, goldAgreement)), goldMagnitude.IsZero ? BigInteger.One : goldMagnitude),
            [.. fit.UsedIndices.Select(k => InRunParameters.NameOf(itemColumns[k].Heuristic))],
            [.. fit.Numerators.Select(x => $"{x}/{fit.Determinant}")]);
        if (p.Peer is not null)
        {
            var stats = Enumerable.Range(0, market.CuratorCount).Select(c => (a[c], m[c], q[c])).ToArray();
            return (PeerValuation.Compute(market, residual, stats, goldAgreement, goldMagnitude, itemColumns, p, threads, ct), figures);
        }

        var goldPositive = goldMagnitude.IsZero ? BigInteger.Zero : BigInteger.Max(BigInteger.Zero, goldAgreement);
        var mg = goldMagnitude.IsZero ? BigInteger.One : goldMagnitude;
        var labels = (BigInteger)market.TotalLabels;
        var bigM = (BigInteger)magnitude;
        var edge = (2 * (BigInteger)p.BreakEvenAccuracyPpm) - 1_000_000;
        var values = new CuratorValue[market.CuratorCount];
        var splits = new Action?[market.CuratorCount];
        for (var c = 0; c < market.CuratorCount; c++)
        {
            if (magnitude == 0)
            {
                values[c] = new CuratorValue(0, 0, new long[market.Curators[c].Items.Length]);
                continue;
            }

            // Bars on A_c over the common denominator D = 10^9 · Mg: the break-even κ · M_c, and the noise floor z · √(Σ s²).
            // The score (what slashes) measures the curator against the break-even; the value (what is paid) also has to
            // clear the noise floor, so a coin-flipper's lucky draw is rarely paid while its expected shortfall is slashed.
            var relative = 1_000 * edge * goldPositive * (BigInteger)m[c];
            var noise = 1_000_000 * mg * p.NoiseFloorMilli * Exact.Sqrt(q[c]);
            var above = (1_000_000_000 * mg * (BigInteger)a[c]) - relative;
            var paid = (1_000_000_000 * mg * (BigInteger)a[c]) - BigInteger.Max(relative, noise);
            var micro = (long)Exact.DivRoundHalfAway(paid * labels, 1_000 * mg * bigM);
            var bps = m[c] == 0 ? 0 : (int)BigInteger.Clamp(Exact.DivRoundHalfAway(above * 10_000, 1_000_000_000 * mg * (BigInteger)m[c]), -10_000, 10_000);
            var (cc, linear) = (c, relative >= noise);
            values[c] = new CuratorValue(micro, bps, []);
            splits[c] = () => values[cc] = values[cc] with { LabelMicro = LabelShares(market.Curators[cc].Signs, l => residual[market.Curators[cc].Items[l]], micro, linear, 1_000_000_000 * mg, 1_000 * edge * goldPositive, noise, q[cc], labels, 1_000 * mg * bigM) };
        }

        // Each curator's split is its own exact integers, so splitting curators in parallel gives the same bits.
        Parallel.For(0, market.CuratorCount, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = ct }, c => splits[c]?.Invoke());

        return (values, figures);
    }

    /// <summary>
    /// Splits a curator's value v_c over its labels, exactly. A label's share before rounding is its own term of the
    /// curator's paid amount: gain · y·s⊥ minus its part of the bar that binds. The break-even bar κ · Σ|s⊥| is linear, so a
    /// label carries κ · |s⊥_i|; the noise floor z · √(Σ s⊥²) is homogeneous of degree one, so by Euler's rule a label carries
    /// s⊥_i · ∂/∂s⊥_i = z · s⊥_i² / √(Σ s⊥²) (never more than its gain, since |s⊥_i| ≤ √(Σ s⊥²)). The shares sum to the unrounded
    /// v_c; each is floored over the common denominator and the units v_c still lacks go to the largest remainders (ties: the
    /// earlier label), so the integers sum to v_c exactly and every node writes the same ones.
    /// </summary>
    internal static long[] LabelShares(
        sbyte[] signs, Func<int, Int128> signal, long micro, bool linearBar, BigInteger gain, BigInteger breakEven, BigInteger noise, BigInteger squares, BigInteger labels, BigInteger denominator)
    {
        var n = signs.Length;
        var q = squares.IsZero ? BigInteger.One : squares;
        var den = denominator * q;
        var floors = new BigInteger[n];
        var remainders = new BigInteger[n];
        BigInteger sum = 0;
        for (var l = 0; l < n; l++)
        {
            var s = (BigInteger)signal(l);
            var signed = signs[l] > 0 ? s : -s;
            var share = linearBar
                ? ((gain * signed) - (breakEven * BigInteger.Abs(s))) * labels * q
                : ((gain * signed * q) - (noise * s * s)) * labels;
            var f = BigInteger.Divide(share, den);
            if (f * den > share)
            {
                f -= 1; // floor, not truncation: remainders are then all in [0, den)
            }

            (floors[l], remainders[l]) = (f, share - (f * den));
            sum += f;
        }

        var missing = micro - sum;
        if (missing.Sign < 0 || missing > n)
        {
            throw new InvalidOperationException($"label shares floor to {sum}, which rounding v = {micro} cannot reach");
        }

        var order = Enumerable.Range(0, n).OrderByDescending(l => remainders[l]).ThenBy(l => l).Take((int)missing);
        var result = new long[n];
        for (var l = 0; l < n; l++)
        {
            result[l] = (long)floors[l];
        }

        foreach (var l in order)
        {
            result[l]++;
        }

        return result;
    }

    private static sbyte[] Column(int n, Func<int, sbyte> label)
    {
        var column = new sbyte[n];
        for (var i = 0; i < n; i++)
        {
            column[i] = label(i);
        }

        return column;
    }
}
