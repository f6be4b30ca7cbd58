using System.Numerics;
using Nethereum.Hex.HexTypes;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Core.Tests;

/// <summary>Stuck and dropped transactions, made real by turning anvil's automine off.</summary>
public sealed class TransactionSenderTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    [Fact]
    public async Task A_stuck_transaction_is_replaced_with_higher_fees_and_mined_once()
    {
        var token = await anvil.DeployAsync("TestToken", 0, "T", "T", (byte)18);
        var holder = AnvilFixture.DevAddress(5);
        var sender = new TransactionSender(anvil.Web3For(0), AnvilFixture.DevAddress(0)) { ReceiptTimeout = TimeSpan.FromMilliseconds(300), MaxReplacements = 8 };
        await anvil.RpcAsync<object>("evm_setAutomine", false);
        try
        {
            var sending = sender.SendAsync(token, new MintFunction { To = holder, Amount = 77 });
            while (sender.LastSent.Count < 3)
            {
                await Task.Delay(50);
            }

            await anvil.MineAsync();
            var receipt = await sending;
            // The pool kept the highest-fee version of the nonce; the earlier ones were replaced.
            var mined = await anvil.Web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(receipt.TransactionHash);
            Assert.Contains(sender.LastSent, v => v.Hash == receipt.TransactionHash && v.MaxFeePerGas == mined.MaxFeePerGas.Value);
            Assert.True(mined.MaxFeePerGas.Value > sender.LastSent[0].MaxFeePerGas);
            Assert.Null(await anvil.Web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(sender.LastSent[0].Hash));
        }
        finally
        {
            await anvil.RpcAsync<object>("evm_setAutomine", true);
        }

        await anvil.MineAsync();
        Assert.Equal(new BigInteger(77), await anvil.Web3.CallAsync<BalanceOfFunction, BigInteger>(token, new BalanceOfFunction { Account = holder }));
    }

    [Fact]
    public async Task A_dropped_transaction_is_sent_again()
    {
        var token = await anvil.DeployAsync("TestToken", 0, "T", "T", (byte)18);
        var holder = AnvilFixture.DevAddress(6);
        var sender = new TransactionSender(anvil.Web3For(0), AnvilFixture.DevAddress(0)) { ReceiptTimeout = TimeSpan.FromMilliseconds(300), MaxReplacements = 8 };
        await anvil.RpcAsync<object>("evm_setAutomine", false);
        try
        {
            var sending = sender.SendAsync(token, new MintFunction { To = holder, Amount = 5 });
            while (sender.LastSent.Count < 1)
            {
                await Task.Delay(20);
            }

            await anvil.RpcAsync<object>("anvil_dropTransaction", sender.LastSent[0].Hash);
            while (sender.LastSent.Count < 2)
            {
                await Task.Delay(20);
            }

            await anvil.MineAsync();
            var receipt = await sending;
            Assert.NotEqual(sender.LastSent[0].Hash, receipt.TransactionHash);
        }
        finally
        {
            await anvil.RpcAsync<object>("evm_setAutomine", true);
        }

        Assert.Equal(new BigInteger(5), await anvil.Web3.CallAsync<BalanceOfFunction, BigInteger>(token, new BalanceOfFunction { Account = holder }));
    }
}
