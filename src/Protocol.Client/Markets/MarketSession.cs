using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3;
using Protocol.Client.Chain;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;

namespace Protocol.Client.Markets;

/// <summary>
/// One market as the sponsor's and curators' actions read it: its config, state and phase, its token, the chain's
/// clock, and (with a <see cref="Signing.Signer"/>) the acting address. Refusals for the wrong phase say until when the
/// market stays in its phase.
/// </summary>
public sealed class MarketSession
{
    private Signer? _signer;

    private MarketSession(ChainConnection chain, Signer? signer)
    {
        Chain = chain;
        _signer = signer;
    }

    public ChainConnection Chain { get; }

    public IWeb3 Reader => Chain.Reader;

    /// <summary>The FeedbackMarket's address.</summary>
    public string Market => Chain.Market;

    public BigInteger ChainId => Chain.ChainId;

    /// <summary>The acting key (refused with <see cref="RefusalCode.InvalidInput"/> where the session has none).</summary>
    public Signer Signer => _signer ?? throw new RefusalException("this action sends a transaction: give the session a key", RefusalCode.InvalidInput);

    /// <summary>The acting key's address ("" without a key).</summary>
    public string Address => _signer?.Address ?? "";

    public BigInteger Id { get; private set; }

    public MarketConfig Config { get; private set; } = new();

    public MarketState State { get; private set; } = new();

    public MarketPhase Phase { get; private set; }

    public string PhaseName => Phase.Name();

    /// <summary>The chain's clock: the latest block's time when the market was last read.</summary>
    public ulong Now { get; private set; }

    public TokenInfo Token { get; private set; } = new("", null, null);

    /// <summary>A session on the market contract with no market loaded (to create one).</summary>
    public static MarketSession Contract(ChainConnection chain, Signer? signer = null) => new(chain, signer);

    /// <summary>Loads market <paramref name="marketId"/> (null: the latest one).</summary>
    /// <exception cref="RefusalException"><see cref="RefusalCode.NotFound"/> when there is no such market.</exception>
    public static async Task<MarketSession> OpenAsync(ChainConnection chain, BigInteger? marketId, Signer? signer = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var session = new MarketSession(chain, signer);
        var count = await chain.MarketCountAsync().ConfigureAwait(false);
        var id = marketId ?? count;
        if (count.IsZero)
        {
            throw new RefusalException($"no market has been created at {chain.Market} yet (fmp market create)", RefusalCode.NotFound);
        }

        if (id > count || id < 1)
        {
            throw new RefusalException($"no market {id} at {chain.Market}: ids run from 1 to {count}", RefusalCode.NotFound);
        }

        session.Id = id;
        await session.RefreshAsync().ConfigureAwait(false);
        session.Token = await TokenInfo.ReadAsync(session.Reader, session.Config.Token).ConfigureAwait(false);
        return session;
    }

    /// <summary>Reads the market's config, state, phase and the chain's clock again (after a transaction).</summary>
    public async Task RefreshAsync()
    {
        Config = (await Reader.QueryAsync<MarketConfigFunction, MarketConfigOutput>(Market, new MarketConfigFunction { MarketId = Id }).ConfigureAwait(false)).ReturnValue1;
        State = (await Reader.QueryAsync<MarketStateFunction, MarketStateOutput>(Market, new MarketStateFunction { MarketId = Id }).ConfigureAwait(false)).ReturnValue1;
        Phase = await Reader.PhaseAsync(Market, Id).ConfigureAwait(false);
        Now = await Chain.NowAsync().ConfigureAwait(false);
    }

    /// <summary>The key's (or <paramref name="curator"/>'s) commitment in the market.</summary>
    public async Task<Submission> SubmissionAsync(string? curator = null) =>
        (await Reader.QueryAsync<SubmissionFunction, SubmissionOutput>(Market, new SubmissionFunction { MarketId = Id, Curator = curator ?? Address }).ConfigureAwait(false)).ReturnValue1;

    /// <summary>The market's logs of one event, decoded, from <paramref name="startBlock"/>.</summary>
    public async Task<List<TEvent>> EventsAsync<TEvent>(long startBlock, CancellationToken cancellationToken)
        where TEvent : class, IEventDTO, new()
    {
        var topic = "0x" + ABITypedRegistry.GetEvent<TEvent>().Sha3Signature.ToLowerInvariant();
        var logs = await MarketLogs.ReadAsync(Reader, Market, Id, new LogWindow(startBlock, 10_000), cancellationToken, topic).ConfigureAwait(false);
        return MarketLogs.Decode<TEvent>(logs);
    }

    /// <summary>The market's MarketCreated event: the sponsor's files and their URIs, as created.</summary>
    public async Task<MarketParams> CreatedParamsAsync(long startBlock, CancellationToken cancellationToken) =>
        (await EventsAsync<MarketCreatedEvent>(startBlock, cancellationToken).ConfigureAwait(false)).SingleOrDefault()?.Params
            ?? throw new RefusalException($"no MarketCreated event of market {Id} from block {startBlock}: is --start-block after the market's creation?", RefusalCode.NotFound);

    /// <summary>A chain time as "2026-12-03 14:05:00 +01:00 (in 3 h)".</summary>
    public string At(ulong unixSeconds) => ChainTime.Describe(unixSeconds, Now);

    /// <summary>Refuses with <see cref="RefusalCode.WrongPhase"/> unless the market is in one of <paramref name="phases"/>.</summary>
    public void RequirePhase(string command, params MarketPhase[] phases)
    {
        if (!phases.Contains(Phase))
        {
            throw new RefusalException($"market {Id} is in phase {PhaseName}{PhaseEnds()}; {command} needs phase {string.Join(" or ", phases.Select(p => p.Name()))}. `fmp market status --market-id {Id}` says what happens next", RefusalCode.WrongPhase);
        }
    }

    /// <summary>
    /// When the current phase ends by the clock, as ", until …" ("" for a settled market), so that every refusal for
    /// the wrong phase says how long to wait.
    /// </summary>
    public string PhaseEnds() => Phase.Deadline(Config, State) is not { } end ? "" : Phase switch
    {
        MarketPhase.Open => $" (commits close {At(end)})",
        MarketPhase.Reveal => $" (reveals close {At(end)})",
        MarketPhase.Evaluation when !State.GoldRevealed => $" (the gold set is due by {At(end)})",
        MarketPhase.Evaluation => $" (until a report reaches the quorum, at the latest {At(end)})",
        MarketPhase.Challenge => $" (the challenge window closes {At(end)})",
        MarketPhase.Disputed => $" (the arbiter resolves it by {At(end)})",
        _ => "",
    };

    public Task RequireGasMoneyAsync() => Signer.RequireGasMoneyAsync();

    public Task<BigInteger> BalanceAsync(string token, string account) => new TokenInfo(token, null, null).BalanceOfAsync(Reader, account);

    /// <summary>
    /// Refuses (<see cref="RefusalCode.InsufficientFunds"/>) when the key holds fewer than <paramref name="amount"/>
    /// tokens, then approves the market for them unless its allowance already covers them.
    /// </summary>
    public async Task ApproveAsync(TokenInfo token, BigInteger amount, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var balance = await token.BalanceOfAsync(Reader, Address).ConfigureAwait(false);
        if (balance < amount)
        {
            throw new RefusalException($"{Address} holds {token.Format(balance)} but {what} needs {token.Format(amount)}: get more tokens first (on the dev chain: scripts/dev.sh fund {Address})", RefusalCode.InsufficientFunds);
        }

        if (await token.AllowanceAsync(Reader, Address, Market).ConfigureAwait(false) < amount)
        {
            await SendAsync("approve", token.Address, new Core.Contracts.TestTokenBindings.ApproveFunction { Spender = Market, Value = amount }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every transaction the session's key sent, in order: an action returns the ones it sent in its result.</summary>
    public IReadOnlyList<SentTransaction> Sent => _signer?.Sent ?? [];

    /// <summary>Sends one transaction with the session's key (see <see cref="Signing.Signer.SendAsync"/>).</summary>
    public Task<Nethereum.RPC.Eth.DTOs.TransactionReceipt> SendAsync<T>(string name, string contract, T message, CancellationToken cancellationToken)
        where T : FunctionMessage, new() => Signer.SendAsync(name, contract, message, cancellationToken);

    /// <summary>Withdraws what the market credits the key in its token (a pool refund, a fee, a bond); returns the amount (0: nothing was sent).</summary>
    public async Task<BigInteger> WithdrawCreditAsync(CancellationToken cancellationToken)
    {
        var credit = await Reader.CallAsync<CreditFunction, BigInteger>(Market, new CreditFunction { Token = Config.Token, Account = Address }).ConfigureAwait(false);
        if (!credit.IsZero)
        {
            await SendAsync("withdrawCredit", Market, new WithdrawCreditFunction { Token = Config.Token, Account = Address }, cancellationToken).ConfigureAwait(false);
        }

        return credit;
    }

    /// <summary>Unlocks the key now, so that a wrong password stops an action before it writes a salt or secrets file.</summary>
    public Task RequireKeyAsync(CancellationToken cancellationToken) => Signer.RequireKeyAsync(cancellationToken);
}
