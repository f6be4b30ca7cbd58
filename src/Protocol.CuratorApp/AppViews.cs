namespace Protocol.CuratorApp;

// What the page reads, as JSON (camelCase). Amounts come twice: for people ("12.5 FBT") and exact in base units
// (decimal strings: a uint256 does not fit a JavaScript number).

/// <summary>Everything the page shows outside the items: the market, the key's place in it, the labels, what to do next.</summary>
internal sealed record AppState(
    MarketView Market, CuratorView Curator, LabelSnapshot Labels, int Items, int Minimum, bool Assigned,
    NextView Next, RevealView Reveal, SettlementView? Settlement, string? Dashboard, FilesView Files);

/// <summary>The market's terms and clock; deadlines in local time and in words relative to the chain's clock.</summary>
internal sealed record MarketView(
    string Id, string Contract, string ChainId, string Phase, string Spec, string Token,
    AmountView Pool, AmountView MinStake, AmountView StakeCap, int SlashBps, int OracleFeeBps, IReadOnlyList<DeadlineView> Deadlines);

/// <summary>A token amount: <c>Text</c> "12.5 FBT" for people, <c>Tokens</c> "12.5" for an input, <c>Wei</c> exact.</summary>
internal sealed record AmountView(string Text, string Tokens, string Wei);

/// <summary>One deadline: "Commits close" / "in 3 h" / "2026-12-03 14:05:00 +01:00"; <c>Text</c> is the sentence.</summary>
internal sealed record DeadlineView(string Key, string Text, string Relative, string Local, bool Past);

/// <summary>The key in this market: committed (with what stake), revealed, refunded; its token balance.</summary>
internal sealed record CuratorView(string Address, bool Committed, AmountView? Stake, bool Revealed, bool Refunded, AmountView Balance);

/// <summary>The step the curator is at (label, wait, reveal, claim, done, missed) and a sentence saying what happens next.</summary>
internal sealed record NextView(string Step, string Text);

/// <summary>How this app reveals: in the reveal itself (on chain), or by copying the file to a served folder.</summary>
internal sealed record RevealView(bool OnChain, string Text);

/// <summary>
/// The key's outcome in the accepted report: the leaf (score, payout; its proof checked against the accepted root),
/// the value and stake from the oracle's scores file, the profit (payout − stake), whether it was claimed. When it
/// cannot be read, only <c>Note</c> says why.
/// </summary>
internal sealed record SettlementView(int? ScoreBps, string? Value, AmountView? Stake, AmountView? Payout, AmountView? Profit, bool Claimed, string? Note);

/// <summary>Where the app keeps the key's files.</summary>
internal sealed record FilesView(string Labels, string Secrets);

/// <summary>What an action did: sentences for the activity log, the transactions it sent, and the state after it.</summary>
internal sealed record ActionView(IReadOnlyList<string> Messages, IReadOnlyList<TransactionView> Transactions, AppState State);

/// <summary>One sent transaction: the function, the hash, the gas used.</summary>
internal sealed record TransactionView(string Name, string Hash, string GasUsed);

/// <summary>One item to label, as in the task pool.</summary>
internal sealed record ItemView(string Id, string Prompt, string A, string B);

/// <summary>A choice the page sends: an item and "a", "b" or "skip".</summary>
internal sealed record ChoiceRequest(string? Id, string? Pref);

/// <summary>The stake the page sends with a commit, as typed (tokens, or base units with a wei suffix).</summary>
internal sealed record StakeRequest(string? Stake);
