using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Protocol.CuratorApp;
using Protocol.Core.Files;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Dashboard.Tests;

/// <summary>
/// The curator app's pieces that can fail on their own, without a chain or a browser: the label book (saved after
/// every choice, read back whole after a restart, undo, never a torn file) and the session guard on a real loopback
/// server.
/// </summary>
public sealed class CuratorAppPieceTests : IDisposable
{
    private static readonly TaskItem[] Items = [.. Enumerable.Range(1, 6).Select(i => new TaskItem($"t{i}", $"prompt {i}", $"a{i}", $"b{i}"))];
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-app-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Every_choice_is_on_disk_when_the_call_returns_and_a_new_session_reads_labels_skips_and_undo_back()
    {
        var path = Path.Combine(_dir, "labels.jsonl");
        using (var book = await LabelBook.OpenAsync(path, Items, CancellationToken.None))
        {
            await book.ChooseAsync("t1", "a", CancellationToken.None);
            await book.ChooseAsync("t2", "skip", CancellationToken.None);
            await book.ChooseAsync("t3", "b", CancellationToken.None);
            // The label file is the one the commit reads: canonical lines in the items' order, nothing for a skip.
            Assert.Equal("{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"t3\",\"pref\":\"b\"}\n", await File.ReadAllTextAsync(path));
            await book.ChooseAsync("t1", "b", CancellationToken.None); // a change of mind, also undoable
        }

        // A crash leaves at most a temporary file beside it; it is not read and does not hide the saved labels.
        await File.WriteAllTextAsync(path + ".deadbeef.tmp", "{\"id\":\"t4\",\"pr");
        using var again = await LabelBook.OpenAsync(path, Items, CancellationToken.None);
        var snapshot = again.Snapshot();
        Assert.Equal(new Dictionary<string, string> { ["t1"] = "b", ["t3"] = "b" }, snapshot.Labels);
        Assert.Equal(["t2"], snapshot.Skipped);
        Assert.Equal(4, snapshot.Undoable);

        var undone = await again.UndoAsync(CancellationToken.None);
        Assert.Equal("t1", undone.Changed);
        Assert.Equal("a", undone.Labels["t1"]); // back to the first choice, not to no label
        undone = await again.UndoAsync(CancellationToken.None);
        Assert.Equal("t3", undone.Changed);
        Assert.False(undone.Labels.ContainsKey("t3"));
        undone = await again.UndoAsync(CancellationToken.None);
        Assert.Equal("t2", undone.Changed);
        Assert.Empty(undone.Skipped);
        Assert.Equal("{\"id\":\"t1\",\"pref\":\"a\"}\n", await File.ReadAllTextAsync(path));
        undone = await again.UndoAsync(CancellationToken.None);
        undone = await again.UndoAsync(CancellationToken.None); // nothing left: no change, no error
        Assert.Null(undone.Changed);
        Assert.Empty(undone.Labels);
        Assert.Equal("", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_reader_never_sees_a_half_written_label_file()
    {
        var items = Enumerable.Range(1, 150).Select(i => new TaskItem($"item-{i:D4}-{new string('x', 40)}", "p", "a", "b")).ToArray();
        var path = Path.Combine(_dir, "labels.jsonl");
        using var book = await LabelBook.OpenAsync(path, items, CancellationToken.None);
        await book.ChooseAsync(items[0].Id, "a", CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var reads = 0;
        // Reads the file as the commit (or a reload after a crash) would while the app keeps writing a longer one.
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var bytes = await File.ReadAllBytesAsync(path);
                var labels = await ProtocolFiles.ReadLabelsAsync(new MemoryStream(bytes), path).ToListAsync();
                Assert.NotEmpty(labels);
                Assert.EndsWith("\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
                reads++;
            }
        });
        foreach (var item in items.Skip(1))
        {
            await book.ChooseAsync(item.Id, item.Id.EndsWith('7') ? "b" : "a", CancellationToken.None);
        }

        await stop.CancelAsync();
        await reader;
        Assert.True(reads > 10, $"only {reads} reads overlapped the writes");
        Assert.Equal(150, File.ReadAllLines(path).Length);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public async Task A_label_file_with_an_item_of_another_key_is_refused_with_its_line_and_a_locked_book_changes_nothing()
    {
        var path = Path.Combine(_dir, "labels.jsonl");
        await File.WriteAllTextAsync(path, "{\"id\":\"t1\",\"pref\":\"a\"}\n{\"id\":\"elsewhere\",\"pref\":\"b\"}\n");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => LabelBook.OpenAsync(path, Items, CancellationToken.None));
        Assert.Contains("line 2: 'elsewhere' is not one of the 6 items this key may label", refused.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(path, "{\"id\":\"t1\",\"pref\":\"a\"}\n");
        using var book = await LabelBook.OpenAsync(path, Items, CancellationToken.None);
        Assert.Contains("pref must be \"a\", \"b\" or \"skip\" (got \"c\")", (await Assert.ThrowsAnyAsync<Exception>(() => book.ChooseAsync("t2", "c", CancellationToken.None))).Message, StringComparison.Ordinal);
        Assert.Contains("id \"t9\" is not one of the items", (await Assert.ThrowsAnyAsync<Exception>(() => book.ChooseAsync("t9", "a", CancellationToken.None))).Message, StringComparison.Ordinal);
        book.Lock("these labels are committed");
        Assert.Equal("these labels are committed", (await Assert.ThrowsAnyAsync<Exception>(() => book.ChooseAsync("t2", "a", CancellationToken.None))).Message);
        Assert.Equal("these labels are committed", (await Assert.ThrowsAnyAsync<Exception>(() => book.UndoAsync(CancellationToken.None))).Message);
        Assert.Equal("{\"id\":\"t1\",\"pref\":\"a\"}\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task The_api_answers_only_its_own_page_with_the_session_token()
    {
        var guard = new SessionGuard(SessionGuard.NewToken());
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        guard.Install(app);
        app.MapGet("/", () => "page");
        app.MapGet("/api/state", () => "state");
        await app.StartAsync();
        var url = app.Urls.Single();
        using var http = new HttpClient();

        async Task<(HttpStatusCode, string)> Get(string path, params (string, string)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url + path);
            foreach (var (name, value) in headers)
            {
                if (name == "Host")
                {
                    request.Headers.Host = value;
                }
                else
                {
                    request.Headers.Add(name, value);
                }
            }

            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await Get("/")).Item1); // the page itself holds nothing; it needs the token to read anything
        var (none, why) = await Get("/api/state");
        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Contains("no valid session token in the X-Session-Token header", why, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/api/state", (SessionGuard.Header, guard.Token[..^1] + (guard.Token[^1] == 'A' ? "B" : "A")))).Item1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/api/state", (SessionGuard.Header, guard.Token + "x"))).Item1);
        Assert.Equal((HttpStatusCode.OK, "state"), await Get("/api/state", (SessionGuard.Header, guard.Token)));
        Assert.Equal(HttpStatusCode.OK, (await Get("/api/state", (SessionGuard.Header, guard.Token), ("Origin", url.TrimEnd('/')), ("Sec-Fetch-Site", "same-origin"))).Item1);

        // Another page in the same browser: its origin, or the browser's word that it is cross-site, even with the token.
        var (foreign, refusal) = await Get("/api/state", (SessionGuard.Header, guard.Token), ("Origin", "http://127.0.0.1:1"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign);
        Assert.Contains("a request from http://127.0.0.1:1 is refused", refusal, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get("/api/state", (SessionGuard.Header, guard.Token), ("Sec-Fetch-Site", "cross-site"))).Item1);
        // A DNS name rebound to 127.0.0.1 would make a foreign page same-origin: its Host is refused, page included.
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await Get("/", ("Host", "evil.example:80"))).Item1);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await Get("/api/state", (SessionGuard.Header, guard.Token), ("Host", "evil.example"))).Item1);
        Assert.NotEqual(guard.Token, SessionGuard.NewToken());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", guard.Token);
    }
}
