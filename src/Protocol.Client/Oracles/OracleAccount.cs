using System.Numerics;
using Nethereum.Web3;
using Protocol.Client.Chain;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.OracleRegistryBindings;
using TokenBindings = Protocol.Core.Contracts.TestTokenBindings;

namespace Protocol.Client.Oracles;

/// <summary>An oracle key's registry entry and balances, and the chain's clock (the latest block's time).</summary>
public sealed record OracleView(Oracle Entry, BigInteger TokenBalance, BigInteger Allowance, BigInteger EthBalance, ulong ChainNow)
{
    public OracleStatus Status => (OracleStatus)Entry.Status;

    /// <summary>The part of the bond still within its activation delay (a top-up counts only once it matured).</summary>
    public BigInteger Maturing => ChainNow < Entry.MaturesAt ? Entry.Maturing : BigInteger.Zero;

    /// <summary>The bond that may back a new report: matured and not locked behind an accepted one.</summary>
    public BigInteger Free => BigInteger.Max(BigInteger.Zero, Entry.Bond - Maturing - Entry.Locked);

    /// <summary>The registry state in words (an oracle within its activation delay says when it starts to count).</summary>
    public string StateName => Status switch
    {
        OracleStatus.None => "not registered",
        OracleStatus.Active when ChainNow < Entry.ActiveAt => $"bonded, its signatures count from {ChainTime.Describe(Entry.ActiveAt, ChainNow)}",
        OracleStatus.Active => "active",
        OracleStatus.Exiting => "exiting",
        OracleStatus.Slashed => "slashed",
        _ => $"unknown state {Entry.Status}",
    };
}

/// <summary>What an oracle action did: the entry before and after, and the transactions it sent.</summary>
public sealed record OracleActionResult(OracleView Before, OracleView After, IReadOnlyList<SentTransaction> Transactions);

/// <summary>
/// One oracle key in the registry: its bond, exit and withdrawal. Each action refuses, before sending anything, what the
/// registry would refuse, saying when it would be allowed.
/// </summary>
public sealed class OracleAccount
{
    private OracleAccount(ChainConnection chain, Signer signer, TokenInfo token, BigInteger minBond, ulong unbondingDelay)
    {
        Chain = chain;
        Signer = signer;
        Token = token;
        MinBond = minBond;
        UnbondingDelay = unbondingDelay;
    }

    public ChainConnection Chain { get; }

    public Signer Signer { get; }

    public string Address => Signer.Address;

    public string Registry => Chain.Registry;

    /// <summary>The registry's bond token.</summary>
    public TokenInfo Token { get; }

    public BigInteger MinBond { get; }

    /// <summary>Seconds between an exit and the bond's withdrawal.</summary>
    public ulong UnbondingDelay { get; }

    private IWeb3 Reader => Chain.Reader;

    /// <summary>Reads the registry's bond token, minimum bond and unbonding delay.</summary>
    public static async Task<OracleAccount> OpenAsync(ChainConnection chain, Signer signer)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var tokenAddress = await chain.Reader.CallAsync<BondTokenFunction, string>(chain.Registry, new BondTokenFunction()).ConfigureAwait(false);
        var minBond = await chain.Reader.CallAsync<MinBondFunction, BigInteger>(chain.Registry, new MinBondFunction()).ConfigureAwait(false);
        var delay = await chain.Reader.CallAsync<UnbondingDelayFunction, ulong>(chain.Registry, new UnbondingDelayFunction()).ConfigureAwait(false);
        return new OracleAccount(chain, signer, await TokenInfo.ReadAsync(chain.Reader, tokenAddress).ConfigureAwait(false), minBond, delay);
    }

    public async Task<OracleView> ReadAsync()
    {
        var entry = (await Reader.QueryAsync<OracleFunction, OracleOutput>(Registry, new OracleFunction { Account = Address }).ConfigureAwait(false)).ReturnValue1;
        return new OracleView(
            entry,
            await Token.BalanceOfAsync(Reader, Address).ConfigureAwait(false),
            await Token.AllowanceAsync(Reader, Address, Registry).ConfigureAwait(false),
            await Chain.EthBalanceAsync(Address).ConfigureAwait(false),
            await Chain.NowAsync().ConfigureAwait(false));
    }

    /// <summary>Approves the registry for <paramref name="amount"/> and registers with it as bond (or, with <paramref name="topUp"/>, adds it to an active bond).</summary>
    public async Task<OracleActionResult> RegisterAsync(BigInteger amount, bool topUp, CancellationToken cancellationToken)
    {
        var v = await ReadAsync().ConfigureAwait(false);
        if (amount <= 0)
        {
            throw new RefusalException("--bond must be more than 0");
        }

        switch (v.Status)
        {
            case OracleStatus.None when amount < MinBond:
                throw new RefusalException($"a bond of {Token.Format(amount)} is below the registry's minimum bond of {Token.Format(MinBond)}: give at least --bond {Token.AsOption(MinBond)}");
            case OracleStatus.Active when !topUp:
                throw new RefusalException($"{Address} is already a registered oracle, active with a bond of {Token.Format(v.Entry.Bond)}; nothing was sent. To add to the bond, run again with --top-up");
            case OracleStatus.Exiting:
                throw new RefusalException($"{Address} has requested exit (withdrawable at {ChainTime.Describe(v.Entry.WithdrawableAt, v.ChainNow)}): an exiting key cannot register; run `fmp oracle withdraw` after that, then register again", RefusalCode.WrongPhase);
            case OracleStatus.Slashed:
                throw new RefusalException($"{Address} was slashed and can never register again: create a new key (fmp keys new)");
        }

        if (v.TokenBalance < amount)
        {
            throw new RefusalException($"{Address} holds {Token.Format(v.TokenBalance)} of the bond token {Token.Address}, less than the bond of {Token.Format(amount)}: send it at least {Token.Format(amount - v.TokenBalance)} more", RefusalCode.InsufficientFunds);
        }

        Signer.RequireGasMoney(v.EthBalance);
        var sentBefore = Signer.Sent.Count;
        if (v.Allowance < amount)
        {
            await Signer.SendAsync("approve", Token.Address, new TokenBindings.ApproveFunction { Spender = Registry, Value = amount }, cancellationToken).ConfigureAwait(false);
        }

        await Signer.SendAsync("register", Registry, new RegisterFunction { Amount = amount }, cancellationToken).ConfigureAwait(false);
        return new OracleActionResult(v, await ReadAsync().ConfigureAwait(false), [.. Signer.Sent.Skip(sentBefore)]);
    }

    /// <summary>Stops counting as an oracle and starts the unbonding delay.</summary>
    public async Task<OracleActionResult> ExitAsync(CancellationToken cancellationToken)
    {
        var v = await ReadAsync().ConfigureAwait(false);
        switch (v.Status)
        {
            case OracleStatus.None:
                throw new RefusalException($"{Address} is not a registered oracle: nothing to exit", RefusalCode.NotFound);
            case OracleStatus.Exiting:
                throw new RefusalException($"{Address} has already requested exit; the bond can be withdrawn at {ChainTime.Describe(v.Entry.WithdrawableAt, v.ChainNow)}");
            case OracleStatus.Slashed:
                throw new RefusalException($"{Address} was slashed: it has no bond to unbond");
        }

        Signer.RequireGasMoney(v.EthBalance);
        var sentBefore = Signer.Sent.Count;
        await Signer.SendAsync("requestExit", Registry, new RequestExitFunction(), cancellationToken).ConfigureAwait(false);
        return new OracleActionResult(v, await ReadAsync().ConfigureAwait(false), [.. Signer.Sent.Skip(sentBefore)]);
    }

    /// <summary>Takes the bond back once the unbonding delay is over and no accepted report locks it.</summary>
    public async Task<OracleActionResult> WithdrawAsync(CancellationToken cancellationToken)
    {
        var v = await ReadAsync().ConfigureAwait(false);
        switch (v.Status)
        {
            case OracleStatus.None:
                throw new RefusalException($"{Address} holds no bond in the registry (never registered, or already withdrawn)", RefusalCode.NotFound);
            case OracleStatus.Active:
                throw new RefusalException($"{Address} is still an active oracle: run `fmp oracle exit` first, then wait the unbonding delay ({ChainTime.Span(UnbondingDelay)})", RefusalCode.WrongPhase);
            case OracleStatus.Slashed when v.Entry.Bond == 0:
                throw new RefusalException($"{Address} was slashed and holds no bond any more");
        }

        if (v.ChainNow < v.Entry.WithdrawableAt)
        {
            throw new RefusalException($"the unbonding delay of {Address} is not over: withdraw becomes possible at {ChainTime.Describe(v.Entry.WithdrawableAt, v.ChainNow)}; run `fmp oracle withdraw` again then", RefusalCode.WrongPhase);
        }

        if (v.Entry.Locks != 0)
        {
            throw new RefusalException($"{Token.Format(v.Entry.Locked)} of the bond of {Address} is locked behind {v.Entry.Locks} accepted report(s) whose markets have not settled: it can be withdrawn once they are finalized, overturned or cancelled", RefusalCode.WrongPhase);
        }

        Signer.RequireGasMoney(v.EthBalance);
        var sentBefore = Signer.Sent.Count;
        await Signer.SendAsync("withdraw", Registry, new WithdrawFunction(), cancellationToken).ConfigureAwait(false);
        return new OracleActionResult(v, await ReadAsync().ConfigureAwait(false), [.. Signer.Sent.Skip(sentBefore)]);
    }
}
