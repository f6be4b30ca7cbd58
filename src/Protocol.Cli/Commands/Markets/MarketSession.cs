using System.Globalization;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Protocol.Client.Chain;
using Protocol.Client;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Node.Chain;
using Protocol.Client.Signing;
using TokenBindings = Protocol.Core.Contracts.TestTokenBindings;

namespace Protocol.Cli.Commands;

/// <summary>An ERC-20 token as amounts are typed and shown: whole tokens by its decimals(), or wei.</summary>
internal sealed record TokenInfo(string Address, int? Decimals, string? Symbol)
{
    public static async Task<TokenInfo> ReadAsync(IWeb3 web3, string address) => new(
        address,
        await OracleSession.OptionalAsync(() => web3.CallAsync<TokenBindings.DecimalsFunction, int>(address, new TokenBindings.DecimalsFunction())).ConfigureAwait(false),
        await OracleSession.OptionalAsync(() => web3.CallAsync<TokenBindings.SymbolFunction, string>(address, new TokenBindings.SymbolFunction())).ConfigureAwait(false));

    /// <summary><c>12.5 FMPT (12500000000000000000 wei)</c>.</summary>
    public string Format(BigInteger wei) =>
        Decimals is { } d ? $"{TokenAmount.Format(wei, d)} {Symbol ?? "tokens"} ({wei.ToString(CultureInfo.InvariantCulture)} wei)" : $"{wei.ToString(CultureInfo.InvariantCulture)} wei";

    public BigInteger Parse(string text, string option) => TokenAmount.Parse(text, Decimals, option);
}

/// <summary>One transaction a command sent: its name (the contract function), hash, gas used and what the gas cost in wei.</summary>
internal sealed record SentTransaction(string Name, string Hash, BigInteger GasUsed, BigInteger CostWei)
{
    /// <summary><c>commit: tx 0x…, gas used 81234 (0.000162 ETH)</c>, the line the commands print.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: tx {Hash}, gas used {GasUsed} ({TokenAmount.Format(CostWei, 18)} ETH)");
}

/// <summary>
/// What the sponsor's and curators' commands read once: the chain, the market contract, one market's config, state and
/// phase, its token, and (with a key) the acting address. Refusals need only the address; the key is unlocked (scrypt,
/// about a second) just before the first transaction.
/// </summary>
internal sealed class MarketSession
{
    private readonly string _rpc;
    private string? _keystore;
    private string? _passwordFile;
    private EthECKey? _key;

    private MarketSession(string rpc, string market)
    {
        _rpc = rpc;
        Reader = new Web3(rpc);
        Market = market;
    }

    public IWeb3 Reader { get; }

    public string Market { get; }

    public BigInteger ChainId { get; private set; }

    public BigInteger Id { get; private set; }

    public MarketConfig Config { get; private set; } = new();

    public MarketState State { get; private set; } = new();

    public MarketPhase Phase { get; private set; }

    public string PhaseName => Phase.Name();

    /// <summary>The chain's clock: the latest block's time.</summary>
    public ulong Now { get; private set; }

    public TokenInfo Token { get; private set; } = new("", null, null);

    /// <summary>The acting key's address ("" without a key).</summary>
    public string Address { get; private set; } = "";

    /// <summary>Connects and checks that <see cref="MarketSettings.MarketAddress"/> is a FeedbackMarket; with <paramref name="market"/>, loads that market.</summary>
    public static async Task<MarketSession> OpenAsync(MarketSettings settings, bool market, CancellationToken cancellationToken, BigInteger? marketId = null)
    {
        var session = new MarketSession(settings.RpcUrl, settings.MarketAddress);
        var count = await session.ConnectAsync().ConfigureAwait(false);
        if (market)
        {
            var id = marketId ?? settings.Id ?? count;
            if (count.IsZero)
            {
                throw new RefusalException($"no market has been created at {session.Market} yet (fmp market create)");
            }

            if (id > count)
            {
                throw new RefusalException($"no market {id} at {session.Market}: ids run from 1 to {count}");
            }

            session.Id = id;
            await session.RefreshAsync().ConfigureAwait(false);
            session.Token = await TokenInfo.ReadAsync(session.Reader, session.Config.Token).ConfigureAwait(false);
        }

        if (settings is MarketKeySettings keyed)
        {
            (session._keystore, session._passwordFile) = keyed.KeyFiles();
            session.Address = await Keystore.TryReadAddressAsync(session._keystore, cancellationToken).ConfigureAwait(false)
                ?? (await session.UnlockAsync(cancellationToken).ConfigureAwait(false)).GetPublicAddress();
        }

        return session;
    }

    // The market count, read once: it also proves the address is a FeedbackMarket.
    private async Task<BigInteger> ConnectAsync()
    {
        try
        {
            ChainId = (await Reader.Eth.ChainId.SendRequestAsync().ConfigureAwait(false)).Value;
        }
        catch (RpcClientUnknownException e)
        {
            throw new RefusalException($"cannot reach --rpc {_rpc}: {e.InnerException?.Message ?? e.Message}; is the chain running (scripts/dev.sh up)?");
        }

        if (await Reader.Eth.GetCode.SendRequestAsync(Market).ConfigureAwait(false) is null or "0x" or "")
        {
            throw new RefusalException($"no contract at --market {Market} on chain {ChainId} ({_rpc}): check the address (deployments/<chainId>.json \"market\")", RefusalCode.InvalidInput);
        }

        try
        {
            return await Reader.CallAsync<MarketCountFunction, BigInteger>(Market, new MarketCountFunction()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SmartContractRevertException or SmartContractCustomErrorRevertException or RpcResponseException)
        {
            throw new RefusalException($"--market {Market} is not a FeedbackMarket (it has no marketCount()); is it the registry or the token? Use deployments/<chainId>.json \"market\"", RefusalCode.InvalidInput);
        }
    }

    /// <summary>Reads the market's config, state, phase and the chain's clock again (after a transaction).</summary>
    public async Task RefreshAsync()
    {
        Config = (await Reader.QueryAsync<MarketConfigFunction, MarketConfigOutput>(Market, new MarketConfigFunction { MarketId = Id }).ConfigureAwait(false)).ReturnValue1;
        State = (await Reader.QueryAsync<MarketStateFunction, MarketStateOutput>(Market, new MarketStateFunction { MarketId = Id }).ConfigureAwait(false)).ReturnValue1;
        Phase = await Reader.PhaseAsync(Market, Id).ConfigureAwait(false);
        Now = (ulong)(await Reader.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).ConfigureAwait(false)).Timestamp.Value;
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
            ?? throw new RefusalException($"no MarketCreated event of market {Id} from block {startBlock}: is --start-block after the market's creation?");

    /// <summary>A chain time as "2026-12-03 14:05:00 +01:00 (in 3 h)".</summary>
    public string At(ulong unixSeconds) => ChainTime.Describe(unixSeconds, Now);

    public void RequirePhase(string command, params MarketPhase[] phases)
    {
        if (!phases.Contains(Phase))
        {
            throw new RefusalException($"market {Id} is in phase {PhaseName}{PhaseEnds()}; {command} needs phase {string.Join(" or ", phases.Select(p => p.Name()))}. `fmp market status --market-id {Id}` says what happens next");
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

    public async Task RequireGasMoneyAsync()
    {
        if ((await Reader.Eth.GetBalance.SendRequestAsync(Address).ConfigureAwait(false)).Value.IsZero)
        {
            throw new RefusalException($"{Address} has no ETH to pay for gas on chain {ChainId}: send it some first (on the dev chain: scripts/dev.sh fund {Address})");
        }
    }

    public Task<BigInteger> BalanceAsync(string token, string account) =>
        Reader.CallAsync<TokenBindings.BalanceOfFunction, BigInteger>(token, new TokenBindings.BalanceOfFunction { Account = account });

    /// <summary>
    /// Refuses when the key holds fewer than <paramref name="amount"/> tokens, then approves the market for them
    /// unless its allowance already covers them.
    /// </summary>
    public async Task ApproveAsync(TokenInfo token, BigInteger amount, string what, CancellationToken cancellationToken)
    {
        var balance = await BalanceAsync(token.Address, Address).ConfigureAwait(false);
        if (balance < amount)
        {
            throw new RefusalException($"{Address} holds {token.Format(balance)} but {what} needs {token.Format(amount)}: get more tokens first (on the dev chain: scripts/dev.sh fund {Address})");
        }

        var allowance = await Reader.CallAsync<TokenBindings.AllowanceFunction, BigInteger>(token.Address, new TokenBindings.AllowanceFunction { Owner = Address, Spender = Market }).ConfigureAwait(false);
        if (allowance < amount)
        {
            await SendAsync("approve", token.Address, new TokenBindings.ApproveFunction { Spender = Market, Value = amount }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every transaction this session sent, in order: a workflow returns the ones it sent in its result.</summary>
    public IReadOnlyList<SentTransaction> Sent => _sent;

    /// <summary>
    /// Called as each transaction lands. The commands print it at once (a slow chain shows progress, and a run that
    /// stops later has already said what it sent); the curator app logs it instead, as its console is not the user's.
    /// </summary>
    public Func<SentTransaction, Task> OnSent { get; set; } = sent => Console.Out.WriteLineAsync(sent.ToString());

    private readonly List<SentTransaction> _sent = [];

    /// <summary>Sends one transaction (gas estimated first: a revert is reported by name before anything is sent) and reports its hash and gas to <see cref="OnSent"/>.</summary>
    public async Task<TransactionReceipt> SendAsync<T>(string name, string contract, T message, CancellationToken cancellationToken)
        where T : FunctionMessage, new()
    {
        var key = await UnlockAsync(cancellationToken).ConfigureAwait(false);
        var sender = new TransactionSender(new Web3(new Account(key, ChainId), _rpc), Address);
        var receipt = await sender.SendAsync(contract, message, cancellationToken).ConfigureAwait(false);
        var gas = receipt.GasUsed.Value;
        var sent = new SentTransaction(name, receipt.TransactionHash, gas, gas * (receipt.EffectiveGasPrice?.Value ?? 0));
        _sent.Add(sent);
        await OnSent(sent).ConfigureAwait(false);
        return receipt;
    }

    /// <summary>Withdraws what the market credits the key in its token (a pool refund, a fee, a bond), if anything.</summary>
    public async Task WithdrawCreditAsync(CancellationToken cancellationToken)
    {
        var credit = await Reader.CallAsync<CreditFunction, BigInteger>(Market, new CreditFunction { Token = Config.Token, Account = Address }).ConfigureAwait(false);
        if (credit.IsZero)
        {
            return;
        }

        await SendAsync("withdrawCredit", Market, new WithdrawCreditFunction { Token = Config.Token, Account = Address }, cancellationToken).ConfigureAwait(false);
        await Console.Out.WriteLineAsync($"paid {Token.Format(credit)} of credit to {Address}").ConfigureAwait(false);
    }

    /// <summary>
    /// Unlocks the key now (it is otherwise unlocked at the first send), so that a wrong password stops a command
    /// before it writes a salt or secrets file for a transaction that will never be sent.
    /// </summary>
    public Task RequireKeyAsync(CancellationToken cancellationToken) => UnlockAsync(cancellationToken);

    private async Task<EthECKey> UnlockAsync(CancellationToken cancellationToken)
    {
        if (_key is null)
        {
            var key = await Keystore.UnlockAsync(_keystore ?? throw new InvalidOperationException("no key"), _passwordFile!, cancellationToken).ConfigureAwait(false);
            if (Address.Length > 0 && !string.Equals(key.GetPublicAddress(), Address, StringComparison.OrdinalIgnoreCase))
            {
                throw new RefusalException($"{_keystore} claims address {Address} but holds the key of {key.GetPublicAddress()}: the file was edited; nothing was sent", RefusalCode.InvalidInput);
            }

            _key = key;
        }

        return _key;
    }
}
