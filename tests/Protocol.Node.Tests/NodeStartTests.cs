using Protocol.Client.Signing;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// <c>fmp node run</c> refuses to start, with a message naming the option, the URL or the address to fix, when its
/// options are misspelt or wrong, or when the chain at RpcUrl holds no market at MarketAddress.
/// </summary>
[Trait("tier", "slow")]
public sealed class NodeStartTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-node-start-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Exit, string Output)> StartAsync(string rpc, string market, string extra = "", params string[] flags)
    {
        var keystore = Path.Combine(_dir, "oracle.json");
        var password = Path.Combine(_dir, "oracle.password");
        if (!File.Exists(keystore))
        {
            await File.WriteAllTextAsync(password, "a long passphrase\n");
            await Keystore.CreateAsync(keystore, password, CancellationToken.None);
        }

        var config = Path.Combine(_dir, "node.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Node": { "RpcUrl": "{{rpc}}", "MarketAddress": "{{market}}", "ConnectionString": "Host=127.0.0.1;Port=1;Database=unused",
                        "Keystore": "{{keystore}}", "PasswordFile": "{{password}}", "MetricsPort": -1, "DashboardPort": -1, "ReportsPort": -1{{extra}} } }
            """);
        return await CliProcess.RunAsync(CliProcess.Fmp, ["node", "run", "--config", config, .. flags], TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Misspelt_or_wrong_options_are_named_with_what_to_use()
    {
        const string any = "0x0000000000000000000000000000000000000001";
        var (exit, output) = await StartAsync(anvil.RpcUrl, any, ", \"MetricPort\": 9999, \"Fetch\": { \"MaxByte\": 5 }");
        Assert.Equal(2, exit);
        Assert.Contains("unknown option Node:MetricPort (did you mean Node:MetricsPort?)", output, StringComparison.Ordinal);
        Assert.Contains("unknown option Node:Fetch:MaxByte (did you mean Node:Fetch:MaxBytes?)", output, StringComparison.Ordinal);

        (exit, output) = await StartAsync(anvil.RpcUrl, any, "", "--backend", "gpu");
        Assert.Equal(2, exit);
        Assert.Contains("Node:Backend (--backend) must be auto, cpu or cuda", output, StringComparison.Ordinal);

        (exit, output) = await StartAsync(anvil.RpcUrl, any, "", "--metrics-port=-2");
        Assert.Equal(2, exit);
        Assert.Contains("Node:MetricsPort (--metrics-port) must be a port from 1 to 65535, 0 (a free port) or -1 (off)", output, StringComparison.Ordinal);

        (exit, output) = await StartAsync("127.0.0.1:8545", any);
        Assert.Equal(2, exit);
        Assert.Contains("Node:RpcUrl (--rpc) \"127.0.0.1:8545\" is not an http(s) URL", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relative_paths_in_the_options_file_are_read_from_its_folder()
    {
        _ = await StartAsync(anvil.RpcUrl, "0x0000000000000000000000000000000000000001"); // writes the keystore and password file
        var config = Path.Combine(_dir, "relative.json");
        var nowhere = $"http://127.0.0.1:{FreePort.Next()}";
        await File.WriteAllTextAsync(config, $$"""
            { "Node": { "RpcUrl": "{{nowhere}}", "MarketAddress": "0x0000000000000000000000000000000000000001", "ConnectionString": "Host=127.0.0.1;Port=1;Database=unused",
                        "Keystore": "oracle.json", "PasswordFile": "oracle.password", "MetricsPort": -1, "DashboardPort": -1, "ReportsPort": -1 } }
            """);
        var elsewhere = Directory.CreateTempSubdirectory("fmp-elsewhere-").FullName;
        try
        {
            var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["node", "run", "--config", config], TimeSpan.FromMinutes(1), workingDirectory: elsewhere);
            Assert.Equal(1, exit); // got past the keystore (found next to the file) to the chain check
            Assert.Contains($"the RPC at {nowhere} does not answer eth_chainId", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task A_chain_that_does_not_answer_or_holds_no_market_there_stops_it_at_start()
    {
        var nowhere = $"http://127.0.0.1:{FreePort.Next()}";
        var (exit, output) = await StartAsync(nowhere, "0x0000000000000000000000000000000000000001");
        Assert.Equal(1, exit);
        Assert.Contains($"the RPC at {nowhere} does not answer eth_chainId", output, StringComparison.Ordinal);

        (exit, output) = await StartAsync(anvil.RpcUrl, "0x00000000000000000000000000000000000000ab");
        Assert.Equal(1, exit);
        Assert.Contains("no contract at 0x00000000000000000000000000000000000000ab on chain 31337", output, StringComparison.Ordinal);

        var d = await DeployAsync(anvil);
        (exit, output) = await StartAsync(anvil.RpcUrl, d.RegistryAddress);
        Assert.Equal(1, exit);
        Assert.Contains($"does not answer as a FeedbackMarket: it answers as the OracleRegistry; set Node:MarketAddress (--market) to the market address", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cuda_without_a_usable_device_stops_it_at_start_saying_what_to_set()
    {
        var (exit, output) = await StartAsync(anvil.RpcUrl, "0x0000000000000000000000000000000000000001", "", "--backend", "cuda");
        if (Protocol.Evaluation.Backends.BackendProbe.CudaAvailable(out var device))
        {
            Assert.DoesNotContain("Node:Backend", output, StringComparison.Ordinal); // a GPU machine: the check passes, the next one (no market) stops it
            Assert.Contains("no contract at", output, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(1, exit);
        Assert.Contains($"Node:Backend (--backend) is cuda, but no CUDA device is usable on this machine ({device}); set it to auto or cpu", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // a message, not a stack trace
    }

    [Fact]
    public async Task An_unreachable_database_stops_it_at_start_naming_the_option()
    {
        var d = await DeployAsync(anvil);
        var (exit, output) = await StartAsync(anvil.RpcUrl, d.MarketAddress);
        Assert.Equal(1, exit);
        Assert.Contains("the database of Node:ConnectionString (--db) cannot be used: database \"unused\" on 127.0.0.1:1", output, StringComparison.Ordinal);
        Assert.Contains("is PostgreSQL running there?", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fmp_prints_its_version()
    {
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["--version"], TimeSpan.FromMinutes(1));
        Assert.Equal(0, exit);
        Assert.Equal(typeof(Protocol.Node.NodeOptions).Assembly.GetName().Version!.ToString(3), output.Trim());
    }
}
