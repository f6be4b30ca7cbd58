using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Microsoft.Playwright;

namespace Protocol.Dashboard.Tests;

/// <summary>One dashboard page open in its own browser context, with every error the browser reported.</summary>
public sealed class Visit : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private Visit(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => Errors.Add($"request failed: {request.Url} {request.Failure}");
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    /// <summary>Opens <c>/dashboard/{hash}</c> (of the site, or of another API at <paramref name="baseUrl"/>) and waits until the page says it is complete.</summary>
    public static async Task<Visit> OpenAsync(DashboardSite site, string hash, ColorScheme scheme = ColorScheme.Light, string? baseUrl = null)
    {
        var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ColorScheme = scheme, ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, AcceptDownloads = true,
        });
        var visit = new Visit(context, await context.NewPageAsync());
        await visit.Page.GotoAsync($"{baseUrl ?? site.BaseUrl}/dashboard/{hash}");
        await visit.WaitReadyAsync(hash);
        return visit;
    }

    public Task WaitReadyAsync(string hash) =>
        Page.WaitForSelectorAsync($"body[data-ready='{hash}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 20_000 });

    /// <summary>The rows of a table as displayed: data-key → column → (text, raw value).</summary>
    public async Task<List<(string Key, Dictionary<string, (string Text, string Raw)> Cells)>> TableAsync(string id)
    {
        var rows = await Page.EvaluateAsync<JsonElement>(
            """
            id => [...document.querySelectorAll(`table[data-table="${id}"] tbody tr`)].map(tr => ({
              key: tr.dataset.key,
              cells: [...tr.cells].map(td => ({ col: td.dataset.col, text: td.textContent, raw: td.dataset.raw })),
            }))
            """, id);
        return [.. rows.EnumerateArray().Select(r => (
            r.GetProperty("key").GetString()!,
            r.GetProperty("cells").EnumerateArray().ToDictionary(
                c => c.GetProperty("col").GetString()!, c => (c.GetProperty("text").GetString()!, c.GetProperty("raw").GetString()!))))];
    }

    /// <summary>The key figures at the top of a page: data-fact → text.</summary>
    public async Task<Dictionary<string, string>> FactsAsync() =>
        await Page.EvaluateAsync<Dictionary<string, string>>("() => Object.fromEntries([...document.querySelectorAll('[data-fact]')].map(d => [d.dataset.fact, d.textContent]))");

    /// <summary>For each canvas on the page, how many of its pixels are painted.</summary>
    public async Task<int[]> PaintedPixelsPerCanvasAsync() =>
        await Page.EvaluateAsync<int[]>(
            """
            () => [...document.querySelectorAll('canvas')].map(c => {
              const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let painted = 0;
              for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
              return painted;
            })
            """);

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}

/// <summary>The dashboard's display formats, written again here so the tests read what an analyst reads.</summary>
public static class Shown
{
    private static readonly BigInteger Unit = BigInteger.Pow(10, 18);

    /// <summary>Base units → tokens, exact: 1234500000000000000000 → "1,234.5"; null → "—".</summary>
    public static string Tokens(string? raw)
    {
        if (raw is null)
        {
            return "—";
        }

        var value = BigInteger.Parse(raw, CultureInfo.InvariantCulture);
        var sign = value.Sign < 0 ? "-" : "";
        value = BigInteger.Abs(value);
        var fraction = (value % Unit).ToString(CultureInfo.InvariantCulture).PadLeft(18, '0').TrimEnd('0');
        return sign + (value / Unit).ToString("N0", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "");
    }

    public static string Count(object? value) => value is null ? "—" : Convert.ToString(value, CultureInfo.InvariantCulture)!;
}
