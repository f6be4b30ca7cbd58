using Nethereum.Web3;
using Market = Protocol.Core.Contracts.FeedbackMarketBindings;
using Registry = Protocol.Core.Contracts.OracleRegistryBindings;

namespace Protocol.Client.Chain;

/// <summary>What an address answers as: the protocol's two contracts are told apart by a view only each has.</summary>
public enum ContractRole
{
    NoCode,
    FeedbackMarket,
    OracleRegistry,
    Other,
}

public static class ContractRoles
{
    /// <summary>Asks the chain what <paramref name="address"/> is: no code, a FeedbackMarket (<c>registry()</c>, <c>marketCount()</c>), an OracleRegistry (<c>quorum()</c>, <c>market()</c>), or another contract.</summary>
    public static async Task<ContractRole> IdentifyAsync(IWeb3 web3, string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var code = await web3.Eth.GetCode.SendRequestAsync(address).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(code) || code == "0x")
        {
            return ContractRole.NoCode;
        }

        if (await AnswersAsync(() => web3.Eth.GetContractQueryHandler<Market.RegistryFunction>().QueryAsync<string>(address, new Market.RegistryFunction()), cancellationToken).ConfigureAwait(false)
            && await AnswersAsync(() => web3.Eth.GetContractQueryHandler<Market.MarketCountFunction>().QueryAsync<System.Numerics.BigInteger>(address, new Market.MarketCountFunction()), cancellationToken).ConfigureAwait(false))
        {
            return ContractRole.FeedbackMarket;
        }

        return await AnswersAsync(() => web3.Eth.GetContractQueryHandler<Registry.QuorumFunction>().QueryAsync<System.Numerics.BigInteger>(address, new Registry.QuorumFunction()), cancellationToken).ConfigureAwait(false)
            && await AnswersAsync(() => web3.Eth.GetContractQueryHandler<Registry.MarketFunction>().QueryAsync<string>(address, new Registry.MarketFunction()), cancellationToken).ConfigureAwait(false)
                ? ContractRole.OracleRegistry
                : ContractRole.Other;
    }

    public static string Describe(ContractRole role) => role switch
    {
        ContractRole.NoCode => "has no code (an empty account, or the wrong chain)",
        ContractRole.FeedbackMarket => "answers as the FeedbackMarket",
        ContractRole.OracleRegistry => "answers as the OracleRegistry",
        _ => "is a contract that is neither the FeedbackMarket nor the OracleRegistry",
    };

    /// <summary>
    /// The problem with a market and registry pair (swapped, missing, another contract), naming each address, the
    /// option it came from and what to do; null when both answer as what they were given as.
    /// </summary>
    public static async Task<string?> CheckPairAsync(IWeb3 web3, string market, string marketOption, string registry, string registryOption, CancellationToken cancellationToken)
    {
        var (m, r) = (await IdentifyAsync(web3, market, cancellationToken).ConfigureAwait(false), await IdentifyAsync(web3, registry, cancellationToken).ConfigureAwait(false));
        if (m == ContractRole.FeedbackMarket && r == ContractRole.OracleRegistry)
        {
            return null;
        }

        if (m == ContractRole.OracleRegistry && r == ContractRole.FeedbackMarket)
        {
            return $"the market and registry addresses are swapped: {market} ({marketOption}) answers as the OracleRegistry and {registry} ({registryOption}) answers as the FeedbackMarket; " +
                $"exchange them ({marketOption} {registry} {registryOption} {market}; deployments/<chainId>.json names both)";
        }

        var problems = new List<string>();
        if (m != ContractRole.FeedbackMarket)
        {
            problems.Add($"{market} ({marketOption}) {Describe(m)}, not the FeedbackMarket");
        }

        if (r != ContractRole.OracleRegistry)
        {
            problems.Add($"{registry} ({registryOption}) {Describe(r)}, not the OracleRegistry");
        }

        return string.Join("; ", problems) + "; set them to the FeedbackMarket and OracleRegistry addresses in deployments/<chainId>.json";
    }

    private static async Task<bool> AnswersAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            await call().WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
#pragma warning disable CA1031 // a revert, or an answer that does not decode: not this contract
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
