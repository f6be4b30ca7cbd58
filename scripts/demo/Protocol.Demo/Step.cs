using System.Diagnostics;
using Npgsql;
using Protocol.Indexer.Storage;
using Protocol.DevChain;
using Spectre.Console;

namespace Protocol.Demo;

/// <summary>Narration and child processes.</summary>
internal static class Step
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Say(string what) =>
        AnsiConsole.MarkupLine($"[grey]{Clock.Elapsed:mm\\:ss}[/] {Markup.Escape(what)}");

    /// <summary>
    /// <paramref name="each"/> over the items under a progress bar, two at a time: an injected curator's step is an fmp
    /// process, and the machines the demo is sized for have two cores.
    /// </summary>
    public static Task EachAsync<T>(string what, IReadOnlyList<T> items, Func<T, Task> each) =>
        AnsiConsole.Progress().StartAsync(async ctx =>
        {
            var bar = ctx.AddTask(what, maxValue: items.Count);
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (item, _) =>
            {
                await each(item);
                bar.Increment(1);
            });
        });

    /// <summary>Starts <c>dotnet fmp.dll …</c> with its output in <paramref name="log"/>.</summary>
    public static CliProcess Start(string fmp, string log, params string[] arguments) => CliProcess.Start(fmp, arguments, logFile: log);

    /// <summary>
    /// <paramref name="preferred"/> when it is free on loopback (a URL to remember), else 0: the service then binds a free
    /// port itself and prints it (<see cref="CliProcess.WaitForOutputAsync"/>).
    /// </summary>
    public static int PreferredOrZero(int preferred)
    {
        try
        {
            var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, preferred);
            probe.Start();
            probe.Stop();
            return preferred;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return 0;
        }
    }

    /// <summary>Whether every URL answers with a success within 30 s (the process serving them may still be starting).</summary>
    public static async Task<bool> ServedAsync(params string[] urls)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 60; attempt++)
        {
            try
            {
                var answers = await Task.WhenAll(urls.Select(u => http.GetAsync(new Uri(u))));
                var served = answers.All(a => a.IsSuccessStatusCode);
                foreach (var a in answers)
                {
                    a.Dispose();
                }

                if (served)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(500);
        }

        return false;
    }

    /// <summary>
    /// The report digest each node published in its leaves.json (null for a node that has none within
    /// <paramref name="wait"/>): a node still evaluating when the quorum was reached finishes on its own.
    /// </summary>
    public static async Task<List<string?>> NodeDigestsAsync(IReadOnlyList<string> nodeOutputs, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var digests = nodeOutputs.Select(ReadDigest).ToList();
            if (digests.All(d => d is not null) || DateTime.UtcNow > deadline)
            {
                return digests;
            }

            await Task.Delay(1_000);
        }

        static string? ReadDigest(string folder)
        {
            var file = Directory.Exists(folder) ? Directory.GetFiles(folder, "leaves.json", SearchOption.AllDirectories).SingleOrDefault() : null;
            if (file is null)
            {
                return null;
            }

            try
            {
                using var leaves = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
                return leaves.RootElement.GetProperty("digest").GetString();
            }
            catch (System.Text.Json.JsonException)
            {
                return null; // still being written
            }
        }
    }

    /// <summary>The indexer's checkpoint block, -1 before it has one (or its schema).</summary>
    public static async Task<long> CheckpointAsync(NpgsqlDataSource db) =>
        (await new EventStore(db).CheckpointIfAnyAsync(CancellationToken.None))?.Number ?? -1;
}
