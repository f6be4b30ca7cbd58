namespace Protocol.Core.Contracts;

/// <summary>
/// What every tool says about a <see cref="MarketPhase"/>: its name as users type and read it (<c>open</c>,
/// <c>challenge</c>, <c>forfeited</c>), whether it is settled or failed, whether the stored status records it yet,
/// and when it ends by the chain's clock.
/// </summary>
public static class MarketPhases
{
    private static readonly string[] PhaseNames = [.. Enum.GetValues<MarketPhase>().Select(p => p.ToString().ToLowerInvariant())];
    private static readonly string[] StatusNames = [.. Enum.GetValues<MarketStatus>().Select(p => p.ToString().ToLowerInvariant())];

    /// <summary>Every phase an existing market can be in (all but <see cref="MarketPhase.None"/>), in the contract's order.</summary>
    public static IReadOnlyList<MarketPhase> Reachable { get; } = [.. Enum.GetValues<MarketPhase>().Skip(1)];

    /// <summary>The phase's lower-case name (<c>open</c>, <c>finalized</c>); the number for a value the contract does not declare.</summary>
    public static string Name(this MarketPhase phase) => (int)phase < PhaseNames.Length ? PhaseNames[(int)phase] : ((byte)phase).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The status's lower-case name (<c>active</c>, <c>accepted</c>), as the indexer's <c>markets</c> view writes it.</summary>
    public static string Name(this MarketStatus status) => (int)status < StatusNames.Length ? StatusNames[(int)status] : ((byte)status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The phase named <paramref name="name"/> exactly (lower case, as <see cref="Name(MarketPhase)"/> writes it); false for anything else.</summary>
    public static bool TryParse(string name, out MarketPhase phase)
    {
        var i = Array.IndexOf(PhaseNames, name);
        phase = i < 0 ? MarketPhase.None : (MarketPhase)i;
        return i >= 0;
    }

    /// <summary>Finalized, cancelled or forfeited: the market will never move again.</summary>
    public static bool IsSettled(this MarketPhase phase) => phase >= MarketPhase.Finalized;

    /// <summary>Cancelled or forfeited: settled without an accepted report's payout; curators take their stakes back.</summary>
    public static bool IsFailed(this MarketPhase phase) => phase is MarketPhase.Cancelled or MarketPhase.Forfeited;

    /// <summary>Cancelled or forfeited, as stored.</summary>
    public static bool IsFailed(this MarketStatus status) => status is MarketStatus.Cancelled or MarketStatus.Forfeited;

    /// <summary>The status that records a settled phase on chain (<c>finalize</c>, <c>cancel</c>, <c>forfeit</c>); null for the others, which are not stored.</summary>
    public static MarketStatus? StoredAs(this MarketPhase phase) => phase switch
    {
        MarketPhase.Finalized => MarketStatus.Finalized,
        MarketPhase.Cancelled => MarketStatus.Cancelled,
        MarketPhase.Forfeited => MarketStatus.Forfeited,
        _ => null,
    };

    /// <summary>
    /// Whether the stored <paramref name="status"/> already says what <c>phase()</c> derives: settled phases are due
    /// by the clock before anyone records them; the other phases need no record.
    /// </summary>
    public static bool IsRecorded(this MarketPhase phase, MarketStatus status) => phase.StoredAs() is not { } stored || stored == status;

    /// <summary>When the accepted report's challenge window closes: <c>acceptedAt + challengePeriod</c>.</summary>
    public static ulong ChallengeEnds(MarketConfig config, MarketState state)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        return state.AcceptedAt + config.ChallengePeriod;
    }

    /// <summary>By when the arbiter must resolve the dispute: <c>disputedAt + RESOLUTION_PERIOD</c>; after that anyone may cancel.</summary>
    public static ulong ResolutionDue(MarketState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.DisputedAt + MarketRules.ResolutionPeriod;
    }

    /// <summary>
    /// When <paramref name="phase"/> ends by the chain's clock unless someone acts first (unix seconds): commits close,
    /// reveals close, the gold set is due (evaluation before the gold reveal), the evaluation deadline, the challenge
    /// window closes, the arbiter's deadline. Null for a settled market.
    /// </summary>
    public static ulong? Deadline(this MarketPhase phase, MarketConfig config, MarketState state)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        return phase switch
        {
            MarketPhase.Open => config.CommitDeadline,
            MarketPhase.Reveal => config.RevealDeadline,
            MarketPhase.Evaluation when !state.GoldRevealed => config.GoldDeadline,
            MarketPhase.Evaluation => state.EvaluationDeadline,
            MarketPhase.Challenge => ChallengeEnds(config, state),
            MarketPhase.Disputed => ResolutionDue(state),
            _ => null,
        };
    }
}
