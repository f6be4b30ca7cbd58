using System.Numerics;
using System.Text.RegularExpressions;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Protocol.Cli.Commands;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.DevChain;
using Protocol.TestSupport;
using static Protocol.DevChain.ProtocolDeployment;

namespace Protocol.Node.Tests;

/// <summary>
/// <c>fmp oracle register / exit / withdraw / status</c> against a real anvil (the first registration as fmp's own
/// process, the rest in process through <see cref="InProcessFmp"/>): a fresh key
/// bonds, exits and withdraws; whatever would revert is refused before anything is sent.
/// </summary>
[Trait("tier", "slow")]
public sealed class OracleCommandTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-oracle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_fresh_key_bonds_exits_and_withdraws_with_fmp_oracle_and_each_mistake_is_refused_before_sending()
    {
        var d = await DeployAsync(anvil); // min bond 10 FBT, unbonding delay 45 days
        var config = await NewOracleAsync(d);
        var address = await Keystore.AddressAsync(Path.Combine(_dir, "oracle.json"), CancellationToken.None);
        Assert.Contains("not registered", await Fmp(0, "status", config), StringComparison.Ordinal);

        // Funded as an operator would be: ETH for gas, 25 bond tokens.
        await anvil.RpcAsync<object>("anvil_setBalance", address, new HexBigInteger(BigInteger.Pow(10, 18)));
        await d.Send(Sponsor, d.TokenAddress, new MintFunction { To = address, Amount = 25 * Token });

        var tooLow = await Fmp(1, "register", config, "--bond", "5");
        Assert.Contains("below the registry's minimum bond of 10 FBT (10000000000000000000 wei)", tooLow, StringComparison.Ordinal);
        var tooMuch = await Fmp(1, "register", config, "--bond", "30000000000000000000wei");
        Assert.Contains("holds 25 FBT (25000000000000000000 wei)", tooMuch, StringComparison.Ordinal);
        Assert.Equal(0, await NonceAsync(address)); // nothing was sent

        var registered = await FmpProcess(0, "register", config, "--bond", "20");
        Assert.Matches(TxLine("approve"), registered);
        Assert.Matches(TxLine("register"), registered);
        // Bonded, but it counts only after the registry's activation delay (an hour here).
        Assert.Matches(@"is bonded, its signatures count from .* \(in (59 min( \d+ s)?|1 h)\)", registered);
        Assert.False(await anvil.Web3.CallAsync<IsActiveFunction, bool>(d.RegistryAddress, new IsActiveFunction { Account = address }));
        await anvil.IncreaseTimeAsync((long)ActivationDelay);
        await anvil.MineAsync();
        Assert.True(await anvil.Web3.CallAsync<IsActiveFunction, bool>(d.RegistryAddress, new IsActiveFunction { Account = address }));
        Assert.Equal(20 * Token, (await EntryAsync(d, address)).Bond);
        Assert.Equal(5 * Token, await d.BalanceAsync(address));

        var again = await Fmp(1, "register", config, "--bond", "20");
        Assert.Contains("already a registered oracle", again, StringComparison.Ordinal);
        Assert.Contains("--top-up", again, StringComparison.Ordinal);
        Assert.Equal(2, await NonceAsync(address));
        var toppedUp = await Fmp(0, "register", config, "--bond", "0.5", "--top-up");
        Assert.Contains("active with a bond of 20.5 FBT (20500000000000000000 wei)", toppedUp, StringComparison.Ordinal);
        var active = await Fmp(0, "status", config);
        Assert.Matches(@"state\s+active", active);
        Assert.Matches(@"bond\s+20\.5 FBT \(20500000000000000000 wei\)", active);
        // The top-up counts as free bond only after the activation delay, like a first bond (review 2, item 13).
        Assert.Contains("(0.5 FBT (500000000000000000 wei) of it counts from", toppedUp, StringComparison.Ordinal);
        Assert.Matches(@"bond\s+20\.5 FBT \(20500000000000000000 wei\), of which 0\.5 FBT \(500000000000000000 wei\) counts from ", active);
        Assert.Contains("(free: 20 FBT (20000000000000000000 wei))", active, StringComparison.Ordinal);
        Assert.Matches(@"ETH balance\s+0\.99\d* ETH \(\d+ wei\)", active);

        var exited = await Fmp(0, "exit", config);
        Assert.Matches(TxLine("requestExit"), exited);
        Assert.Matches(@"can be withdrawn at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d \(in 45 d\)", exited);
        var early = await Fmp(1, "withdraw", config);
        Assert.Matches(@"withdraw becomes possible at \d{4}-\d\d-\d\d .* \(in 4[45] d( \d+ h)?\)", early);
        Assert.Equal(5, await NonceAsync(address));
        var exiting = await Fmp(0, "status", config);
        Assert.Matches(@"state\s+exiting", exiting);
        Assert.Matches(@"unbonding\s+withdrawable at .* \(in 4[45] d", exiting);

        await anvil.IncreaseTimeAsync((45 * 24 * 3600) + 1);
        var withdrawn = await Fmp(0, "withdraw", config);
        Assert.Matches(TxLine("withdraw"), withdrawn);
        Assert.Equal(25 * Token, await d.BalanceAsync(address));
        Assert.Equal((byte)0, (await EntryAsync(d, address)).Status);
        Assert.Matches(@"state\s+not registered", await Fmp(0, "status", config));
    }

    [Fact]
    public async Task A_revert_is_explained_by_its_custom_error_name_and_arguments()
    {
        var d = await DeployAsync(anvil);
        var tooLow = await Assert.ThrowsAsync<SmartContractCustomErrorRevertException>(() => d.Send(4, d.RegistryAddress, new RegisterFunction { Amount = 1 }));
        Assert.Equal("BondTooLow(amount: 1, minBond: 10000000000000000000): a first bond must be at least the registry's minBond (amounts in wei)", RevertExplanation.Describe(tooLow.ExceptionEncodedData));
        var notExiting = await Assert.ThrowsAsync<SmartContractCustomErrorRevertException>(() => d.Send(1, d.RegistryAddress, new WithdrawFunction()));
        Assert.StartsWith($"OracleNotExiting(oracle: {AnvilFixture.DevAddress(1)})", RevertExplanation.Describe(notExiting.ExceptionEncodedData), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("does not know", RevertExplanation.Describe("0xdeadbeef"), StringComparison.Ordinal);
    }

    // A key made with `fmp keys new` and a node options file that names it by relative paths.
    private async Task<string> NewOracleAsync(ProtocolDeployment d)
    {
        var password = Path.Combine(_dir, "oracle.password");
        await File.WriteAllTextAsync(password, "a long passphrase\n");
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["keys", "new", "--keystore", Path.Combine(_dir, "oracle.json"), "--password-file", password], TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, output);
        var config = Path.Combine(_dir, "node.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Node": { "RpcUrl": "{{anvil.RpcUrl}}", "MarketAddress": "{{d.MarketAddress}}", "Keystore": "oracle.json", "PasswordFile": "oracle.password" } }
            """);
        return config;
    }

    // Runs `fmp oracle <command> --config <config> …` in this process (InProcessFmp; its working folder is not the
    // config's); checks its exit code.
    private static async Task<string> Fmp(int expectedExit, string command, string config, params string[] more)
    {
        var (exit, output) = await InProcessFmp.RunAsync(["oracle", command, "--config", config, .. more]);
        Assert.True(exit == expectedExit, $"exit {exit}, expected {expectedExit}:\n{output}");
        return output;
    }

    // The same as fmp's own process, from another folder than the config's: the process test of fmp oracle.
    private static async Task<string> FmpProcess(int expectedExit, string command, string config, params string[] more)
    {
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, ["oracle", command, "--config", config, .. more], TimeSpan.FromMinutes(1), workingDirectory: Path.GetTempPath());
        Assert.True(exit == expectedExit, $"exit {exit}, expected {expectedExit}:\n{output}");
        return output;
    }

    private async Task<long> NonceAsync(string address) =>
        (long)(await anvil.Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(address, BlockParameter.CreateLatest())).Value;

    private async Task<Oracle> EntryAsync(ProtocolDeployment d, string address) =>
        (await anvil.Web3.QueryAsync<OracleFunction, OracleOutput>(d.RegistryAddress, new OracleFunction { Account = address })).ReturnValue1;

    private static Regex TxLine(string name) => new($"{name}: tx 0x[0-9a-f]{{64}}, gas used [1-9][0-9]+ \\(0\\.[0-9]+ ETH\\)");
}
