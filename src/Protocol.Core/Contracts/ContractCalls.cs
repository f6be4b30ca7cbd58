using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Protocol.Core.Contracts;

/// <summary>
/// Typed calls with the safety the protocol's users need: gas is estimated before sending (a revert
/// surfaces as <see cref="SmartContractCustomErrorRevertException"/> with the contract's custom error
/// before anything is broadcast), every receipt wait has a timeout (a dropped transaction must not hang a
/// node), and a mined-but-failed transaction throws.
/// </summary>
public static class ContractCalls
{
    /// <summary>How long to wait for a receipt unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultReceiptTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Sends <paramref name="message"/> to <paramref name="contract"/> and waits for a successful receipt.</summary>
    /// <exception cref="TimeoutException">No receipt within <paramref name="receiptTimeout"/>.</exception>
    /// <exception cref="TransactionFailedException">The transaction was mined but reverted.</exception>
    public static async Task<TransactionReceipt> SendAsync<TMessage>(
        this IWeb3 web3,
        string contract,
        TMessage message,
        TimeSpan? receiptTimeout = null,
        CancellationToken cancellationToken = default)
        where TMessage : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(message);
        var handler = web3.Eth.GetContractTransactionHandler<TMessage>();
        message.Gas ??= await handler.EstimateGasAsync(contract, message).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(receiptTimeout ?? DefaultReceiptTimeout);
        TransactionReceipt receipt;
        try
        {
            receipt = await handler.SendRequestAndWaitForReceiptAsync(contract, message, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{typeof(TMessage).Name} to {contract}: no receipt within {receiptTimeout ?? DefaultReceiptTimeout}");
        }

        return receipt.Status?.Value == BigInteger.One
            ? receipt
            : throw new TransactionFailedException(typeof(TMessage).Name, receipt.TransactionHash);
    }

    /// <summary>Calls a view function and returns its single value.</summary>
    public static Task<TResult> CallAsync<TMessage, TResult>(this IWeb3 web3, string contract, TMessage message, BlockParameter? block = null)
        where TMessage : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(web3);
        return web3.Eth.GetContractQueryHandler<TMessage>().QueryAsync<TResult>(contract, message, block);
    }

    /// <summary>Calls a view function that returns a struct or several values.</summary>
    public static Task<TOutput> QueryAsync<TMessage, TOutput>(this IWeb3 web3, string contract, TMessage message, BlockParameter? block = null)
        where TMessage : FunctionMessage, new()
        where TOutput : IFunctionOutputDTO, new()
    {
        ArgumentNullException.ThrowIfNull(web3);
        return web3.Eth.GetContractQueryHandler<TMessage>().QueryDeserializingToObjectAsync<TOutput>(message, contract, block);
    }

    /// <summary>The FeedbackMarket's <c>phase(marketId)</c>: where the market stands now, by the chain's clock.</summary>
    public static async Task<MarketPhase> PhaseAsync(this IWeb3 web3, string market, BigInteger marketId, BlockParameter? block = null) =>
        (MarketPhase)await web3.CallAsync<FeedbackMarketBindings.PhaseFunction, byte>(market, new FeedbackMarketBindings.PhaseFunction { MarketId = marketId }, block).ConfigureAwait(false);
}

/// <summary>A transaction that was mined with status 0 (reverted).</summary>
public sealed class TransactionFailedException : Exception
{
    public TransactionFailedException(string call, string transactionHash)
        : base($"{call} reverted in transaction {transactionHash}")
    {
        TransactionHash = transactionHash;
    }

    /// <summary>The failed transaction.</summary>
    public string TransactionHash { get; }
}
