using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Protocol.Core.Contracts;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.TestSupport.Tests;

public sealed class AnvilFixtureTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static readonly TimeSpan Timeout = AnvilFixture.ReceiptTimeout;

    [Fact]
    public async Task Deployed_contract_answers_calls_and_transactions()
    {
        var token = await DeployTokenAsync();

        Assert.Equal("Test Token", await token.GetFunction("name").CallAsync<string>());
        Assert.Equal(6, await token.GetFunction("decimals").CallAsync<byte>());

        await MintAsync(token, AnvilFixture.DevAddress(1), 1_234_567);
        Assert.Equal(new BigInteger(1_234_567), await BalanceAsync(token, AnvilFixture.DevAddress(1)));
        Assert.Equal(new BigInteger(1_234_567), await token.GetFunction("totalSupply").CallAsync<BigInteger>());
    }

    [Fact]
    public async Task Revert_restores_the_snapshot_state()
    {
        var token = await DeployTokenAsync();
        var holder = AnvilFixture.DevAddress(2);
        await MintAsync(token, holder, 10);

        var snapshot = await anvil.SnapshotAsync();
        await MintAsync(token, holder, 90);
        Assert.Equal(new BigInteger(100), await BalanceAsync(token, holder));

        await anvil.RevertAsync(snapshot);
        Assert.Equal(new BigInteger(10), await BalanceAsync(token, holder));
    }

    [Fact]
    public async Task Time_travel_and_mining_move_the_chain()
    {
        var before = await anvil.LatestBlockAsync();

        await anvil.IncreaseTimeAsync(3 * 24 * 3600);
        var afterTravel = await anvil.LatestBlockAsync();
        Assert.True(afterTravel.Timestamp.Value - before.Timestamp.Value >= 3 * 24 * 3600, $"{before.Timestamp} -> {afterTravel.Timestamp}");

        await anvil.MineAsync(7);
        var afterMining = await anvil.LatestBlockAsync();
        Assert.Equal(afterTravel.Number.Value + 7, afterMining.Number.Value);

        var fixedTime = (long)afterMining.Timestamp.Value + 1000;
        await anvil.SetNextBlockTimestampAsync(fixedTime);
        await anvil.MineAsync();
        Assert.Equal(new BigInteger(fixedTime), (await anvil.LatestBlockAsync()).Timestamp.Value);
    }

    [Fact]
    public async Task Reorg_replaces_recent_blocks_and_drops_their_transactions()
    {
        var token = await DeployTokenAsync();
        var holder = AnvilFixture.DevAddress(3);
        await anvil.MineAsync(3);
        var ancestor = await anvil.LatestBlockAsync();

        var mint = await MintAsync(token, holder, 55);
        await anvil.MineAsync(2);
        var tip = await anvil.LatestBlockAsync();
        Assert.Equal(new BigInteger(55), await BalanceAsync(token, holder));

        await anvil.ReorgAsync(depth: 3);

        var newTip = await anvil.LatestBlockAsync();
        Assert.Equal(tip.Number.Value, newTip.Number.Value);
        Assert.NotEqual(tip.BlockHash, newTip.BlockHash);
        var replaced = await BlockAsync(mint.BlockNumber);
        Assert.NotEqual(mint.BlockHash, replaced.BlockHash);
        Assert.Equal(ancestor.BlockHash, (await BlockAsync(ancestor.Number)).BlockHash);
        Assert.Equal(BigInteger.Zero, await BalanceAsync(token, holder));
    }

    private async Task<Nethereum.Contracts.Contract> DeployTokenAsync()
    {
        var artifact = await ContractArtifact.LoadAsync(RepositoryLayout.ContractsOut, "TestToken");
        var address = await anvil.DeployAsync("TestToken", 0, "Test Token", "TT", (byte)6);
        return anvil.Web3For(0).Eth.GetContract(artifact.AbiJson, address);
    }

    private static async Task<TransactionReceipt> MintAsync(Nethereum.Contracts.Contract token, string to, long amount)
    {
        var mint = token.GetFunction("mint");
        var from = AnvilFixture.DevAddress(0);
        var gas = await mint.EstimateGasAsync(from, null, null, to, new BigInteger(amount));
        using var cts = new CancellationTokenSource(Timeout);
        var receipt = await mint.SendTransactionAndWaitForReceiptAsync(from, gas, null, cts, to, new BigInteger(amount));
        Assert.Equal(BigInteger.One, receipt.Status.Value);
        return receipt;
    }

    private static Task<BigInteger> BalanceAsync(Nethereum.Contracts.Contract token, string holder) =>
        token.GetFunction("balanceOf").CallAsync<BigInteger>(holder);

    private Task<BlockWithTransactionHashes> BlockAsync(HexBigInteger number) =>
        anvil.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(number);
}
