using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Client.Markets;
using Protocol.Client;
using Protocol.Core.Contracts;
using Protocol.Core.Files;

namespace Protocol.CuratorApp;

/// <summary>
/// The app's side of the chain for one key in one market: the market's terms and the key's place in it, the key's
/// items and label book, and the commit, reveal and claim, each run by the same <see cref="CuratorActions"/> as the
/// <c>fmp curator</c> commands. One chain call at a time (a <see cref="MarketSession"/> is not shared between threads),
/// and the market is read again before every answer, since its phase moves with the chain's clock.
/// </summary>
internal sealed class CuratorDesk : IDisposable
{
    private readonly SemaphoreSlim _chain = new(1, 1);
    private readonly MarketSession _m;
    private readonly CuratorTaskPool _pool;
    private readonly CuratorAppOptions _options;
    private readonly ILogger _logger;

    private CuratorDesk(MarketSession m, CuratorTaskPool pool, IReadOnlyList<TaskItem> items, LabelBook book, CuratorAppOptions options, ILogger logger)
    {
        (_m, _pool, Items, Book, _options, _logger) = (m, pool, items, book, options, logger);
    }

    /// <summary>The items this key may label, in the task pool's order.</summary>
    public IReadOnlyList<TaskItem> Items { get; }

    public LabelBook Book { get; }

    public string Address => _m.Address;

    public BigInteger MarketId => _m.Id;

    /// <summary>
    /// Loads the market's task pool (checked against its hash, as <c>fmp curator tasks</c> does), keeps the key's items,
    /// opens the label file, and reads the market once (which locks the labels of a key that committed already).
    /// </summary>
    public static async Task<CuratorDesk> OpenAsync(MarketSession m, CuratorAppOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var pool = await CuratorTaskPool.LoadAsync(m, options.StartBlock, cancellationToken).ConfigureAwait(false);
        var items = pool.For(m.Address, m.Id);
        var book = await LabelBook.OpenAsync(options.LabelsFile, items, cancellationToken).ConfigureAwait(false);
        m.Signer.OnSent = sent =>
        {
            CuratorAppLog.Sent(logger, sent.Name, sent.Hash, (long)sent.GasUsed);
            return Task.CompletedTask;
        };
        var desk = new CuratorDesk(m, pool, items, book, options, logger);
        await desk.StateAsync(cancellationToken).ConfigureAwait(false);
        return desk;
    }

    public void Dispose()
    {
        _chain.Dispose();
        Book.Dispose();
    }

    /// <summary>The market as it is now.</summary>
    public async Task<AppState> StateAsync(CancellationToken cancellationToken)
    {
        await _chain.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _m.RefreshAsync().ConfigureAwait(false);
            return await ViewAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _chain.Release();
        }
    }

    /// <summary>Stakes <paramref name="stake"/> and commits to the label file as it is (<see cref="CuratorActions.CommitAsync"/>).</summary>
    public Task<ActionView> CommitAsync(string? stake, CancellationToken cancellationToken) => ActAsync("commit", async () =>
    {
        // No label may change between the workflow reading the file and its kept copy: the commit binds those bytes.
        Book.Lock("a commit is being sent: the labels stay as they are");
        try
        {
            var done = await CuratorActions.CommitAsync(_m, new CommitRequest(_options.LabelsFile, _options.SecretsPath, stake ?? "", "stake", _options.StartBlock), cancellationToken).ConfigureAwait(false);
            return ([
                $"Committed {done.Labels} labels (keccak256 {done.LabelsHash}) with a stake of {Amount(done.Stake).Text}.",
                $"The salt is kept in {done.SecretsPath} and a read-only copy of the committed labels in {done.CommittedCopy}: keep both until the market settles.",
            ], done.Transactions);
        }
        catch
        {
            Book.Lock(null); // the state read after this locks it again if the chain says it was committed
            throw;
        }
    }, cancellationToken);

    /// <summary>Publishes the committed file as the app's options say (on chain, or copied to a served folder) and reveals it (<see cref="CuratorActions.RevealAsync"/>).</summary>
    public Task<ActionView> RevealAsync(CancellationToken cancellationToken) => ActAsync("reveal", async () =>
    {
        var request = RevealRequest();
        var uri = await CuratorActions.RevealUriAsync(request, cancellationToken).ConfigureAwait(false);
        var secrets = await CuratorActions.ReadSecretsAsync(request.SecretsPath, cancellationToken).ConfigureAwait(false);
        var done = await CuratorActions.RevealAsync(_m, secrets, request, uri, cancellationToken).ConfigureAwait(false);
        return ([
            done.OnChain
                ? $"Revealed {done.LabelsFile} in the reveal itself ({done.Uri.Length} characters on chain): no oracle can fail to fetch it."
                : $"Revealed {done.LabelsFile} at {done.Uri} (copied to {done.CopiedTo}): keep it served until the market settles.",
        ], done.Transactions);
    }, cancellationToken);

    /// <summary>Claims the key's leaf, or its stake back from a failed market (<see cref="CuratorActions.ClaimAsync"/>).</summary>
    public Task<ActionView> ClaimAsync(CancellationToken cancellationToken) => ActAsync("claim", async () =>
    {
        var done = await CuratorActions.ClaimAsync(_m, _options.Reports, cancellationToken).ConfigureAwait(false);
        return (done.Kind switch
        {
            ClaimKind.Nothing => [done.Note!],
            ClaimKind.Leaf => [$"Claimed {Amount(done.Paid).Text} (score {done.Leaf!.ScoreBps} bps; the leaf's proof was checked against the accepted root)."],
            _ => [$"Refunded the stake: {Amount(done.Paid).Text}."],
        }, done.Transactions);
    }, cancellationToken);

    private async Task<ActionView> ActAsync(string action, Func<Task<(IReadOnlyList<string> Messages, IReadOnlyList<SentTransaction> Sent)>> body, CancellationToken cancellationToken)
    {
        await _chain.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _m.RefreshAsync().ConfigureAwait(false);
            var (messages, sent) = await body().ConfigureAwait(false);
            CuratorAppLog.Acted(_logger, action, _m.Id, _m.Address, sent.Count);
            await _m.RefreshAsync().ConfigureAwait(false);
            return new ActionView(messages, [.. sent.Select(t => new TransactionView(t.Name, t.Hash, t.GasUsed.ToString(CultureInfo.InvariantCulture)))], await ViewAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (RefusalException.From(e) is { } failure)
        {
            CuratorAppLog.Refused(_logger, action, failure.Message);
            throw;
        }
        finally
        {
            _chain.Release();
        }
    }

    private RevealRequest RevealRequest() => _options.PublishTo is { } folder
        ? new RevealRequest(_options.LabelsFile, _options.SecretsPath, _options.PublishUrl!.TrimEnd('/') + "/" + Uri.EscapeDataString(Path.GetFileName(_options.LabelsFile)), OnChain: false, folder)
        : new RevealRequest(_options.LabelsFile, _options.SecretsPath, Uri: null, OnChain: true, PublishTo: null);

    // Called with the chain gate held and the session just refreshed.
    private async Task<AppState> ViewAsync(CancellationToken cancellationToken)
    {
        var (c, s, phase) = (_m.Config, _m.State, _m.Phase);
        var mine = await _m.SubmissionAsync().ConfigureAwait(false);
        var committed = !mine.Stake.IsZero;
        Book.Lock(mine.Revealed ? "these labels are committed and revealed: they are final"
            : committed ? $"these labels are committed (stake {Amount(mine.Stake).Text}): the file must stay as committed until it is revealed"
            : phase != MarketPhase.Open ? $"commits are closed (market {_m.Id} is in phase {_m.PhaseName}): labels can no longer change" : null);

        var settlement = committed && (phase == MarketPhase.Finalized || (phase == MarketPhase.Challenge && s.ResultsRoot.Any(b => b != 0)))
            ? await SettlementAsync(mine.Stake, cancellationToken).ConfigureAwait(false)
            : null;
        var balance = await _m.BalanceAsync(c.Token, _m.Address).ConfigureAwait(false);
        var ci = CultureInfo.InvariantCulture;
        return new AppState(
            new MarketView(_m.Id.ToString(ci), _m.Market, _m.ChainId.ToString(ci), _m.PhaseName, _pool.Spec?.Name ?? "unknown to this fmp", _m.Token.Symbol ?? "tokens",
                Amount(c.RewardPool), Amount(c.MinStake), Amount(c.StakeCap), c.SlashBps, c.OracleFeeBps, Deadlines(c, s)),
            new CuratorView(_m.Address, committed, committed ? Amount(mine.Stake) : null, mine.Revealed, mine.Refunded, Amount(balance)),
            Book.Snapshot(), Items.Count, _pool.MinimumLabels, _pool.Assigns,
            Next(phase, committed, mine.Revealed, mine.Refunded, settlement),
            _options.PublishTo is null
                ? new RevealView(true, "The label file goes in the reveal itself (on chain): no oracle can fail to fetch it, and nothing needs to stay served.")
                : new RevealView(false, $"The label file is copied to {_options.PublishTo} and revealed at {_options.PublishUrl}: keep that folder served until the market settles."),
            settlement,
            _options.Dashboard is { } dashboard ? $"{dashboard}/dashboard/#/curators/{_m.Address.ToLowerInvariant()}" : null,
            new FilesView(_options.LabelsFile, _options.SecretsPath));
    }

    private List<DeadlineView> Deadlines(MarketConfig c, MarketState s)
    {
        var list = new List<DeadlineView>
        {
            Deadline("commit", "Commits close", "Commits closed", c.CommitDeadline),
            Deadline("reveal", "Reveals close", "Reveals closed", c.RevealDeadline),
            Deadline("gold", "The sponsor reveals the gold set", "The gold set was due", c.GoldDeadline),
        };
        // Once a report is accepted the evaluation deadline no longer matters; the challenge window's end does.
        if (s.EvaluationDeadline > 0 && s.AcceptedAt == 0)
        {
            list.Add(Deadline("evaluation", "Oracles report", "The report was due", s.EvaluationDeadline));
        }

        if (s.AcceptedAt > 0)
        {
            list.Add(Deadline("challenge", "The challenge window closes", "The challenge window closed", MarketPhases.ChallengeEnds(c, s)));
        }

        return list;
    }

    private DeadlineView Deadline(string key, string future, string past, ulong at)
    {
        var now = _m.Now;
        var relative = at > now ? "in " + ChainTime.Span(at - now) : at == now ? "now" : ChainTime.Span(now - at) + " ago";
        return new DeadlineView(key, $"{(at > now ? future : past)} {relative}", relative, ChainTime.Local(at), at <= now);
    }

    private NextView Next(MarketPhase phase, bool committed, bool revealed, bool refunded, SettlementView? settlement)
    {
        string When(ulong at) => at > _m.Now ? "in " + ChainTime.Span(at - _m.Now) : "now";
        var (c, s) = (_m.Config, _m.State);
        return phase switch
        {
            MarketPhase.Open when !committed => new("label", $"Label your items, then stake and commit before commits close ({When(c.CommitDeadline)})."),
            MarketPhase.Open => new("wait", $"Committed. Reveal once commits close ({When(c.CommitDeadline)}), before reveals close ({When(c.RevealDeadline)})."),
            _ when phase.IsFailed() && committed && !refunded => new("claim", $"The market was {_m.PhaseName}: claim your stake back."),
            _ when phase.IsFailed() && committed => new("done", "Your stake was refunded. Nothing is left to do."),
            _ when !committed => new("missed", "Commits are closed and this key did not commit: nothing to do in this market."),
            MarketPhase.Reveal when !revealed => new("reveal", $"Publish and reveal your labels before reveals close ({When(c.RevealDeadline)})."),
            _ when !revealed => new("missed", "This key committed but did not reveal: its stake is slashed by the market's slash rate when the market settles."),
            MarketPhase.Reveal or MarketPhase.Evaluation => new("wait", "Revealed. The sponsor reveals the gold set, the oracles evaluate your labels and sign a report; then a challenge window, then you claim."),
            MarketPhase.Challenge => new("wait", $"A report was accepted: claim once its challenge window closes ({When(MarketPhases.ChallengeEnds(c, s))})."),
            MarketPhase.Disputed => new("wait", "The accepted report is disputed: the arbiter decides, then you claim."),
            MarketPhase.Finalized when settlement?.Claimed == true => new("done", "Claimed. Nothing is left to do."),
            MarketPhase.Finalized => new("claim", "The market is settled: claim your payout."),
            _ => new("wait", $"Phase {_m.PhaseName}."),
        };
    }

    // The leaf (verified against the accepted root) and the scores file's line of this key, from the oracle's reports.
    private async Task<SettlementView> SettlementAsync(BigInteger stake, CancellationToken cancellationToken)
    {
        if (_options.Reports is not { } reports)
        {
            return new SettlementView(null, null, Amount(stake), null, null, false, "Start the app with --reports <an oracle's URL> to see your score and payout and to claim.");
        }

        try
        {
            var verified = await CuratorActions.LeafAsync(_m, reports, cancellationToken).ConfigureAwait(false);
            var (bytes, _) = await CommittedFiles.OptionalReportFileAsync(new Uri(reports), _m.Id, _m.State.Round, "scores.jsonl", cancellationToken).ConfigureAwait(false);
            ScoreLine? line = null;
            if (bytes is not null)
            {
                await foreach (var l in ScoresFile.ReadAsync(new MemoryStream(bytes), "scores.jsonl", cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    line = string.Equals(l.Account, _m.Address, StringComparison.OrdinalIgnoreCase) ? l : line;
                }
            }

            var amount = verified.Leaf.Amount;
            return new SettlementView(verified.Leaf.ScoreBps, line is null ? null : (line.Value / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture),
                Amount(stake), Amount(amount), Amount(amount - stake), verified.Claimed,
                line is null ? "The oracle's scores file has no line for this key, so its value is not shown." : null);
        }
        catch (Exception e) when (RefusalException.From(e) is { } failure)
        {
            return new SettlementView(null, null, Amount(stake), null, null, false, failure.Message);
        }
        catch (FileFormatException e)
        {
            return new SettlementView(null, null, Amount(stake), null, null, false, $"the oracle's scores file is malformed: {e.Message}");
        }
    }

    private AmountView Amount(BigInteger wei)
    {
        var exact = wei.ToString(CultureInfo.InvariantCulture);
        return _m.Token.Decimals is { } d
            ? new AmountView($"{TokenAmount.Format(wei, d)} {_m.Token.Symbol ?? "tokens"}", TokenAmount.Format(wei, d), exact)
            : new AmountView($"{exact} wei", exact + "wei", exact);
    }
}
