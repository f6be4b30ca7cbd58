using System.Diagnostics;
using System.Numerics;
using System.Text;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Protocol.Core.Contracts;

namespace Protocol.DevChain;

/// <summary>
/// A throw-away anvil chain on a free loopback port (<see cref="InitializeAsync"/> starts it, <see cref="DisposeAsync"/>
/// stops it), for the demo and the tests (whose xunit fixture, AnvilChain, is this class). It stands in for
/// Nethereum.XUnitEthereumClients, which the NuGet registry served here does not carry. Besides the chain it gives the dev accounts and the cheat codes tests
/// need: snapshot/revert, time travel, mining and reorgs.
/// </summary>
public class AnvilChain
{
    /// <summary>anvil's default chain id.</summary>
    public const long ChainId = 31337;

    /// <summary>Receipts that take longer than this mean a dropped transaction, not a slow chain.</summary>
    public static readonly TimeSpan ReceiptTimeout = TimeSpan.FromSeconds(30);

    // The first accounts of anvil's well-known public test mnemonic ("test test ... junk"). They hold
    // play money on dev chains only.
    private static readonly string[] DevKeys =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    ];

    private Process? _process;
    private StringBuilder _output = new();

    /// <summary>The loopback port anvil listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The JSON-RPC endpoint, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string RpcUrl => $"http://127.0.0.1:{Port}";

    /// <summary>A client without an account, for reads and cheat codes.</summary>
    public IWeb3 Web3 { get; private set; } = null!;

    /// <summary>The private keys of the funded dev accounts.</summary>
    public static IReadOnlyList<string> DevPrivateKeys => DevKeys;

    /// <summary>The address of dev account <paramref name="index"/>.</summary>
    public static string DevAddress(int index) => new Account(DevKeys[index], ChainId).Address;

    /// <summary>A client that signs transactions locally with dev account <paramref name="index"/>.</summary>
    public IWeb3 Web3For(int index) => new Web3(new Account(DevKeys[index], ChainId), RpcUrl);

    /// <summary>What anvil has printed lately, for assertion messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var anvil = RepositoryLayout.FoundryTool("anvil");
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            _process = ProcessRunner.Start(anvil, ["--host", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chain-id", ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--accounts", DevKeys.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)], out _output);
            Web3 = new Web3(RpcUrl);
            if (await WaitUntilReadyAsync().ConfigureAwait(false))
            {
                return;
            }

            await StopAsync().ConfigureAwait(false);
            if (attempt == 3)
            {
                throw new InvalidOperationException($"anvil did not start on a free port after {attempt} attempts:\n{RecentOutput}");
            }
        }
    }

    public Task DisposeAsync() => StopAsync();

    /// <summary>Calls any JSON-RPC method, e.g. an anvil cheat code.</summary>
    public Task<T> RpcAsync<T>(string method, params object[] parameters) =>
        Web3.Client.SendRequestAsync<T>(method, null, parameters);

    /// <summary>Takes a snapshot of the chain state; <see cref="RevertAsync"/> goes back to it.</summary>
    public Task<string> SnapshotAsync() => RpcAsync<string>("evm_snapshot");

    /// <summary>Restores a snapshot (each snapshot can be reverted to once).</summary>
    public async Task RevertAsync(string snapshotId)
    {
        if (!await RpcAsync<bool>("evm_revert", snapshotId).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"anvil refused to revert to snapshot {snapshotId}");
        }
    }

    /// <summary>Mines <paramref name="blocks"/> empty blocks.</summary>
    public Task MineAsync(int blocks = 1) => RpcAsync<object>("anvil_mine", new HexBigInteger(blocks), new HexBigInteger(0));

    /// <summary>Moves the clock forward and mines a block, so the new time is visible to the next call.</summary>
    public async Task IncreaseTimeAsync(long seconds)
    {
        await RpcAsync<object>("evm_increaseTime", new HexBigInteger(seconds)).ConfigureAwait(false);
        await MineAsync().ConfigureAwait(false);
    }

    /// <summary>Fixes the timestamp of the next mined block.</summary>
    public Task SetNextBlockTimestampAsync(long unixSeconds) =>
        RpcAsync<object>("evm_setNextBlockTimestamp", new HexBigInteger(unixSeconds));

    /// <summary>
    /// Replaces the newest <paramref name="depth"/> blocks with new ones (different hashes, the same
    /// height), dropping the transactions they held: a chain reorganisation as a node would see it.
    /// </summary>
    public Task ReorgAsync(int depth) =>
        RpcAsync<object>("anvil_reorg", depth, Array.Empty<object>());

    /// <summary>The newest block.</summary>
    public async Task<BlockWithTransactionHashes> LatestBlockAsync() =>
        await Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber
            .SendRequestAsync(BlockParameter.CreateLatest()).ConfigureAwait(false);

    /// <summary>
    /// Deploys a contract from forge's build output with dev account <paramref name="deployerIndex"/>.
    /// Gas is estimated explicitly and the receipt wait has a timeout: anvil silently drops a creation
    /// transaction whose gas limit is below its intrinsic gas (see ../shared/TOOLCHAIN.md).
    /// </summary>
    public async Task<string> DeployAsync(string contractName, int deployerIndex = 0, params object[] constructorArguments)
    {
        var artifact = await ContractArtifact.LoadAsync(RepositoryLayout.ContractsOut, contractName).ConfigureAwait(false);
        var web3 = Web3For(deployerIndex);
        var from = DevAddress(deployerIndex);
        var gas = await web3.Eth.DeployContract
            .EstimateGasAsync(artifact.AbiJson, artifact.Bytecode, from, constructorArguments).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(ReceiptTimeout);
        var receipt = await web3.Eth.DeployContract
            .SendRequestAndWaitForReceiptAsync(artifact.AbiJson, artifact.Bytecode, from, gas, timeout, constructorArguments)
            .ConfigureAwait(false);
        return receipt.Status?.Value == BigInteger.One && receipt.ContractAddress is { } address
            ? address
            : throw new InvalidOperationException($"deploying {contractName} failed in tx {receipt.TransactionHash}");
    }

    private async Task<bool> WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process is null || _process.HasExited)
            {
                return false;
            }

            try
            {
                await Web3.Eth.ChainId.SendRequestAsync().ConfigureAwait(false);
                // The answer must come from this process: when another test's anvil took the port first (free ports
                // race), ours exits on the bind error while the other one answers, and would later vanish under us.
                if (RecentOutput.Contains($"Listening on 127.0.0.1:{Port}", StringComparison.Ordinal))
                {
                    return true;
                }

                await Task.Delay(20).ConfigureAwait(false); // answered, but its start-up line is not read yet
            }
#pragma warning disable CA1031 // any failure here only means "not listening yet"
            catch (Exception)
#pragma warning restore CA1031
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        return false;
    }

    private async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        await ProcessRunner.StopAsync(_process, Posix.SigTerm, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _process.Dispose();
        _process = null;
    }
}
