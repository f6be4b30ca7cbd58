using Nethereum.Web3;
using Protocol.Core.Retry;
using Protocol.Node.Chain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary>
/// The node's RPC outage handling (<see cref="OutageRetry"/>, wired into every request the node sends, as
/// OracleNodeHost does) over a minute-long outage, on a manual clock: the provider's dropped connections are real, the
/// waits between tries take no time. <c>NodeRpcOutageTests</c> rides out a real outage with the process and attests.
/// </summary>
public sealed class OutageRetryTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    [Fact]
    public async Task A_sixty_second_rpc_outage_is_waited_out_with_one_warning_per_capped_wait_and_the_request_then_answers()
    {
        await using var proxy = new FaultyRpcProxy(anvil.RpcUrl, faultRate: 0, stall: TimeSpan.Zero);
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var log = new RecordingLogger<OutageRetry>();
        using var stopping = new CancellationTokenSource();
        var web3 = new Web3(OutageRetry.Client(proxy.Url));
        var retry = new OutageRetry(new OutagePolicy(TimeSpan.FromSeconds(8), clock), log, stopping.Token);
        web3.Client.OverridingRequestInterceptor = retry;
        Assert.Equal((await anvil.LatestBlockAsync()).Number.Value, (await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value);

        proxy.Down = true;
        var call = web3.Eth.Blocks.GetBlockNumber.SendRequestAsync();
        var waits = new List<TimeSpan>();
        while (waits.Sum(w => w.TotalSeconds) < 60)
        {
            var next = await clock.NextDueAsync(TimeSpan.FromSeconds(30));
            waits.Add(next);
            clock.Advance(next);
        }

        waits.Add(await clock.NextDueAsync(TimeSpan.FromSeconds(30))); // the try after the last wait failed too
        Assert.False(call.IsCompleted, "the request gave up during the outage");
        Assert.Equal([1, 2, 4, 8, 8, 8, 8, 8, 8, 8, 8], waits.Select(w => w.TotalSeconds)); // doubling, then capped
        var warnings = log.Entries.Where(e => e.Event == "RpcOutage").ToList();
        Assert.Equal(waits, warnings.Select(w => (TimeSpan)w.Values["Delay"]!)); // once per wait, not once per request
        Assert.All(warnings, w => Assert.Equal("eth_blockNumber", w.Values["Method"]));
        Assert.Equal(11, retry.Retries);

        proxy.Down = false;
        await anvil.MineAsync(2);
        clock.Advance(waits[^1]);
        Assert.Equal((await anvil.LatestBlockAsync()).Number.Value, (await call.WaitAsync(TimeSpan.FromSeconds(30))).Value);
        var recovered = Assert.Single(log.Entries, e => e.Event == "RpcRecovered");
        Assert.Equal(TimeSpan.FromSeconds(71), (TimeSpan)recovered.Values["Duration"]!); // 1 + 2 + 4 + 8 × 8 on the clock
        Assert.Equal(11, recovered.Values["Failures"]);

        // A node shutting down ends the wait instead of waiting the outage out.
        proxy.Down = true;
        var stopped = web3.Eth.Blocks.GetBlockNumber.SendRequestAsync();
        await clock.NextDueAsync(TimeSpan.FromSeconds(30));
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
