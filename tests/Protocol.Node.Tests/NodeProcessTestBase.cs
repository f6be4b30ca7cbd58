using System.Numerics;
using Dapper;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// What the tests of <c>fmp node run</c> as a process share: the operator guide's setup (a new key, a config file, a
/// bonded oracle, a market in evaluation) and waiting on the node. The tests are in several classes so that xunit runs
/// the long ones (outages) beside the others.
/// </summary>
public abstract class NodeProcessTestBase(AnvilFixture anvil, PostgresDatabaseFixture db) : IDisposable
{
    protected AnvilFixture Anvil => anvil;

    protected PostgresDatabaseFixture Db => db;

    protected string Dir { get; } = Directory.CreateTempSubdirectory("fmp-node-").FullName;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(Dir, recursive: true);
        }
    }

    protected sealed record Setup(string Config, string Address, ProtocolDeployment Deployment, TestMarket Market, Npgsql.NpgsqlDataSource NodeDb);


    // Keys as the guide says, a funded and bonded oracle, a market in evaluation, and the node's config file.
    protected async Task<Setup> SetUpAsync(string extraConfig = "", bool revealGold = true, System.Numerics.BigInteger? bond = null)
    {
        // A new oracle key in a keystore file, as the guide has the operator make with fmp keys new (KeystoreTests and
        // the guide walkthroughs run that command), at the dev chain's light scrypt cost: every node start unlocks it.
        var keystore = Path.Combine(Dir, "oracle.json");
        var password = Path.Combine(Dir, "oracle.password");
        await File.WriteAllTextAsync(password, "a long passphrase\n");
        var key = Nethereum.Signer.EthECKey.GenerateKey();
        await DevKeystore.WriteAsync(keystore, "a long passphrase", key);
        var address = await Keystore.AddressAsync(keystore, CancellationToken.None);
        Assert.Equal(key.GetPublicAddress(), address, StringComparer.OrdinalIgnoreCase);

        // A market in its evaluation phase, built from crowd data.
        var crowd = new CrowdMarket(Dir);
        var (tasks, gold) = crowd.LoadCrowdData();
        var specPath = Path.Combine(RepositoryLayout.Root, "specs", "bt-shapley-v1.json");
        var files = new MarketFiles(
            await crowd.WriteAsync("tasks.jsonl", tasks.Select(ProtocolFiles.ToLine)), new Uri(Path.Combine(Dir, "tasks.jsonl")).AbsoluteUri,
            Keccak.Hash(File.ReadAllBytes(specPath)), new Uri(specPath).AbsoluteUri,
            await crowd.WriteAsync("gold.jsonl", gold.Select(ProtocolFiles.ToLine)), new Uri(Path.Combine(Dir, "gold.jsonl")).AbsoluteUri);
        var labels = await crowd.WriteAsync("good.jsonl", tasks.Take(40).Select(t => ProtocolFiles.ToLine(new Label(t.Id, crowd.Majority(t.Id)))));
        var d = await DeployAsync(anvil);

        // Fund and bond the new oracle key.
        await Anvil.Web3For(Sponsor).Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(address, 10m);
        await d.Send(Sponsor, d.TokenAddress, new Protocol.Core.Contracts.TestTokenBindings.MintFunction { To = address, Amount = OracleBond });
        var oracle = new Web3(new Account(key, AnvilFixture.ChainId), Anvil.RpcUrl);
        await oracle.SendAsync(d.TokenAddress, new Protocol.Core.Contracts.TestTokenBindings.ApproveFunction { Spender = d.RegistryAddress, Value = bond ?? OracleBond });
        await oracle.SendAsync(d.RegistryAddress, new RegisterFunction { Amount = bond ?? OracleBond });

        var market = await d.CreateMarketAsync(new MarketTerms(100 * Token, 500, 5_000, 100 * Token), files: files);
        market.UseLabelFile(4, labels, new Uri(Path.Combine(Dir, "good.jsonl")).AbsoluteUri);
        await market.CommitAsync(4, 10 * Token);
        await Anvil.IncreaseTimeAsync(3_600);
        await market.RevealAsync(4);
        await Anvil.IncreaseTimeAsync(3_600);
        if (revealGold)
        {
            await market.RevealGoldAsync();
        }

        var nodeDb = await Db.Cluster.CreateDatabaseAsync("node_" + Guid.NewGuid().ToString("N")[..12]); // this test's node alone
        // The node scans every 5 s, as the dev chain's does (scripts/dev.sh), not once a minute: a test waits for a scan
        // after each step of the market. Its ports are 0: the system picks free ones and the node names them
        // (ListeningAsync), so no test races another program for a port picked beforehand.
        var config = Path.Combine(Dir, "node.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Node": {
                "RpcUrl": "{{Anvil.RpcUrl}}",
                "MarketAddress": "{{d.MarketAddress}}",
                "ConnectionString": "{{nodeDb}}",
                "Keystore": "{{keystore}}",
                "PasswordFile": "{{password}}",
                "OutputFolder": "{{Path.Combine(Dir, "out")}}",
                "Backend": "cpu",
                "ScanCron": "*/5 * * * * *",
                "MetricsPort": 0,
                "DashboardPort": 0,
                "ReportsPort": 0,
                "Fetch": { "FileRoots": [ "{{Dir}}", "{{Path.GetDirectoryName(specPath)}}" ] }{{extraConfig}}
              }
            }
            """);
        return new Setup(config, address, d, market, Npgsql.NpgsqlDataSource.Create(nodeDb));
    }

    protected static async Task<string?> SignedAsync(Npgsql.NpgsqlDataSource nodeData, string address)
    {
        await using var connection = await nodeData.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('oracle_reports') IS NOT NULL")
            ? await connection.ExecuteScalarAsync<string?>("SELECT digest FROM oracle_reports WHERE signer = @s", new { s = address.ToLowerInvariant() })
            : null;
    }

    protected async Task<bool> AttestedAsync(Npgsql.NpgsqlDataSource nodeData, string address, ProtocolDeployment d)
    {
        var digest = await SignedAsync(nodeData, address);
        return digest is not null && (await Anvil.Web3.CallAsync<ReportSignersFunction, List<string>>(d.MarketAddress, new ReportSignersFunction { Digest = Bytes32.Parse(digest).ToArray() }))
            .Any(s => string.Equals(s, address, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The node's endpoints, once its start line names them.</summary>
    protected static Task<NodeEndpoints> ListeningAsync(CliProcess node) => ListeningLines.NodeAsync(node, TimeSpan.FromSeconds(120));

    protected static CliProcess StartNode(string config) => CliProcess.Start(CliProcess.Fmp, ["node", "run", "--config", config]);

    protected static async Task RunUntilAsync(string config, Func<Task<bool>> done)
    {
        using var node = StartNode(config);
        try
        {
            await WaitUntilAsync(node, done);
        }
        finally
        {
            await node.KillAsync(); // SIGKILL: no shutdown of any kind
        }
    }

    protected static async Task WaitUntilAsync(CliProcess node, Func<Task<bool>> done, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(120);
        var deadline = DateTime.UtcNow + limit;
        while (!await done())
        {
            Assert.False(node.Process.HasExited, $"the node exited: {node.Log}");
            Assert.True(DateTime.UtcNow < deadline, $"no progress within {limit.TotalSeconds} s: {node.Log}");
            await Task.Delay(50);
        }
    }

    protected static async Task<string> Fmp(params string[] arguments)
    {
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, arguments, TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, output);
        return output;
    }
}
