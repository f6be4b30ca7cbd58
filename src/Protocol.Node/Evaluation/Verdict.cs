using Protocol.Core.Reports;

namespace Protocol.Node.Evaluation;

/// <summary>The sponsor's task pool, gold set or features cannot be used, for <see cref="Reason"/>: the node signs a verdict.</summary>
public sealed class SponsorInputsUnusableException(VerdictReason reason, string detail) : MarketInputException($"{reason.Code}: {detail}")
{
    public VerdictReason Reason { get; } = reason;

    /// <summary>What exactly is wrong (published with the verdict, not part of its hash).</summary>
    public string Detail { get; } = detail;
}
