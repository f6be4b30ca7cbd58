using System.Globalization;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;
using Nethereum.JsonRpc.Client;
using Nethereum.Web3;
using Protocol.Core.Contracts;
using TokenBindings = Protocol.Core.Contracts.TestTokenBindings;

namespace Protocol.Client.Chain;

/// <summary>An ERC-20 token as amounts are typed and shown: whole tokens by its decimals(), or wei.</summary>
public sealed record TokenInfo(string Address, int? Decimals, string? Symbol)
{
    /// <summary>Reads the token's optional <c>decimals()</c> and <c>symbol()</c>.</summary>
    public static async Task<TokenInfo> ReadAsync(IWeb3 web3, string address) => new(
        address,
        await OptionalAsync(() => web3.CallAsync<TokenBindings.DecimalsFunction, int>(address, new TokenBindings.DecimalsFunction())).ConfigureAwait(false),
        await OptionalAsync(() => web3.CallAsync<TokenBindings.SymbolFunction, string>(address, new TokenBindings.SymbolFunction())).ConfigureAwait(false));

    /// <summary><c>12.5 FMPT (12500000000000000000 wei)</c>.</summary>
    public string Format(BigInteger wei) =>
        Decimals is { } d ? $"{TokenAmount.Format(wei, d)} {Symbol ?? "tokens"} ({wei.ToString(CultureInfo.InvariantCulture)} wei)" : $"{wei.ToString(CultureInfo.InvariantCulture)} wei";

    /// <summary>An amount as it would be typed after an option: <c>12.5</c>, or <c>…wei</c> for a token without decimals.</summary>
    public string AsOption(BigInteger wei) =>
        Decimals is { } d ? TokenAmount.Format(wei, d) : wei.ToString(CultureInfo.InvariantCulture) + "wei";

    /// <summary>What was typed after <paramref name="option"/>, in base units (see <see cref="TokenAmount.Parse"/>).</summary>
    public BigInteger Parse(string text, string option) => TokenAmount.Parse(text, Decimals, option);

    /// <summary>An account's balance of this token.</summary>
    public Task<BigInteger> BalanceOfAsync(IWeb3 web3, string account) =>
        web3.CallAsync<TokenBindings.BalanceOfFunction, BigInteger>(Address, new TokenBindings.BalanceOfFunction { Account = account });

    /// <summary>What <paramref name="owner"/> lets <paramref name="spender"/> move.</summary>
    public Task<BigInteger> AllowanceAsync(IWeb3 web3, string owner, string spender) =>
        web3.CallAsync<TokenBindings.AllowanceFunction, BigInteger>(Address, new TokenBindings.AllowanceFunction { Owner = owner, Spender = spender });

    // decimals() and symbol() are optional in ERC-20.
    private static async Task<T?> OptionalAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SmartContractCustomErrorRevertException or SmartContractRevertException or RpcResponseException)
        {
            return default;
        }
    }
}

/// <summary>One transaction an action sent: its name (the contract function), hash, gas used and what the gas cost in wei.</summary>
public sealed record SentTransaction(string Name, string Hash, BigInteger GasUsed, BigInteger CostWei)
{
    /// <summary><c>commit: tx 0x…, gas used 81234 (0.000162 ETH)</c>, the line the commands print.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: tx {Hash}, gas used {GasUsed} ({TokenAmount.Format(CostWei, 18)} ETH)");
}
