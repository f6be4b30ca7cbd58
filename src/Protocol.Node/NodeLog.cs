using Microsoft.Extensions.Logging;

namespace Protocol.Node;

internal static partial class NodeLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Submission of {Curator} is invalid: {Reason}")]
    public static partial void InvalidSubmission(ILogger logger, string curator, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluated market {MarketId} round {Round}: {Trainings} trainings on {Backend}")]
    public static partial void Evaluated(ILogger logger, System.Numerics.BigInteger marketId, uint round, long trainings, string backend);

    [LoggerMessage(Level = LogLevel.Information, Message = "Attested market {MarketId} round {Round}: digest {Digest} in {Transaction}")]
    public static partial void Attested(ILogger logger, System.Numerics.BigInteger marketId, uint round, Protocol.Core.Hashing.Bytes32 digest, string transaction);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enqueued evaluation of market {MarketId} round {Round} as job {JobId}")]
    public static partial void Enqueued(ILogger logger, System.Numerics.BigInteger marketId, uint round, string jobId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Market {MarketId} round {Round}: {Done}/{Total} trainings")]
    public static partial void Progress(ILogger logger, System.Numerics.BigInteger marketId, uint round, long done, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Market {MarketId} round {Round}: {Status} (digest {Digest})")]
    public static partial void JobDone(ILogger logger, System.Numerics.BigInteger marketId, uint round, string status, Protocol.Core.Hashing.Bytes32? digest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disagreement on market {MarketId} round {Round}: oracle {Signer} attested {TheirDigest}, this node signed {OurDigest}")]
    public static partial void Disagreement(ILogger logger, System.Numerics.BigInteger marketId, uint round, string signer, string theirDigest, string ourDigest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RPC unreachable ({Method}, failure {Failures} in a row): {Error}; trying again in {Delay}")]
    public static partial void RpcOutage(ILogger logger, string method, int failures, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "RPC reachable again after {Duration} ({Failures} failed attempts); the work resumes")]
    public static partial void RpcRecovered(ILogger logger, TimeSpan duration, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market {MarketId} round {Round}: the sponsor's inputs are unusable ({Verdict}: {Detail}); signing a verdict")]
    public static partial void Verdict(ILogger logger, System.Numerics.BigInteger marketId, uint round, string verdict, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disputed market {MarketId} round {Round}: accepted {AcceptedDigest}, this node computed {OurDigest}; bond {Bond} in {Transaction}")]
    public static partial void Disputed(ILogger logger, System.Numerics.BigInteger marketId, uint round, string acceptedDigest, string ourDigest, System.Numerics.BigInteger bond, string transaction);

    [LoggerMessage(Level = LogLevel.Error, Message = "Market {MarketId} round {Round}: accepted {AcceptedDigest} differs from this node's {OurDigest}, but its bond {Bond} would take the disputes past Node:DisputeBudget ({Spent} of {Budget} spent); not disputing")]
    public static partial void DisputeOverBudget(ILogger logger, System.Numerics.BigInteger marketId, uint round, string acceptedDigest, string ourDigest, System.Numerics.BigInteger bond, System.Numerics.BigInteger spent, System.Numerics.BigInteger budget);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proved equivocation of oracle {Signer} on market {MarketId} round {Round} ({DigestA} and {DigestB}) in {Transaction}")]
    public static partial void EquivocationProven(ILogger logger, System.Numerics.BigInteger marketId, uint round, string signer, string digestA, string digestB, string transaction);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market {MarketId} round {Round} refused by policy rule {Rule}: {Detail}; not evaluated, not attested")]
    public static partial void PolicyRefused(ILogger logger, System.Numerics.BigInteger marketId, uint round, string rule, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluation of market {MarketId} round {Round} failed (try {Tries}): {Error}; trying again after {NextTry}")]
    public static partial void EvaluationFailed(ILogger logger, System.Numerics.BigInteger marketId, uint round, int tries, string error, DateTimeOffset nextTry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market {MarketId} round {Round}: the attestation needs {Needed} of free bond, {Free} is free; trying again once enough is unlocked")]
    public static partial void WaitingForBond(ILogger logger, System.Numerics.BigInteger marketId, uint round, System.Numerics.BigInteger needed, System.Numerics.BigInteger free);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enqueued evaluation of market {MarketId} round {Round} again (try {Tries}) as job {JobId}")]
    public static partial void Reenqueued(ILogger logger, System.Numerics.BigInteger marketId, uint round, int tries, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Settled market {MarketId} with {Action} in {Transaction}: this oracle's bond locked behind it is free again")]
    public static partial void Settled(ILogger logger, System.Numerics.BigInteger marketId, string action, string transaction);

    [LoggerMessage(Level = LogLevel.Error, Message = "Market {MarketId} round {Round}: accepted {AcceptedDigest} differs from this node's {OurDigest}, but the wallet holds {Balance} of the {Bond} dispute bond; not disputing")]
    public static partial void DisputeUnfunded(ILogger logger, System.Numerics.BigInteger marketId, uint round, string acceptedDigest, string ourDigest, System.Numerics.BigInteger bond, System.Numerics.BigInteger balance);
}
