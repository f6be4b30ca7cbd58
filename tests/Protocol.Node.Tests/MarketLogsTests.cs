using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Protocol.Client.Chain;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>The node reads a market's logs in ranges a strict provider accepts (a proxy that refuses long ranges, as hosted providers do).</summary>
public sealed class MarketLogsTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    [Fact]
    public async Task Ranges_a_provider_refuses_are_split_and_every_log_of_the_market_is_read_once_in_order()
    {
        var d = await DeployAsync(anvil);
        var terms = new MarketTerms(RewardPool: 100 * Token, OracleFeeBps: 0, SlashBps: 0, StakeCap: 50 * Token);
        var market = await d.CreateMarketAsync(terms);
        var other = await d.CreateMarketAsync(terms); // its logs must not be read
        foreach (var curator in new[] { 4, 5, 6 })
        {
            await market.CommitAsync(curator, 10 * Token);
            await other.CommitAsync(curator, 10 * Token);
            await anvil.MineAsync(5);
        }

        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await market.RevealAsync(5);

        await using var proxy = new FaultyRpcProxy(anvil.RpcUrl, faultRate: 0, stall: TimeSpan.Zero) { MaxLogRange = 4 };
        var logs = await MarketLogs.ReadAsync(new Web3(proxy.Url), d.MarketAddress, market.Id, new LogWindow(d.StartBlock, MaxRange: 1_000), CancellationToken.None);

        var everything = await anvil.Web3.Eth.Filters.GetLogs.SendRequestAsync(new NewFilterInput
        {
            Address = [d.MarketAddress], FromBlock = BlockParameter.CreateEarliest(), ToBlock = BlockParameter.CreateLatest(),
        });
        var topic = new Nethereum.ABI.ABIEncode().GetABIEncoded(new Nethereum.ABI.ABIValue("uint256", market.Id)).ToHex(true);
        var expected = everything.Where(l => l.Topics.Length > 1 && string.Equals(l.Topics[1].ToString(), topic, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(6, expected.Count); // created, three commits, two reveals
        Assert.Equal(expected.Select(l => (l.BlockNumber.Value, l.LogIndex.Value)), logs.Select(l => (l.BlockNumber.Value, l.LogIndex.Value)));
        Assert.Equal(3, MarketLogs.Decode<CommittedEvent>(logs).Count);
        Assert.Equal(2, MarketLogs.Decode<RevealedEvent>(logs).Count);
        Assert.True(proxy.RangeRefusals > 0, "the proxy never refused a range: nothing was split");
    }

    [Fact]
    public async Task A_provider_that_refuses_even_one_block_is_an_error_not_an_empty_market()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(RewardPool: 100 * Token, OracleFeeBps: 0, SlashBps: 0, StakeCap: 50 * Token));
        await using var proxy = new FaultyRpcProxy(anvil.RpcUrl, faultRate: 0, stall: TimeSpan.Zero) { MaxLogRange = 0 };
        await Assert.ThrowsAsync<RpcResponseException>(() =>
            MarketLogs.ReadAsync(new Web3(proxy.Url), d.MarketAddress, market.Id, new LogWindow(d.StartBlock, MaxRange: 64), CancellationToken.None));
    }
}
