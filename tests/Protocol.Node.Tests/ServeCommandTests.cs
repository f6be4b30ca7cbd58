using System.Net;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

/// <summary><c>fmp serve</c>: a local market's files published read-only, as a sponsor or curator runs it.</summary>
[Trait("tier", "slow")]
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-serve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_folder_is_served_read_only_with_content_types_and_revalidation()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "tasks.jsonl"), "{\"id\":\"t1\",\"prompt\":\"p\",\"a\":\"x\",\"b\":\"y\"}\n");
        await File.WriteAllBytesAsync(Path.Combine(_dir, "tasks.features"), [1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(_dir, "oracle.password"), "secret\n");
        // Port 0: the server picks a free one and prints it (no port chosen ahead that another test could take).
        using var serve = CliProcess.Start(CliProcess.Fmp, ["serve", "--folder", _dir, "--port", "0"]);
        var started = await serve.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("serving " + System.Text.RegularExpressions.Regex.Escape(_dir) + @" read-only at http://127\.0\.0\.1:([0-9]+)/"), TimeSpan.FromSeconds(30));
        var port = int.Parse(started.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(0, port);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var tasks = await http.GetAsync(new Uri("tasks.jsonl", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);
        Assert.Equal("application/x-ndjson; charset=utf-8", tasks.Content.Headers.ContentType?.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_dir, "tasks.jsonl")), await tasks.Content.ReadAsByteArrayAsync());
        Assert.NotNull(tasks.Headers.ETag);
        using var features = await http.GetAsync(new Uri("tasks.features", UriKind.Relative));
        Assert.Equal("application/octet-stream", features.Content.Headers.ContentType?.ToString());
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri("tasks.jsonl", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(tasks.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
        // Only protocol file types; nothing outside the folder; no writes.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("oracle.password", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("%2e%2e/etc/passwd", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PutAsync(new Uri("tasks.jsonl", UriKind.Relative), new StringContent("x"))).StatusCode);

        // A second server on the same port says so in one line.
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["serve", "--folder", _dir, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30));
        Assert.Equal(1, exit);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", output, StringComparison.Ordinal);
        await serve.TerminateAsync(TimeSpan.FromSeconds(20)); // SIGTERM stops it cleanly
        Assert.Equal(0, serve.Process.ExitCode);
    }

    [Fact]
    public async Task A_missing_folder_is_refused_naming_it()
    {
        var missing = Path.Combine(_dir, "nowhere");
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["serve", "--folder", missing], TimeSpan.FromSeconds(30));
        Assert.Equal(2, exit);
        Assert.Contains($"{missing} does not exist", output, StringComparison.Ordinal);
    }
}
