using System.Globalization;
using Nethereum.Signer;
using Protocol.Client.Signing;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// <c>fmp curator claim</c> as a curator runs it: the leaf from a published report, checked, then claimed; or the stake
/// back. The first successful claim runs as fmp's own process, the other calls in process (<see cref="InProcessFmp"/>).
/// </summary>
[Trait("tier", "slow")]
public sealed class CuratorClaimTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-claim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_curator_claims_its_leaf_from_a_published_report_once_and_a_wrong_report_is_refused()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token));
        await market.CommitAsync(4, 20 * Token);
        await market.CommitAsync(5, 20 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await market.RevealAsync(5);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        var settled = market.BuildReport([new CuratorOutcome(AnvilFixture.DevAddress(4), 20 * Token, 5_000, 400_000), new CuratorOutcome(AnvilFixture.DevAddress(5), 20 * Token, -5_000, -100_000)]);
        await market.AttestAsync(settled, 1, 2);
        var (keystore, password) = await KeyAsync(4);

        // Published the way the node publishes it, served the way a node serves it.
        await PublishedReports.PublishAsync(Path.Combine(_dir, "good"), market.Id, settled);
        var other = market.BuildReport([new CuratorOutcome(AnvilFixture.DevAddress(4), 20 * Token, 10_000, 900_000), new CuratorOutcome(AnvilFixture.DevAddress(5), 20 * Token, -10_000, 0)]);
        await PublishedReports.PublishAsync(Path.Combine(_dir, "other"), market.Id, other);
        using var good = await PublishedReports.ServeAsync(Path.Combine(_dir, "good"));
        using var wrong = await PublishedReports.ServeAsync(Path.Combine(_dir, "other"));
        string[] Claim(string reports) => ["curator", "claim", "--rpc", anvil.RpcUrl, "--market", d.MarketAddress, "--market-id", market.Id.ToString(CultureInfo.InvariantCulture),
            "--keystore", keystore, "--password-file", password, "--reports", reports];

        var early = await InProcessFmp.RunAsync(Claim(good.Url));
        Assert.Equal(1, early.ExitCode);
        // Every wrong-phase refusal says when the phase ends.
        Assert.Matches(@"is in phase challenge \(the challenge window closes \d{4}-\d\d-\d\d \d\d:\d\d:\d\d .*\(in [^)]+\)\): claims open once it is finalized", early.Output);

        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await anvil.MineAsync();
        var refused = await InProcessFmp.RunAsync(Claim(wrong.Url));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("that oracle's report was not the one accepted", refused.Output, StringComparison.Ordinal);

        var before = await d.BalanceAsync(AnvilFixture.DevAddress(4));
        var claimed = await CliProcess.RunAsync(CliProcess.Fmp, Claim(good.Url), TimeSpan.FromMinutes(1));
        Assert.True(claimed.ExitCode == 0, claimed.Output);
        var amount = settled.Leaves.Single(l => l.Account == AnvilFixture.DevAddress(4)).Amount;
        Assert.Equal(amount, await d.BalanceAsync(AnvilFixture.DevAddress(4)) - before);
        Assert.Matches(@"claim: tx 0x[0-9a-f]{64}, gas used \d+ .*\n.*paid .*\(" + amount.ToString(CultureInfo.InvariantCulture) + " wei\\) to ", claimed.Output);

        var twice = await InProcessFmp.RunAsync(Claim(good.Url));
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("was already claimed", twice.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 24: the remainder leaf is the burn address's, so a sponsor that did not curate has nothing to claim. The
    /// command sends no transaction (the key's nonce stays) and says why, instead of a 0-token claim or a refusal that
    /// blames the report.
    /// </summary>
    [Fact]
    public async Task The_sponsor_has_no_leaf_to_claim_and_nothing_is_sent()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token));
        await market.CommitAsync(4, 20 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        // No positive value: under the old leaves all of pool − fee + the slash was the sponsor's to claim.
        var settled = market.BuildReport([new CuratorOutcome(AnvilFixture.DevAddress(4), 20 * Token, -5_000, -100_000)]);
        Assert.Equal(95 * Token + 5 * Token, settled.Table.Remainder);
        await market.AttestAsync(settled, 1, 2);
        await PublishedReports.PublishAsync(Path.Combine(_dir, "good"), market.Id, settled);
        using var good = await PublishedReports.ServeAsync(Path.Combine(_dir, "good"));
        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await anvil.MineAsync();

        var (keystore, password) = await KeyAsync(Sponsor);
        var sponsor = AnvilFixture.DevAddress(Sponsor);
        var nonce = await anvil.Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(sponsor);
        var before = await d.BalanceAsync(sponsor);
        var result = await InProcessFmp.RunAsync(["curator", "claim", "--rpc", anvil.RpcUrl, "--market", d.MarketAddress, "--market-id", market.Id.ToString(CultureInfo.InvariantCulture),
            "--keystore", keystore, "--password-file", password, "--reports", good.Url]);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("nothing to claim", result.Output, StringComparison.Ordinal);
        Assert.Contains("burn address 0x000000000000000000000000000000000000dead", result.Output, StringComparison.Ordinal);
        Assert.Equal(nonce.Value, (await anvil.Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(sponsor)).Value);
        Assert.Equal(before, await d.BalanceAsync(sponsor));
        Assert.DoesNotContain(settled.Leaves, l => l.Account == sponsor);
    }

    [Fact]
    public async Task A_cancelled_market_refunds_the_stake_once()
    {
        var d = await DeployAsync(anvil);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token));
        await market.CommitAsync(6, 15 * Token);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(6);
        await anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        await anvil.IncreaseTimeAsync(90_000); // no report by the evaluation deadline
        await anvil.MineAsync();
        var (keystore, password) = await KeyAsync(6);
        string[] args = ["curator", "claim", "--rpc", anvil.RpcUrl, "--market", d.MarketAddress, "--market-id", market.Id.ToString(CultureInfo.InvariantCulture), "--keystore", keystore, "--password-file", password];
        var before = await d.BalanceAsync(AnvilFixture.DevAddress(6));
        var refunded = await InProcessFmp.RunAsync(args);
        Assert.True(refunded.ExitCode == 0, refunded.Output);
        Assert.Contains("phase cancelled", refunded.Output, StringComparison.Ordinal);
        Assert.Equal(15 * Token, await d.BalanceAsync(AnvilFixture.DevAddress(6)) - before);
        var again = await InProcessFmp.RunAsync(args);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("was already refunded", again.Output, StringComparison.Ordinal);
        var missing = await InProcessFmp.RunAsync(["curator", "claim", "--rpc", anvil.RpcUrl]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--market is required", missing.Output, StringComparison.Ordinal);
    }

    private async Task<(string Keystore, string Password)> KeyAsync(int account)
    {
        var password = Path.Combine(_dir, $"curator{account}.password");
        await File.WriteAllTextAsync(password, "a long passphrase\n");
        var keystore = await DevKeystore.WriteAsync(Path.Combine(_dir, $"curator{account}.json"), "a long passphrase", new EthECKey(AnvilFixture.DevPrivateKeys[account]));
        return (keystore, password);
    }
}
