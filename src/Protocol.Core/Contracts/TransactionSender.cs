using System.Numerics;
using Nethereum.Contracts;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Protocol.Core.Contracts;

/// <summary>
/// Sends a transaction and sees it mined even when the network does not cooperate: gas is estimated
/// first (a revert surfaces before anything is sent), the nonce comes from the chain's pending count (so
/// it survives restarts), and a transaction with no receipt after <see cref="ReceiptTimeout"/> — stuck
/// behind higher fees, or dropped from the pool — is sent again with the same nonce and fees raised by
/// <see cref="FeeBumpPercent"/>, up to <see cref="MaxReplacements"/> times. Whichever of the versions is
/// mined first wins; a version that fails to send because an earlier one was already mined is fine.
/// </summary>
public sealed class TransactionSender(IWeb3 web3, string from)
{
    /// <summary>How long to wait for each version's receipt before replacing it.</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Replacements after the first send.</summary>
    public int MaxReplacements { get; init; } = 5;

    /// <summary>Fee increase per replacement (nodes require at least 10%).</summary>
    public int FeeBumpPercent { get; init; } = 25;

    // The first wait for a receipt, doubling up to a second (a tenth of the timeout when that is shorter): a dev chain
    // or a rollup mines within milliseconds, where a flat second was most of a curator's commit (two transactions).
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);

    /// <summary>Every version sent by the last call, oldest first: its hash and its fee cap.</summary>
    public IReadOnlyList<(string Hash, BigInteger MaxFeePerGas)> LastSent { get; private set; } = [];

    /// <exception cref="TimeoutException">No version was mined after every replacement.</exception>
    /// <exception cref="TransactionFailedException">The mined version reverted.</exception>
    public async Task<TransactionReceipt> SendAsync<TMessage>(string contract, TMessage message, CancellationToken cancellationToken = default)
        where TMessage : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(message);
        var handler = web3.Eth.GetContractTransactionHandler<TMessage>();
        message.FromAddress = from;
        message.Gas ??= await handler.EstimateGasAsync(contract, message).ConfigureAwait(false);
        message.Nonce = (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(from, BlockParameter.CreatePending()).ConfigureAwait(false)).Value;
        var latest = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).ConfigureAwait(false);
        var tip = (await web3.Eth.GasPrice.SendRequestAsync().ConfigureAwait(false)).Value - (latest.BaseFeePerGas?.Value ?? 0);
        message.MaxPriorityFeePerGas = BigInteger.Max(tip, BigInteger.Pow(10, 9));
        message.MaxFeePerGas = (2 * (latest.BaseFeePerGas?.Value ?? 0)) + message.MaxPriorityFeePerGas;

        var sent = new List<(string Hash, BigInteger MaxFeePerGas)>();
        LastSent = sent;
        for (var attempt = 0; attempt <= MaxReplacements; attempt++)
        {
            if (attempt > 0)
            {
                message.MaxPriorityFeePerGas = Bump(message.MaxPriorityFeePerGas.Value);
                message.MaxFeePerGas = Bump(message.MaxFeePerGas.Value);
            }

            try
            {
                sent.Add((await handler.SendRequestAsync(contract, message).ConfigureAwait(false), message.MaxFeePerGas.Value));
            }
            catch (RpcResponseException e) when (sent.Count > 0 && IsAlreadyMined(e))
            {
                // An earlier version was mined while we waited: its receipt is below.
            }

            var deadline = DateTime.UtcNow + ReceiptTimeout;
            var longest = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, ReceiptTimeout.Ticks / 10));
            var poll = FirstPoll < longest ? FirstPoll : longest;
            while (DateTime.UtcNow < deadline)
            {
                foreach (var (hash, _) in sent)
                {
                    var receipt = await web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash).ConfigureAwait(false);
                    if (receipt is not null)
                    {
                        return receipt.Status?.Value == BigInteger.One ? receipt : throw new TransactionFailedException(typeof(TMessage).Name, hash);
                    }
                }

                await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
                poll = poll * 2 < longest ? poll * 2 : longest;
            }
        }

        throw new TimeoutException($"{typeof(TMessage).Name} to {contract}: not mined after {sent.Count} version(s) with nonce {message.Nonce}");
    }

    private BigInteger Bump(BigInteger fee) => (fee * (100 + FeeBumpPercent) / 100) + 1;

    private static bool IsAlreadyMined(RpcResponseException e) =>
        e.Message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("already known", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("nonce has already been used", StringComparison.OrdinalIgnoreCase);
}
