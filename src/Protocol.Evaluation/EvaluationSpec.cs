using System.Globalization;
using System.Text.Json;
using Nethereum.Util;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation;

/// <summary>How curator values are attributed.</summary>
public enum AttributionMethod
{
    /// <summary>Truncated Monte-Carlo permutation sampling of Shapley values (exact enumeration when the market is small).</summary>
    Tmc,

    /// <summary>Exact Shapley values by enumerating every coalition (at most <see cref="EvaluationSpec.ExactMaxCurators"/> curators).</summary>
    Exact,

    /// <summary>Leave-one-out: U(all) − U(all without the curator).</summary>
    LeaveOneOut,

    /// <summary>bt-inrun-v2: one training run; each label valued by its first-order effect on the gold log-likelihood.</summary>
    InRun,
}

/// <summary>Where the comparison rows come from.</summary>
public enum FeatureKind
{
    /// <summary>Hashed word n-grams of the responses (the spec's tokens/ngrams/hash/features sections).</summary>
    NGrams,

    /// <summary>Rows committed by the sponsor in features files bound to the task pool and gold set (docs/formats.md).</summary>
    Committed,
}

/// <summary>
/// The parameters of an evaluation spec document (specs/bt-shapley-v1.json). Markets commit to the
/// keccak256 of the document's bytes (<see cref="Hash"/>).
/// </summary>
public sealed record EvaluationSpec
{
    /// <summary>Spec name, e.g. <c>bt-shapley-v1</c>.</summary>
    public string Name { get; init; } = "bt-shapley-v1";

    /// <summary>Where the rows come from: hashed n-grams (v1, bt-inrun-v2) or the sponsor's committed features.</summary>
    public FeatureKind Features { get; init; } = FeatureKind.NGrams;

    /// <summary>
    /// With committed features: the model every features file must name in its header (e.g.
    /// all-MiniLM-L6-v2+snowflake-arctic-embed-xs), or null when the sponsor may commit any model's features.
    /// </summary>
    public string? FeaturesModel { get; init; }

    /// <summary>Feature buckets (power of two) of the n-gram featuriser; 0 for committed features (the files say).</summary>
    public int Dim { get; init; } = 1024;

    /// <summary>Gradient steps for a model trained from w = 0 (U(all), exact enumeration, leave-one-out).</summary>
    public int Iterations { get; init; } = 5;

    /// <summary>Whether each prefix model of a permutation starts from the previous prefix's weights (else from w = 0 with <see cref="Iterations"/> steps).</summary>
    public bool WarmStart { get; init; }

    /// <summary>Gradient steps for each prefix model of a permutation, warm-started from the previous prefix.</summary>
    public int WarmIterations { get; init; } = 5;

    /// <summary>Learning rate η.</summary>
    public double LearningRate { get; init; } = 8.0;

    /// <summary>L2 coefficient λ (loss + λ/2 ‖w‖²).</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Attribution method.</summary>
    public AttributionMethod Method { get; init; } = AttributionMethod.Tmc;

    /// <summary>Permutations for TMC.</summary>
    public int Permutations { get; init; } = 64;

    /// <summary>Whether permutation 2k+1 is permutation 2k reversed (antithetic sampling, lower variance).</summary>
    public bool Antithetic { get; init; } = true;

    /// <summary>Truncation: a permutation stops when |U(all) − U(prefix)| ≤ tolerance · |U(all) − U(∅)| (parts per million).</summary>
    public int TruncationTolerancePpm { get; init; }

    /// <summary>With method tmc, markets with at most this many valid curators are enumerated exactly.</summary>
    public int ExactMaxCurators { get; init; } = 12;

    /// <summary>The in-run parameters (method inrun, bt-inrun-v2); null for the Shapley methods of v1.</summary>
    public InRun.InRunParameters? InRun { get; init; }

    /// <summary>The payout's slash rule: the score (v1) or linear in value (the in-run spec's choice).</summary>
    public Protocol.Core.Payouts.SlashRule SlashRule => InRun?.Slash ?? Protocol.Core.Payouts.SlashRule.Score;

    /// <summary>keccak256 of the document bytes this spec was read from (null when built in code).</summary>
    public string? Hash { get; init; }

    /// <summary>Most training steps of an in-run spec.</summary>
    public const int MaxInRunIterations = 1024;

    /// <summary>Reads a spec document; checks that its arithmetic section is the one implemented here.</summary>
    public static EvaluationSpec Parse(ReadOnlySpan<byte> documentBytes)
    {
        using var doc = JsonDocument.Parse(documentBytes.ToArray());
        var root = doc.RootElement;
        var p = root.GetProperty("parameters");
        var a = root.GetProperty("arithmetic");
        void Expect(string key, long value)
        {
            if (a.GetProperty(key).GetInt64() != value)
            {
                throw new NotSupportedException($"spec arithmetic.{key} = {a.GetProperty(key)}, this engine implements {value}");
            }
        }

        Expect("featureScaleBits", FixedPoint.FeatureBits);
        Expect("weightScaleBits", FixedPoint.WeightBits);
        Expect("probabilityScaleBits", FixedPoint.ProbabilityBits);
        Expect("weightClamp", FixedPoint.WeightClamp);
        Expect("utilityScaleBits", FixedPoint.UtilityBits);
        Expect("sigmoidTableRange", FixedPoint.SigmoidRange);
        Expect("sigmoidTableStepBits", FixedPoint.SigmoidStepBits);
        Expect("sigmoidFractionBits", FixedPoint.SigmoidFractionBits);
        Expect("expDegree", DeterministicMath.ExpDegree);
        Expect("log1pTerms", DeterministicMath.Log1pTerms);
        var tableHash = a.GetProperty("sigmoidTableKeccak").GetString();
        if (!string.Equals(tableHash, SigmoidTableHash(), StringComparison.Ordinal))
        {
            throw new NotSupportedException($"spec sigmoidTableKeccak {tableHash} differs from this engine's table {SigmoidTableHash()}");
        }

        var method = p.GetProperty("method").GetString() switch
        {
            "tmc" => AttributionMethod.Tmc,
            "exact" => AttributionMethod.Exact,
            "loo" => AttributionMethod.LeaveOneOut,
            "inrun" => AttributionMethod.InRun,
            var m => throw new NotSupportedException($"unknown attribution method '{m}' (this engine implements tmc, exact, loo and inrun)"),
        };

        var features = p.TryGetProperty("features", out var f) ? f.GetString() switch
        {
            "ngrams" => FeatureKind.NGrams,
            "committed" => FeatureKind.Committed,
            var other => throw new NotSupportedException($"unknown features '{other}' (this engine implements ngrams and committed)"),
        } : FeatureKind.NGrams;
        var common = new EvaluationSpec
        {
            Name = root.GetProperty("name").GetString() ?? throw new FormatException("spec has no name"),
            Features = features,
            FeaturesModel = p.TryGetProperty("featuresModel", out var fm) ? fm.GetString() : null,
            Dim = features == FeatureKind.Committed ? 0 : p.GetProperty("dim").GetInt32(),
            Iterations = p.GetProperty("iterations").GetInt32(),
            LearningRate = double.Parse(p.GetProperty("learningRate").GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            L2 = double.Parse(p.GetProperty("l2").GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            Method = method,
            Hash = "0x" + Convert.ToHexStringLower(Keccak(documentBytes)),
        };
        if (method == AttributionMethod.InRun)
        {
            return (common with
            {
                InRun = new InRun.InRunParameters
                {
                    Neutralise = [.. p.GetProperty("neutralise").EnumerateArray().Select(e => global::Protocol.Evaluation.InRun.InRunParameters.Parse(e.GetString()))],
                    // A peer spec (v3) judges labels against the consensus, with its own break-even; the model-only bar does not apply.
                    BreakEvenAccuracyPpm = p.TryGetProperty("peer", out var isPeer) && isPeer.GetBoolean() ? 500_000 : p.GetProperty("breakEvenAccuracyPpm").GetInt32(),
                    NoiseFloorMilli = p.GetProperty("noiseFloorMilli").GetInt32(),
                    AssignedSharePpm = p.TryGetProperty("assignedSharePpm", out var share) ? share.GetInt32() : 1_000_000,
                    AssignedItems = p.TryGetProperty("assignedItems", out var items) ? items.GetInt32() : 0,
                    MinLabelsPpm = p.TryGetProperty("minLabelsPpm", out var minLabels) ? minLabels.GetInt32() : 0,
                    Peer = p.TryGetProperty("peer", out var peer) && peer.GetBoolean()
                        ? new global::Protocol.Evaluation.InRun.PeerParameters(
                            p.GetProperty("modelVotesMilli").GetInt32(), p.GetProperty("peerShrinkMilli").GetInt32(), p.GetProperty("breakEvenAgreementPpm").GetInt32(), p.GetProperty("peerRounds").GetInt32())
                        : null,
                    Slash = global::Protocol.Evaluation.InRun.InRunParameters.ParseSlash(p.GetProperty("slash").GetString()),
                },
            }).Validated();
        }

        return (common with
        {
            WarmStart = p.GetProperty("warmStart").GetBoolean(),
            WarmIterations = p.GetProperty("warmIterations").GetInt32(),
            Permutations = p.GetProperty("permutations").GetInt32(),
            Antithetic = p.GetProperty("antithetic").GetBoolean(),
            TruncationTolerancePpm = p.GetProperty("truncationTolerancePpm").GetInt32(),
            ExactMaxCurators = p.GetProperty("exactMaxCurators").GetInt32(),
        }).Validated();
    }

    /// <summary>Reads a spec document from a file.</summary>
    public static EvaluationSpec Load(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>keccak256 of the sigmoid table (8193 int64, big-endian), as written in the spec.</summary>
    public static string SigmoidTableHash()
    {
        var table = FixedPoint.SigmoidTable;
        var bytes = new byte[table.Length * 8];
        for (var k = 0; k < table.Length; k++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(k * 8), table[k]);
        }

        return "0x" + Convert.ToHexStringLower(Keccak(bytes));
    }

    /// <summary>Checks the parameter ranges; returns this spec.</summary>
    public EvaluationSpec Validated()
    {
        if (Features == FeatureKind.NGrams)
        {
            _ = new Featuriser(Dim);
        }
        else if (Method != AttributionMethod.InRun || Dim != 0)
        {
            throw new ArgumentException("committed features are read by the in-run method only, and the files give the dimension (spec dim must be absent)");
        }

        if (FeaturesModel is not null && (Features != FeatureKind.Committed || string.IsNullOrWhiteSpace(FeaturesModel)))
        {
            throw new ArgumentException("featuresModel names the embedder of committed features: a model name, with features 'committed'");
        }
        if (Iterations < 0 || WarmIterations < 0 || Permutations < 1 || TruncationTolerancePpm < 0 || ExactMaxCurators is < 0 or > 20)
        {
            throw new ArgumentException("spec parameters out of range");
        }

        if (!(LearningRate > 0 && double.IsFinite(LearningRate)) || !(L2 >= 0 && double.IsFinite(L2)))
        {
            throw new ArgumentException("spec learning rate / l2 out of range");
        }

        if ((Method == AttributionMethod.InRun) != (InRun is not null))
        {
            throw new ArgumentException("spec method inrun needs the in-run parameters, and only it takes them");
        }

        if (InRun is not null && Iterations > MaxInRunIterations)
        {
            throw new ArgumentException($"spec iterations {Iterations} exceed the in-run limit of {MaxInRunIterations} (keeps the signal sums exact in 128 bits)");
        }

        InRun?.Validated();

        return this;
    }

    internal static byte[] Keccak(ReadOnlySpan<byte> bytes) => Sha3Keccack.Current.CalculateHash(bytes.ToArray());
}
