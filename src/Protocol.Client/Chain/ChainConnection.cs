using System.Numerics;
using Nethereum.Web3;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;

namespace Protocol.Client.Chain;

/// <summary>
/// Where a connection's RPC URL and market address came from, so that a refusal names what to fix: a command's flags
/// (<c>--rpc</c>, <c>--market</c>, the default) or an options file's keys (<c>Node:RpcUrl (--rpc)</c>).
/// </summary>
public sealed record ConnectionSources(string Rpc = "--rpc", string Market = "--market")
{
    /// <summary>The names a command's flags give.</summary>
    public static ConnectionSources Flags { get; } = new();
}

/// <summary>
/// One chain and its FeedbackMarket, identified once: the RPC answers, the address holds the market contract (not the
/// registry, the token or nothing), and the registry behind it has code. Every action of this library starts from one.
/// </summary>
public sealed class ChainConnection
{
    private ChainConnection(string rpcUrl, IWeb3 reader, BigInteger chainId, string market, string registry)
    {
        RpcUrl = rpcUrl;
        Reader = reader;
        ChainId = chainId;
        Market = market;
        Registry = registry;
    }

    public string RpcUrl { get; }

    /// <summary>Reads the chain (no key).</summary>
    public IWeb3 Reader { get; }

    public BigInteger ChainId { get; }

    /// <summary>The FeedbackMarket's address.</summary>
    public string Market { get; }

    /// <summary>The OracleRegistry the market names.</summary>
    public string Registry { get; }

    /// <summary>Connects to <paramref name="rpcUrl"/> and checks that <paramref name="market"/> is a FeedbackMarket there.</summary>
    /// <exception cref="RefusalException"><see cref="RefusalCode.Unreachable"/> or <see cref="RefusalCode.WrongContract"/>, naming the source to fix.</exception>
    public static async Task<ChainConnection> ConnectAsync(string rpcUrl, string market, CancellationToken cancellationToken, ConnectionSources? sources = null)
    {
        sources ??= ConnectionSources.Flags;
        if (!Uri.TryCreate(rpcUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new RefusalException($"{sources.Rpc} \"{rpcUrl}\" is not an http(s) URL such as http://127.0.0.1:8545", RefusalCode.InvalidInput);
        }

        var web3 = new Web3(rpcUrl);
        BigInteger chainId;
        try
        {
            chainId = (await web3.Eth.ChainId.SendRequestAsync().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false)).Value;
        }
#pragma warning disable CA1031 // any failure here means the same thing to the user: this URL does not answer
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            throw new RefusalException($"the RPC at {rpcUrl} does not answer eth_chainId ({e.GetBaseException().Message}); check {sources.Rpc}: is the chain running (scripts/dev.sh up)?", RefusalCode.Unreachable, e);
        }

        // One call on the happy path (every command pays for it at start): the market names its registry. Only an
        // address that cannot answer (or answers nothing, as an account without code does) is identified, for the message.
        if (await RegistryOfAsync(web3, market, cancellationToken).ConfigureAwait(false) is not { } registry)
        {
            var role = await ContractRoles.IdentifyAsync(web3, market, cancellationToken).ConfigureAwait(false);
            throw new RefusalException(role switch
            {
                ContractRole.NoCode => $"no contract at {market} on chain {chainId} ({rpcUrl}); set {sources.Market} to the FeedbackMarket address (\"market\" in deployments/{chainId}.json)",
                ContractRole.OracleRegistry => $"the contract at {market} on chain {chainId} does not answer as a FeedbackMarket: it answers as the OracleRegistry; set {sources.Market} to the market address (\"market\" in deployments/{chainId}.json), not the registry's",
                ContractRole.FeedbackMarket => $"the FeedbackMarket at {market} on chain {chainId} did not name its registry just now ({rpcUrl}); try again",
                _ => $"the contract at {market} on chain {chainId} does not answer as a FeedbackMarket (it has no registry() and marketCount()); is it the token? Set {sources.Market} to the market address (\"market\" in deployments/{chainId}.json)",
            }, role == ContractRole.FeedbackMarket ? RefusalCode.Unreachable : RefusalCode.WrongContract);
        }

        var registryCode = await web3.Eth.GetCode.SendRequestAsync(registry).ConfigureAwait(false);
        if (string.IsNullOrEmpty(registryCode) || registryCode == "0x")
        {
            throw new RefusalException($"the market at {market} names registry {registry}, which has no code on chain {chainId}", RefusalCode.WrongContract);
        }

        return new ChainConnection(rpcUrl, web3, chainId, market, registry);
    }

    // The market's registry() as an address, or null when the call reverts, fails or answers nothing.
    private static async Task<string?> RegistryOfAsync(IWeb3 web3, string market, CancellationToken cancellationToken)
    {
        try
        {
            var registry = await web3.CallAsync<RegistryFunction, string>(market, new RegistryFunction()).WaitAsync(cancellationToken).ConfigureAwait(false);
            return Nethereum.Util.AddressUtil.Current.IsValidEthereumAddressHexFormat(registry) ? registry : null;
        }
#pragma warning disable CA1031 // a revert, an undecodable answer or a failed call: identified by the caller
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>How many markets the contract holds (ids run from 1).</summary>
    public Task<BigInteger> MarketCountAsync() => Reader.CallAsync<MarketCountFunction, BigInteger>(Market, new MarketCountFunction());

    /// <summary>The chain's clock: the latest block's time.</summary>
    public async Task<ulong> NowAsync() =>
        (ulong)(await Reader.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()).ConfigureAwait(false)).Timestamp.Value;

    /// <summary>An account's ETH, in wei.</summary>
    public async Task<BigInteger> EthBalanceAsync(string account) =>
        (await Reader.Eth.GetBalance.SendRequestAsync(account).ConfigureAwait(false)).Value;
}
