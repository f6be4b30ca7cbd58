using System.Globalization;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// <c>fmp market status</c> through a market's life, as its sponsor reads it (in process, <see cref="InProcessFmp"/>;
/// the unknown market as fmp's own process).
/// </summary>
[Trait("tier", "slow")]
public sealed class MarketStatusTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    [Fact]
    public async Task Status_names_the_phase_the_deadlines_the_counts_and_who_must_act_next()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token));
        async Task<string> StatusAsync()
        {
            var (exit, output) = await InProcessFmp.RunAsync(["market", "status", "--rpc", anvil.RpcUrl, "--market", d.MarketAddress, "--market-id", market.Id.ToString(CultureInfo.InvariantCulture)]);
            Assert.True(exit == 0, output);
            return output;
        }

        var open = await StatusAsync();
        Assert.Matches(@"phase\s+open, round 0", open);
        Assert.Matches(@"commits until\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d .*\(in (59 min|1 h)", open);
        Assert.Matches(@"pool\s+100 FBT \(100000000000000000000 wei\)", open);

        await market.CommitAsync(4, 20 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await anvil.IncreaseTimeAsync(3_600);
        await anvil.MineAsync();
        var withheld = await StatusAsync();
        Assert.Matches(@"curators\s+1 committed, 1 revealed; staked 20 FBT", withheld);
        Assert.Contains("the sponsor must reveal the gold set (fmp market reveal-gold) before", withheld, StringComparison.Ordinal);

        await anvil.IncreaseTimeAsync(3_600);
        await anvil.MineAsync();
        var forfeited = await StatusAsync();
        Assert.Matches(@"phase\s+forfeited \(due: not recorded on chain yet\)", forfeited);
        Assert.Contains("anyone may record it (fmp market cancel) to credit the pool", forfeited, StringComparison.Ordinal);

        // Once every stake is back, nothing is left to do (a new sponsor was still told what to claim).
        await market.ForfeitAsync();
        Assert.Contains("curators take their stakes back (fmp curator claim); 20 FBT", await StatusAsync(), StringComparison.Ordinal);
        await market.RefundAsync(4);
        Assert.Matches(@"next\s+nothing: every stake is refunded", await StatusAsync());

        // A settled market: what is claimed of the payout, then that nothing is left.
        market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token));
        await market.CommitAsync(4, 20 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        var report = market.BuildReport([new CuratorOutcome(AnvilFixture.DevAddress(4), 20 * Token, 4_000, 10_000)]);
        await market.AttestAsync(report, 1, 2);
        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await market.FinalizeAsync();
        Assert.Matches(@"claimed so far 0 FBT \(0 wei\) of 11\d FBT", await StatusAsync());
        await market.ClaimAllAsync(report);
        Assert.Matches(@"next\s+nothing: every leaf is claimed \(11\d FBT", await StatusAsync());

        var (code, missing) = await CliProcess.RunAsync(CliProcess.Fmp, ["market", "status", "--rpc", anvil.RpcUrl, "--market", d.MarketAddress, "--market-id", "99"], TimeSpan.FromMinutes(1));
        Assert.Equal(1, code);
        Assert.Contains("no market 99", missing, StringComparison.Ordinal);
    }
}
