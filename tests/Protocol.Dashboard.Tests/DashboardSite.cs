using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Protocol.Api;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Dashboard.Tests;

/// <summary>
/// The dashboard as an analyst meets it: markets scripted on anvil through every life-cycle path,
/// indexed into PostgreSQL, served by the API on loopback, and Debian's Chromium driven by Playwright.
/// </summary>
public sealed class DashboardSite : IAsyncLifetime
{
    private readonly AnvilFixture _anvil = new();
    private readonly PostgresDatabaseFixture _db = new();
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public PostgresDatabaseFixture Db => _db;

    public AnvilFixture Anvil => _anvil;

    public ProtocolDeployment Deployment { get; private set; } = null!;

    /// <summary>How many markets the site holds: every settled path, then one in its challenge window and one open.</summary>
    public const int MarketCount = 7;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>out/test-artifacts/dashboard</c> in the repository.</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(RepositoryLayout.Root, "out", "test-artifacts", "dashboard")).FullName;

    /// <summary>The Chromium binary: <c>FMP_CHROMIUM</c>, else Debian's (installed by scripts/bootstrap.sh).</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("FMP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Debian's Chromium, headless and kept off the (closed) network.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        Assert.True(File.Exists(ChromiumPath), $"no Chromium at {ChromiumPath}: scripts/bootstrap.sh installs Debian's chromium package");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in CI needs --no-sandbox; the rest keeps Chromium off the (closed) network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"no Chromium at {ChromiumPath}: scripts/bootstrap.sh installs Debian's chromium package");
        await _anvil.InitializeAsync();
        await _db.InitializeAsync();
        var d = await DeployAsync(_anvil);
        await Scenarios.SettledMarketAsync(_anvil, d, disputed: false);
        await Scenarios.SettledMarketAsync(_anvil, d, disputed: true);
        await Scenarios.CancelledMarketAsync(_anvil, d);
        await Scenarios.ForfeitedMarketAsync(_anvil, d);
        await DisagreementMarketAsync(d);
        await ChallengedAndOpenMarketsAsync(d);
        Deployment = d;
        await IndexerHarness.Create(d, _db.DataSource, _anvil.RpcUrl, reorgDepth: 4).SyncToHeadAsync(CancellationToken.None);

        BaseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        _app = ApiHost.Build(_db.ConnectionString, BaseUrl);
        await _app.StartAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _db.DisposeAsync();
        await _anvil.DisposeAsync();
    }

    // Oracle 3 signs a report the others do not: one disagreement on the oracle pages. Amounts down to
    // the last wei (no double holds them exactly), so a page that rounded anywhere would show it.
    private async Task DisagreementMarketAsync(ProtocolDeployment d)
    {
        var market = await d.CreateMarketAsync(new MarketTerms(RewardPool: 500 * Token + 1, OracleFeeBps: 200, SlashBps: 10_000, StakeCap: 100 * Token));
        var (stake4, stake6) = (90 * Token + 123_456_789_012_345_678, 70 * Token + 987_654_321);
        await market.CommitAsync(4, stake4);
        await market.CommitAsync(6, stake6);
        await _anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await market.RevealAsync(6);
        await _anvil.IncreaseTimeAsync(3_600);
        await market.RevealGoldAsync();
        CuratorOutcome[] honest =
        [
            new(AnvilFixture.DevAddress(4), stake4, 3_000, 150_000),
            new(AnvilFixture.DevAddress(6), stake6, -5_000, -40_000),
        ];
        await market.AttestAsync(market.BuildReport([honest[0] with { ScoreBps = 2_999 }, honest[1]]), 3);
        var report = market.BuildReport(honest);
        await market.AttestAsync(report, 1, 2);
        await _anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await market.FinalizeAsync();
        await market.ClaimAllAsync(report);
    }

    // A market whose report was just accepted (in its challenge window), then one still taking commits.
    private async Task ChallengedAndOpenMarketsAsync(ProtocolDeployment d)
    {
        var terms = new MarketTerms(RewardPool: 200 * Token, OracleFeeBps: 100, SlashBps: 5_000, StakeCap: 100 * Token);
        var challenged = await d.CreateMarketAsync(terms);
        await challenged.CommitAsync(5, 60 * Token);
        await _anvil.IncreaseTimeAsync(3_600);
        await challenged.RevealAsync(5);
        await _anvil.IncreaseTimeAsync(3_600);
        await challenged.RevealGoldAsync();
        await challenged.AttestAsync(challenged.BuildReport([new(AnvilFixture.DevAddress(5), 60 * Token, 1_000, 10_000)]), 1, 2);

        var open = await d.CreateMarketAsync(terms);
        await open.CommitAsync(6, 40 * Token);
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardGroup : ICollectionFixture<DashboardSite>
{
    public const string Name = "dashboard";
}
