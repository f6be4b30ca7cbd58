namespace Protocol.Core.Contracts;

// The contracts' enums, member for member in declaration order (a test reads contracts/src and fails when they
// differ). The generated bindings carry them as the ABI does, as uint8 (byte); cast to these to read them.

/// <summary>
/// <c>Phase</c> of IFeedbackMarket.sol: where a market stands, derived by <c>phase(marketId)</c> from its stored
/// <see cref="MarketStatus"/> and the block timestamp. <see cref="MarketPhases"/> names them and says which are settled.
/// </summary>
public enum MarketPhase : byte
{
    /// <summary>No such market.</summary>
    None,

    /// <summary>Commits accepted (now &lt; commitDeadline).</summary>
    Open,

    /// <summary>Reveals accepted (commitDeadline ≤ now &lt; revealDeadline).</summary>
    Reveal,

    /// <summary>Gold reveal and attestations of the current round.</summary>
    Evaluation,

    /// <summary>A report was accepted; disputes accepted until acceptedAt + challengePeriod.</summary>
    Challenge,

    /// <summary>Waiting for the arbiter.</summary>
    Disputed,

    /// <summary>Claims open (stored, or due: the challenge window passed without dispute).</summary>
    Finalized,

    /// <summary>Refunds open (stored, or due: no accepted report by the evaluation deadline, the last round overturned, or a dispute the arbiter did not resolve in time).</summary>
    Cancelled,

    /// <summary>Refunds open (stored, or due: gold not revealed by goldDeadline, or an accepted verdict that the sponsor's inputs are unusable).</summary>
    Forfeited,
}

/// <summary><c>MarketStatus</c> of IFeedbackMarket.sol: what the market stores (<c>marketState(id).status</c>); it changes only on actions.</summary>
public enum MarketStatus : byte
{
    Active,
    Accepted,
    Disputed,
    Finalized,
    Cancelled,
    Forfeited,
}

/// <summary><c>CreditReason</c> of IFeedbackMarket.sol: why an account was credited (the <c>Credited</c> event).</summary>
public enum CreditReason : byte
{
    OracleFee,
    DisputeBondToSigners,
    DisputeBondRefund,
    PoolRefund,
    PoolBurned,
    Sweep,
}

/// <summary><c>OracleStatus</c> of IOracleRegistry.sol: an oracle's life cycle in the registry (<c>oracle(account).status</c>).</summary>
public enum OracleStatus : byte
{
    None,
    Active,
    Exiting,
    Slashed,
}
