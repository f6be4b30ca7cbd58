using System.Numerics;
using Nethereum.Web3;
using Protocol.Client.Chain;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Node;

namespace Protocol.Cli.Commands;

/// <summary>
/// What <c>fmp node run</c> checks before it starts watching: the RPC answers, and the market address holds the
/// market contract (with a registry behind it). Otherwise a node would run for ever watching nothing, its jobs green.
/// </summary>
internal static class NodeStartChecks
{
    /// <summary>The chain id, or the problem (naming the URL or the address and the option to fix).</summary>
    public static async Task<(BigInteger ChainId, string? Problem)> ChainAsync(NodeOptions options, CancellationToken cancellationToken)
    {
        var web3 = new Web3(options.RpcUrl);
        BigInteger chainId;
        try
        {
            chainId = (await web3.Eth.ChainId.SendRequestAsync().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false)).Value;
        }
#pragma warning disable CA1031 // any failure here means the same thing to the operator: this URL does not answer
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return (0, $"the RPC at {options.RpcUrl} does not answer eth_chainId ({e.GetBaseException().Message}); check Node:RpcUrl (--rpc)");
        }

        var code = await web3.Eth.GetCode.SendRequestAsync(options.MarketAddress).ConfigureAwait(false);
        if (string.IsNullOrEmpty(code) || code == "0x")
        {
            return (chainId, $"no contract at {options.MarketAddress} on chain {chainId} ({options.RpcUrl}); set Node:MarketAddress (--market) to the FeedbackMarket address in deployments/{chainId}.json");
        }

        string registry;
        try
        {
            registry = await web3.Eth.GetContractQueryHandler<RegistryFunction>().QueryAsync<string>(options.MarketAddress, new RegistryFunction()).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a revert or an undecodable answer: not the market contract
        catch (Exception e)
#pragma warning restore CA1031
        {
            var role = await ContractRoles.IdentifyAsync(web3, options.MarketAddress, cancellationToken).ConfigureAwait(false);
            return (chainId, role == ContractRole.OracleRegistry
                ? $"the contract at {options.MarketAddress} on chain {chainId} does not answer as a FeedbackMarket: it answers as the OracleRegistry; set Node:MarketAddress (--market) to the market address (\"market\" in deployments/{chainId}.json), not the registry's"
                : $"the contract at {options.MarketAddress} on chain {chainId} does not answer as a FeedbackMarket (registry(): {e.GetBaseException().Message}); set Node:MarketAddress (--market) to the market address in deployments/{chainId}.json");
        }

        var registryCode = await web3.Eth.GetCode.SendRequestAsync(registry).ConfigureAwait(false);
        return string.IsNullOrEmpty(registryCode) || registryCode == "0x"
            ? (chainId, $"the market at {options.MarketAddress} names registry {registry}, which has no code on chain {chainId}")
            : (chainId, null);
    }
}
