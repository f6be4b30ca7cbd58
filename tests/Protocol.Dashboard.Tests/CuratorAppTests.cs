using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Nethereum.Signer;
using Protocol.Cli.Commands;
using Protocol.Cli.Commands.Curators;
using Protocol.DevChain;
using Protocol.ServiceDefaults;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.Evaluation;
using Protocol.Evaluation.InRun;
using Protocol.Node;
using Protocol.Node.Evaluation;
using Protocol.Node.Inputs;
using Protocol.Node.Signing;
using Protocol.TestSupport;
using MintFunction = Protocol.Core.Contracts.TestTokenBindings.MintFunction;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Dashboard.Tests;

/// <summary>
/// <c>fmp curator app</c> end to end on a real chain, in Debian's Chromium: a curator labels its 20 assigned items
/// of a bt-inrun-v3 market with the keyboard, reloads half way and loses nothing, stakes and commits, reveals, two
/// oracle nodes (in process) evaluate and attest, and it claims, all from the page. Each screen is saved at 1280 and
/// 800 px (out/test-artifacts/curator-app) and checked by axe-core.
/// </summary>
[Trait("tier", "slow")]
public sealed class CuratorAppTests(AnvilFixture anvil, PostgresDatabaseFixture db) : IClassFixture<AnvilFixture>, IClassFixture<PostgresDatabaseFixture>, IDisposable
{
    private const int Curator = 4;
    private const int AssignedCount = 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-curator-app-").FullName;

    /// <summary>Where the screenshots go: <c>out/test-artifacts/curator-app</c> in the repository.</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(RepositoryLayout.Root, "out", "test-artifacts", "curator-app")).FullName;

    // The app reads the task pool through the cache the commands share (FMP_CACHE); it points here for this test only.
    private readonly string? _cache = Environment.GetEnvironmentVariable("FMP_CACHE");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("FMP_CACHE", _cache);
        Directory.Delete(_dir, recursive: true);
    }

    // A stuck step (a browser that never answers) fails the test instead of holding the whole run.
    [Fact(Timeout = 240_000)]
    public async Task A_curator_labels_with_the_keyboard_reloads_commits_reveals_and_claims_from_the_page()
    {
        // The task pool: 20 real crowd comparisons assigned to the curator (bt-inrun-v3 gives each address half of a
        // pool this small) and 20 assigned elsewhere, which the app must not show; 40 more as the gold set.
        // Chromium starts while the chain is set up: the two take seconds each on two cores.
        using var playwright = await Playwright.CreateAsync();
        var launching = DashboardSite.LaunchChromiumAsync(playwright);
        var d = await DeployAsync(anvil);
        var curator = AnvilFixture.DevAddress(Curator);
        var (pool, gold, majority) = CrowdPool(curator, marketId: 1);
        var mine = pool.Where(t => Assignment(1).IsAssigned(curator, t.Id)).ToList();
        Assert.Equal(AssignedCount, mine.Count);
        var files = await MarketFilesAsync(pool, gold);
        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token), files: files);
        Assert.Equal(BigInteger.One, market.Id);
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = curator, Amount = 100 * Token });

        // An oracle's published reports, served as fmp node run serves them (empty until the nodes write).
        var reportsRoot = Directory.CreateDirectory(Path.Combine(_dir, "reports")).FullName;
        await using var reports = await FileServer.StartAsync(reportsRoot, "/reports", "127.0.0.1", FreePort.Next(), CancellationToken.None);
        var (keystore, password) = await KeyAsync(Curator);
        var labels = Path.Combine(_dir, "labels.jsonl");
        Environment.SetEnvironmentVariable("FMP_CACHE", Path.Combine(_dir, "cache"));
        await using var app = await CuratorAppCommand.StartAsync(new CuratorAppCommand.Settings
        {
            Rpc = anvil.RpcUrl, Market = d.MarketAddress, MarketId = "1", StartBlock = d.StartBlock, Keystore = keystore, PasswordFile = password,
            Labels = labels, Reports = reports.Urls.Single(), Dashboard = "http://127.0.0.1:5080/dashboard/",
        }, logging => logging.ClearProviders(), CancellationToken.None);

        // Without the token (or from another origin) the API answers nothing.
        using (var http = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(app.Url + "/api/state")).StatusCode);
            using var foreign = new HttpRequestMessage(HttpMethod.Post, app.Url + "/api/labels") { Content = JsonContent(new { id = mine[0].Id, pref = "a" }) };
            foreign.Headers.Add("Origin", "http://127.0.0.1:1");
            foreign.Headers.Add("X-Session-Token", app.Token);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(foreign)).StatusCode);
        }

        await using var browser = await launching;
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => errors.Add($"page error: {e}");
        await page.GotoAsync(app.PageUrl);
        await WaitAsync(page, "body[data-ready='label']");
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal); // the address bar no longer shows it

        // What the page shows: the market's terms and deadlines in words, the curator's items only, side by side.
        Assert.Matches(@"^Commits close in (1 h|59 min( \d+ s)?)$", await page.InnerTextAsync("[data-deadline='commit']"));
        Assert.Equal($"Item 1 of {AssignedCount}", (await page.InnerTextAsync("h1")).Split(" · ")[0]);
        Assert.Equal("0 of 20 labelled (at least 12 needed)", await page.InnerTextAsync("#progress-text"));
        var first = await page.GetAttributeAsync("body", "data-cursor");
        Assert.Equal(mine[0].Id, first);
        await AssertMarkdownIsRenderedSafelyAsync(page);
        await AssertKeyboardFocusOrderAsync(page);
        await ShootAsync(page, "label");
        await AssertAccessibleAsync(page, "label");

        // Label by keyboard: 1/← for A, 2/→ for B; a skip and an undo on the third item; the crowd's majority each time.
        for (var n = 0; n < AssignedCount; n++)
        {
            var id = await page.GetAttributeAsync("body", "data-cursor");
            var key = majority[id!] == Preference.A ? (n % 3 == 1 ? "ArrowLeft" : "1") : (n % 3 == 1 ? "ArrowRight" : "2");
            if (n == 2)
            {
                await page.Keyboard.PressAsync("s");
                await WaitAsync(page, $"body[data-cursor]:not([data-cursor='{id}'])");
                Assert.Equal("2 of 20 labelled, 1 skipped (at least 12 needed)", await page.InnerTextAsync("#progress-text"));
                await page.Keyboard.PressAsync("u");
                await WaitAsync(page, $"body[data-cursor='{id}']");
                Assert.Equal("2 of 20 labelled (at least 12 needed)", await page.InnerTextAsync("#progress-text"));
            }

            await page.Keyboard.PressAsync(key);
            await WaitAsync(page, $"body[data-labelled='{n + 1}']");
            if (n == 9)
            {
                // Half way: the file on disk holds every label so far, and a reload continues with nothing lost.
                Assert.Equal(10, (await File.ReadAllLinesAsync(labels)).Length);
                var next = await page.GetAttributeAsync("body", "data-cursor");
                await page.ReloadAsync();
                await WaitAsync(page, "body[data-ready='label']");
                Assert.Equal("10 of 20 labelled (at least 12 needed)", await page.InnerTextAsync("#progress-text"));
                Assert.Equal(next, await page.GetAttributeAsync("body", "data-cursor"));
            }
        }

        // The last label leads to the review list; the file is what the crowd's majority says, in the pool's order.
        await WaitAsync(page, "body[data-ready='review']");
        var expected = CanonicalWriter.ToBytes(mine.Select(t => ProtocolFiles.ToLine(new Label(t.Id, majority[t.Id]))));
        Assert.Equal(expected, await File.ReadAllBytesAsync(labels));
        Assert.Equal(AssignedCount, await page.Locator("table[data-table='review'] tbody tr").CountAsync());
        Assert.Equal(majority[mine[5].Id] == Preference.A ? "A" : "B", await page.InnerTextAsync($"tr[data-key='{mine[5].Id}'] td[data-col='label'] strong"));
        await ShootAsync(page, "review");
        await AssertAccessibleAsync(page, "review");

        // Stake and commit: the field, then Enter.
        await page.Locator("#to-submit").PressAsync("Enter");
        await WaitAsync(page, "body[data-ready='submit']");
        // A refusal of the shared commit workflow reaches the page as the command prints it, naming the field.
        await page.Locator("#stake").FillAsync("500");
        await page.Locator("#stake").PressAsync("Enter");
        await WaitAsync(page, "main .error");
        Assert.Equal("stake 500 FBT (500000000000000000000 wei) is outside the market's bounds: 1 FBT (1000000000000000000 wei) to 100 FBT (100000000000000000000 wei)",
            await page.InnerTextAsync("main .error"));
        Assert.Equal(BigInteger.Zero, (await SubmissionAsync(d, curator)).Stake);
        // The browser logs the refused call's 400 as a console error: that one was asked for; any other fails the test.
        Assert.Equal(1, errors.RemoveAll(e => e.Contains("status of 400", StringComparison.Ordinal)));
        await page.Locator("#stake").FillAsync("20");
        await page.Locator("#stake").PressAsync("Enter");
        await WaitAsync(page, "[data-done='commit']");
        var submission = await SubmissionAsync(d, curator);
        Assert.Equal(20 * Token, submission.Stake);
        Assert.Equal(expected, await File.ReadAllBytesAsync(Path.Combine(_dir, "labels.committed.jsonl")));
        Assert.True(File.Exists(Path.Combine(_dir, "labels.commit.json")));
        Assert.Contains("Committed 20 labels", await page.InnerTextAsync("ul.log"), StringComparison.Ordinal);
        Assert.Matches(@"commit: transaction 0x[0-9a-f]{64}, gas used \d+", await page.InnerTextAsync("ul.log"));
        await ShootAsync(page, "committed"); // this screen is checked by axe once settled, with every section filled

        // The commit deadline passes: the page says so after a look at the chain, and the reveal is one key press.
        await anvil.IncreaseTimeAsync(3_600);
        await anvil.MineAsync();
        await page.Locator("#refresh").PressAsync("Enter");
        await WaitAsync(page, "#reveal:not([disabled])");
        await page.Locator("#reveal").PressAsync("Enter");
        await WaitAsync(page, "[data-done='reveal']");
        Assert.True((await SubmissionAsync(d, curator)).Revealed);
        await ShootAsync(page, "revealed");

        // The gold set is revealed and two oracle nodes evaluate the market and attest (quorum two).
        await anvil.IncreaseTimeAsync(3_600);
        await anvil.MineAsync();
        await market.RevealGoldAsync();
        foreach (var (oracle, output) in new[] { (1, reportsRoot), (2, Path.Combine(_dir, "oracle-2")) })
        {
            var outcome = await (await NodeAsync(d, oracle, output)).EvaluateAndAttestAsync(market.Id, null, CancellationToken.None);
            Assert.Equal("attested", outcome.Status);
        }

        var leaves = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reportsRoot, "1", "0", "leaves.json"))).RootElement.GetProperty("leaves");
        var leaf = leaves.EnumerateArray().Single(l => string.Equals(l.GetProperty("account").GetString(), curator, StringComparison.OrdinalIgnoreCase));
        var amount = BigInteger.Parse(leaf.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture);
        var score = leaf.GetProperty("scoreBps").GetInt32();

        // After the challenge window: the page shows the outcome and the claim pays exactly the leaf.
        await anvil.IncreaseTimeAsync((long)market.ChallengePeriod + 1);
        await anvil.MineAsync();
        await page.Locator("#refresh").PressAsync("Enter");
        await WaitAsync(page, "#claim:not([disabled])");
        Assert.Equal($"{score} bps", await page.InnerTextAsync("[data-fact='score']"));
        Assert.Equal("no", await page.InnerTextAsync("[data-fact='claimed']"));
        var before = await d.BalanceAsync(curator);
        await page.Locator("#claim").PressAsync("Enter");
        await WaitAsync(page, "[data-fact='claimed']:text-is('yes')");
        Assert.Equal(amount, await d.BalanceAsync(curator) - before);
        Assert.Equal($"{TokenAmount.Format(amount, 18)} FBT", await page.InnerTextAsync("[data-fact='payout']"));
        Assert.Equal($"{TokenAmount.Format(amount - 20 * Token, 18)} FBT", await page.InnerTextAsync("[data-fact='profit']"));
        Assert.Matches(@"^-?\d+(\.\d+)?$", await page.InnerTextAsync("[data-fact='value']"));
        Assert.Equal("done", await page.GetAttributeAsync("[data-next]", "data-next"));
        Assert.Equal($"http://127.0.0.1:5080/dashboard/#/curators/{curator.ToLowerInvariant()}", await page.GetAttributeAsync("#dashboard", "href"));
        await ShootAsync(page, "settled");
        await AssertAccessibleAsync(page, "settled");

        // The other color scheme passes too.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        await page.GotoAsync(app.Url + "/#/label");
        await WaitAsync(page, "body[data-ready='label']");
        await ShootAsync(page, "label-dark");
        await AssertAccessibleAsync(page, "label (dark)");
        Assert.Empty(errors);
    }

    // One assigned item is made to carry Markdown and HTML: the Markdown renders, the HTML stays text and never runs.
    private static async Task AssertMarkdownIsRenderedSafelyAsync(IPage page)
    {
        Assert.Equal("print(sorted([3, 1, 2]))", await page.InnerTextAsync("section[aria-labelledby='response-a-h'] pre code"));
        Assert.Equal("sorted", await page.InnerTextAsync("section[aria-labelledby='response-a-h'] strong"));
        Assert.Equal(2, await page.Locator("section[aria-labelledby='response-a-h'] li").CountAsync());
        Assert.Contains("<img src=x onerror=", await page.InnerTextAsync("section[aria-labelledby='prompt-h']"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("main img, main script").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => Boolean(window.pwned)"));
    }

    // Tab from the top reaches the skip link, the steps, the code block (it scrolls), then the choices in reading
    // order, each with a visible focus ring.
    private static async Task AssertKeyboardFocusOrderAsync(IPage page)
    {
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        var order = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string[]>(
                "() => { const e = document.activeElement; return [e.id || e.getAttribute('href') || e.tagName, e.textContent.trim(), getComputedStyle(e).outlineStyle]; }");
            if (focused[0] == "BODY")
            {
                break; // past the last control
            }

            order.Add(focused[0]);
            Assert.True(focused[2] != "none", $"{focused[0]} ({focused[1]}) has focus but no visible outline");
        }

        var expected = new[] { "#page", "#/label", "#/review", "#/submit", "PRE", "choose-a", "choose-b", "skip", "next", "#/review" };
        // Undo and Previous are disabled on the first, unlabelled item, so they are skipped.
        Assert.Equal(expected, order);
    }

    private static async Task AssertAccessibleAsync(IPage page, string screen)
    {
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0, $"axe on the {screen} screen: " + string.Join("; ", result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    private static async Task ShootAsync(IPage page, string name)
    {
        foreach (var width in new[] { 1280, 800 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, $"{name}-{width}.png"), FullPage = true });
        }

        await page.SetViewportSizeAsync(1280, 900);
    }

    // A bound against a hang, not a speed target: a step that sends transactions (stake, commit, reveal, claim) took over
    // 15 s once on a loaded 2-core CI machine.
    private static async Task WaitAsync(IPage page, string selector) =>
        await page.WaitForSelectorAsync(selector, new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    private static System.Net.Http.StringContent JsonContent(object value) =>
        new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    private static ItemAssignment Assignment(int marketId) => new(marketId, EvaluationSpecs.Default.InRun!.ShareFor(2 * AssignedCount));

    // Real crowd comparisons with a strict majority (UKPConvArg1): 20 the curator is assigned, 20 it is not, 40 gold.
    private static (List<TaskItem> Pool, List<GoldItem> Gold, Dictionary<string, Preference> Majority) CrowdPool(string curator, int marketId)
    {
        var file = Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "data", "ukpconvarg1"), "*.jsonl").Order(StringComparer.Ordinal).First();
        var rows = File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("majority", out var m) && m.ValueKind == JsonValueKind.String)
            .Select(e => (Item: new TaskItem(e.GetProperty("id").GetString()!, e.GetProperty("prompt").GetString()!, e.GetProperty("a").GetString()!, e.GetProperty("b").GetString()!),
                Pref: e.GetProperty("majority").GetString() == "a" ? Preference.A : Preference.B))
            .ToList();
        var assignment = Assignment(marketId);
        var mine = rows.Where(r => assignment.IsAssigned(curator, r.Item.Id)).Take(AssignedCount).ToList();
        var others = rows.Where(r => !assignment.IsAssigned(curator, r.Item.Id)).Take(AssignedCount).ToList();
        var pool = mine.Concat(others).OrderBy(r => rows.IndexOf(r)).ToList();
        var gold = rows.Except(pool).Take(2 * AssignedCount).Select(r => new GoldItem(r.Item.Id, r.Item.Prompt, r.Item.A, r.Item.B, r.Pref)).ToList();
        // The first of the curator's items carries Markdown (and HTML that must stay text), as a coding task would.
        var markdown = mine[0] with
        {
            Item = mine[0].Item with
            {
                Prompt = "Which reply explains `sorted` better? <img src=x onerror=\"window.pwned=true\"> <script>window.pwned=true</script>",
                A = "Use **sorted**, which returns a new list:\n\n```python\nprint(sorted([3, 1, 2]))\n```\n\n- stable\n- works on any iterable",
            },
        };
        pool[pool.IndexOf(mine[0])] = markdown;
        return ([.. pool.Select(r => r.Item)], gold, pool.ToDictionary(r => r.Item.Id, r => r.Pref));
    }

    private async Task<MarketFiles> MarketFilesAsync(List<TaskItem> pool, List<GoldItem> gold)
    {
        var tasks = CanonicalWriter.ToBytes(pool.Select(ProtocolFiles.ToLine));
        var goldBytes = CanonicalWriter.ToBytes(gold.Select(ProtocolFiles.ToLine));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "tasks.jsonl"), tasks);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "gold.jsonl"), goldBytes);
        var spec = Path.Combine(RepositoryLayout.Root, "specs", "bt-inrun-v3.json");
        return new MarketFiles(Keccak.Hash(tasks), new Uri(Path.Combine(_dir, "tasks.jsonl")).AbsoluteUri, Keccak.Hash(await File.ReadAllBytesAsync(spec)), new Uri(spec).AbsoluteUri,
            Keccak.Hash(goldBytes), new Uri(Path.Combine(_dir, "gold.jsonl")).AbsoluteUri);
    }

    // An oracle node as fmp node run builds it, in process: it fetches the market's files, evaluates on the CPU, signs and attests.
    private async Task<OracleNode> NodeAsync(ProtocolDeployment d, int account, string output)
    {
        var fetch = new FetchOptions { Timeout = TimeSpan.FromSeconds(5) };
        fetch.FileRoots.Add(_dir);
        fetch.FileRoots.Add(Path.Combine(RepositoryLayout.Root, "specs"));
        var fetcher = new InputFetcher(new HttpClient(), fetch, NullLogger<InputFetcher>.Instance);
        var loader = new SubmissionLoader(fetcher, FileReadOptions.Default, NullLogger<SubmissionLoader>.Instance);
        var pipeline = new EvaluationPipeline(fetcher, loader, new EvaluationOptions { Backend = EvaluationBackend.Cpu }, NullLogger<EvaluationPipeline>.Instance);
        var key = new EthECKey(AnvilFixture.DevPrivateKeys[account]);
        var ledger = new ReportLedger(db.DataSource, AnvilFixture.ChainId, d.MarketAddress, key.GetPublicAddress());
        await ledger.EnsureSchemaAsync(CancellationToken.None);
        return new OracleNode(anvil.Web3For(account), d.MarketAddress, AnvilFixture.ChainId, key, ledger, pipeline, output, NullLogger<OracleNode>.Instance, new LogWindow(d.StartBlock, 10_000));
    }

    private async Task<Submission> SubmissionAsync(ProtocolDeployment d, string curator) =>
        (await anvil.Web3.QueryAsync<SubmissionFunction, SubmissionOutput>(d.MarketAddress, new SubmissionFunction { MarketId = 1, Curator = curator })).ReturnValue1;

    private async Task<(string Keystore, string Password)> KeyAsync(int account)
    {
        const string Passphrase = "a long passphrase";
        var password = Path.Combine(_dir, $"curator{account}.password");
        await File.WriteAllTextAsync(password, Passphrase + "\n");
        var keystore = await DevKeystore.WriteAsync(Path.Combine(_dir, $"curator{account}.json"), Passphrase, new EthECKey(AnvilFixture.DevPrivateKeys[account]));
        return (keystore, password);
    }
}
