using Protocol.DevChain;
using Protocol.TestSupport;
using System.Numerics;
using System.Text.Json;

namespace Protocol.Demo.Tests;

/// <summary>
/// The demo's flow at a smaller size (30 crowd workers and the injected curators), as a user runs it:
/// its own chain and database, three node processes and the indexer. The demo's exit status carries its
/// checks (money conserved, indexer equal to the chain, three nodes on one digest, honest majority in profit, bad behaviours lose);
/// the summary it writes is checked again here.
/// </summary>
[Trait("tier", "slow")]
public sealed class SmallDemoTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("fmp-demo-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task A_small_market_on_crowd_data_settles_and_pays_the_right_curators()
    {
        // Port 5080 (the dashboard's usual one) held during the run, unless something else holds it already: either
        // way the demo moves off it and says so.
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 5080);
        try
        {
            busy.Start();
        }
        catch (System.Net.Sockets.SocketException)
        {
        }

        // The time limit only stops a hung demo (about two minutes on two idle cores; the suite runs it beside other
        // tests, and a run with the machine loaded ~15-fold took over eight): its speed is measured by scripts/demo.sh.
        var (exit, output) = await CliProcess.RunAsync(Path.Combine(AppContext.BaseDirectory, "fmp-demo.dll"),
            ["--small", "--out", _out, "--fmp", CliProcess.Fmp], TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, output);
        Assert.Matches("port 5080 is in use: the analyst dashboard listens on port [0-9]+", output);

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "summary.json")));
        var s = summary.RootElement;
        Assert.Equal(s.GetProperty("totalIn").GetString(), s.GetProperty("totalOut").GetString());
        var curators = s.GetProperty("curators").EnumerateArray().ToList();
        BigInteger Profit(JsonElement c) => BigInteger.Parse(c.GetProperty("profit").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var kind in new[] { "random", "flipped", "always a", "copier", "no reveal" })
        {
            Assert.True(Profit(curators.Single(c => c.GetProperty("kind").GetString() == kind)) < 0, $"{kind} did not lose");
        }

        var crowd = curators.Where(c => c.GetProperty("kind").GetString() == "crowd").ToList();
        Assert.Equal(30, crowd.Count);
        Assert.True(crowd.Count(c => Profit(c) > 0) > crowd.Count / 2);
        var digest = s.GetProperty("reportDigest").GetString()!;
        Assert.Matches("^0x[0-9a-f]{64}$", digest);
        Assert.Equal([digest, digest, digest], s.GetProperty("nodeDigests").EnumerateArray().Select(d => d.GetString()));
        Assert.True(File.Exists(Path.Combine(_out, "score-vs-agreement.svg")));
    }
}
