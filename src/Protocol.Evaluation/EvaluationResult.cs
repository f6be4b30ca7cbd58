using System.Globalization;
using System.Text;

namespace Protocol.Evaluation;

/// <summary>The engine's verdict on one curator.</summary>
/// <param name="Address">Lower-case 0x-prefixed address.</param>
/// <param name="Valid">Whether its labels took part in the evaluation.</param>
/// <param name="InvalidReason">Why not, when invalid.</param>
/// <param name="LabelCount">Labels in its file.</param>
/// <param name="ValueNumerator">φ_c = ValueNumerator / (ValueDenominator · 2^32), exactly.</param>
/// <param name="Shapley">φ_c as a double (for metrics).</param>
/// <param name="ValueMicro">v_c = φ_c · 10^6 rounded half away from zero (0 when invalid).</param>
/// <param name="ScoreBps">s_c in basis points, −10000 … 10000 (−10000 when invalid).</param>
public sealed record CuratorResult(
    string Address,
    bool Valid,
    string? InvalidReason,
    int LabelCount,
    Int128 ValueNumerator,
    double Shapley,
    long ValueMicro,
    int ScoreBps);

/// <summary>Market-level figures of one evaluation. Utilities are mean gold log-likelihoods (natural log).</summary>
public sealed record EvaluationMetrics
{
    /// <summary>The spec's name.</summary>
    public required string Spec { get; init; }

    /// <summary>keccak256 of the spec document, when it was read from one.</summary>
    public string? SpecHash { get; init; }

    /// <summary>The method actually used (tmc, exact or loo).</summary>
    public required string Method { get; init; }

    /// <summary>Permutation seed keccak256(abi.encode(marketId, round, goldHash)).</summary>
    public required string Seed { get; init; }

    /// <summary>Valid curators N.</summary>
    public required int ValidCurators { get; init; }

    /// <summary>Labels of valid curators (training examples of U(all)).</summary>
    public required int Labels { get; init; }

    /// <summary>Distinct task items those labels cover.</summary>
    public required int LabelledItems { get; init; }

    /// <summary>Gold comparisons.</summary>
    public required int GoldItems { get; init; }

    /// <summary>U(all) in units of 2^−32.</summary>
    public required long UtilityAllFixed { get; init; }

    /// <summary>U(∅) in units of 2^−32.</summary>
    public required long UtilityEmptyFixed { get; init; }

    /// <summary>U(all) = gold log-likelihood of the model trained on every valid curator.</summary>
    public double UtilityAll => Math.ScaleB((double)UtilityAllFixed, -Model.FixedPoint.UtilityBits);

    /// <summary>U(∅) = −ln 2.</summary>
    public double UtilityEmpty => Math.ScaleB((double)UtilityEmptyFixed, -Model.FixedPoint.UtilityBits);

    /// <summary>Gold accuracy of the all-curator model, in units of 1/(2·GoldItems) (a tie counts half).</summary>
    public required long GoldCorrectHalves { get; init; }

    /// <summary>Gold accuracy of the all-curator model.</summary>
    public double GoldAccuracy => GoldItems == 0 ? 0 : GoldCorrectHalves / (2.0 * GoldItems);

    /// <summary>Common denominator of the value numerators: permutations (tmc), N! (exact) or 1 (loo).</summary>
    public required Int128 ValueDenominator { get; init; }

    /// <summary>Models trained.</summary>
    public required long TrainingsRun { get; init; }

    /// <summary>Permutations sampled (tmc).</summary>
    public required int Permutations { get; init; }

    /// <summary>Prefix trainings skipped by truncation (tmc).</summary>
    public required long Truncations { get; init; }

    /// <summary>Integer multiply-adds of the forward and backward passes over the nonzero feature entries.</summary>
    public required long MultiplyAdds { get; init; }

    /// <summary>The same work counted as dense FLOPs: Σ over gradient steps of coalition items × dim × 4.</summary>
    public required double DenseFlops { get; init; }

    /// <summary>The backend that ran (not part of the canonical text).</summary>
    public required string Backend { get; init; }

    /// <summary>The in-run valuation's market figures (method inrun only).</summary>
    public InRun.InRunFigures? InRun { get; init; }
}

/// <summary>What one label of a valid curator earned (in-run specs only).</summary>
/// <param name="Address">Lower-case 0x-prefixed address of its curator.</param>
/// <param name="Id">The task-pool id it labels.</param>
/// <param name="Pref">The label.</param>
/// <param name="ValueMicro">Its share of the curator's v, micro-units; a curator's shares sum to its <see cref="CuratorResult.ValueMicro"/>.</param>
public sealed record LabelResult(string Address, string Id, Preference Pref, long ValueMicro);

/// <summary>Per-curator results (sorted by address) and the market metrics.</summary>
public sealed record EvaluationResult(IReadOnlyList<CuratorResult> Curators, EvaluationMetrics Metrics)
{
    /// <summary>
    /// Every valid label's value, by address then task-pool position; null for bt-shapley-v1, which values curators as
    /// wholes (a coalition game has no per-label terms). Not part of <see cref="ToCanonicalText"/>: it refines the curator values.
    /// </summary>
    public IReadOnlyList<LabelResult>? Labels { get; init; }

    /// <summary>
    /// Every deterministic output as text, one field per line (the backend and timings are not part of it).
    /// Two honest runs of the same spec on the same input produce the same bytes.
    /// </summary>
    public string ToCanonicalText()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var m = Metrics;
        sb.Append(ci, $"spec={m.Spec} method={m.Method} seed={m.Seed} n={m.ValidCurators} labels={m.Labels} items={m.LabelledItems} gold={m.GoldItems}\n");
        sb.Append(ci, $"uAll={m.UtilityAllFixed} uEmpty={m.UtilityEmptyFixed} goldCorrectHalves={m.GoldCorrectHalves} den={m.ValueDenominator} trainings={m.TrainingsRun} permutations={m.Permutations} truncations={m.Truncations}\n");
        if (m.InRun is { } f)
        {
            sb.Append(ci, $"agreementPpm={f.AgreementPpm} goldAgreementPpm={f.GoldAgreementPpm} breakEvenPpm={f.BreakEvenPpm} neutralised={string.Join(',', f.Neutralised)} coefficients={string.Join(',', f.Coefficients)}\n");
        }

        foreach (var c in Curators)
        {
            sb.Append(ci, $"{c.Address} valid={(c.Valid ? 1 : 0)} reason={c.InvalidReason ?? "-"} labels={c.LabelCount} num={c.ValueNumerator} phi={c.Shapley.ToString("R", ci)} v={c.ValueMicro} bps={c.ScoreBps}\n");
        }

        return sb.ToString();
    }

    /// <summary>keccak256 of <see cref="ToCanonicalText"/> (UTF-8), 0x-prefixed: the determinism fingerprint.</summary>
    public string ResultHash() => "0x" + Convert.ToHexStringLower(EvaluationSpec.Keccak(Encoding.UTF8.GetBytes(ToCanonicalText())));
}

/// <summary>Progress of an evaluation: model trainings done out of the most that can run (truncation skips count as done).</summary>
public readonly record struct EvaluationProgress(long TrainingsDone, long TrainingsTotal);
