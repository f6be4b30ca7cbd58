using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;
using Nethereum.Web3;
using Npgsql;
using Protocol.Client.Chain;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Node;
using Protocol.NodeHost;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary><c>fmp node status</c>: what the node's key, the chain and the node's database say right now.</summary>
public sealed class NodeStatusCommand : AsyncCommand<NodeStatusCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("The node's options file.")]
        public string ConfigFile { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(ConfigFile) ? ValidationResult.Error("--config is required") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(settings.ConfigFile)).AddEnvironmentVariables("FMP_").Build();
        var options = configuration.GetSection("Node").Get<NodeOptions>() ?? new NodeOptions();
        NodePaths.Resolve(options, settings.ConfigFile);
        var address = await Keystore.AddressAsync(options.Keystore, options.PasswordFile, cancellationToken).ConfigureAwait(false); // cast's files name no address
        var web3 = new Web3(options.RpcUrl);
        var ci = CultureInfo.InvariantCulture;

        var head = (await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().ConfigureAwait(false)).Value;
        var balance = (await web3.Eth.GetBalance.SendRequestAsync(address).ConfigureAwait(false)).Value;
        var registry = await web3.CallAsync<RegistryFunction, string>(options.MarketAddress, new RegistryFunction()).ConfigureAwait(false);
        var active = await web3.CallAsync<IsActiveFunction, bool>(registry, new IsActiveFunction { Account = address }).ConfigureAwait(false);
        var entry = (await web3.QueryAsync<OracleFunction, OracleOutput>(registry, new OracleFunction { Account = address }).ConfigureAwait(false)).ReturnValue1;
        var count = await web3.CallAsync<MarketCountFunction, BigInteger>(options.MarketAddress, new MarketCountFunction()).ConfigureAwait(false);
        // One convention for every amount, as fmp oracle status prints them: whole units first, base units after.
        var token = await web3.CallAsync<BondTokenFunction, string>(registry, new BondTokenFunction()).ConfigureAwait(false);
        var decimals = await OptionalAsync<int?>(async () => await web3.CallAsync<Protocol.Core.Contracts.TestTokenBindings.DecimalsFunction, int>(token, new Protocol.Core.Contracts.TestTokenBindings.DecimalsFunction()).ConfigureAwait(false)).ConfigureAwait(false);
        var symbol = await OptionalAsync<string?>(async () => await web3.CallAsync<Protocol.Core.Contracts.TestTokenBindings.SymbolFunction, string>(token, new Protocol.Core.Contracts.TestTokenBindings.SymbolFunction()).ConfigureAwait(false)).ConfigureAwait(false);
        var bond = decimals is { } d
            ? $"{TokenAmount.Format(entry.Bond, d)} {symbol ?? "tokens"} ({entry.Bond.ToString(ci)} wei)"
            : $"{entry.Bond.ToString(ci)} wei (the bond token {token} has no decimals())";

        var overview = new Table().HideHeaders().AddColumns("", "");
        overview.AddRow("oracle", address);
        overview.AddRow("registered", active ? "[green]active[/]" : "[red]not active[/]");
        overview.AddRow("bond", Markup.Escape(bond));
        overview.AddRow("balance", Markup.Escape($"{TokenAmount.Format(balance, 18)} ETH ({balance.ToString(ci)} wei)"));
        overview.AddRow("chain head", head.ToString(ci));
        overview.AddRow("markets", count.ToString(ci));
        AnsiConsole.Write(overview);

        await using var db = NpgsqlDataSource.Create(options.ConnectionString);
        var store = new NodeStore(db, options.MarketAddress);
        var signed = new Table().Title("signed reports").AddColumns("market", "round", "digest", "signed at");
        foreach (var r in await store.SignedAsync(address, limit: 20, cancellationToken).ConfigureAwait(false))
        {
            signed.AddRow(r.MarketId.ToString(ci), r.Round.ToString(ci), r.Digest.ToString(), r.SignedAt.ToString("u", ci));
        }

        AnsiConsole.Write(signed);
        var disagreements = await store.DisagreementCountAsync(cancellationToken).ConfigureAwait(false);
        AnsiConsole.MarkupLine(disagreements == 0 ? "no disagreeing attestations seen" : $"[yellow]{disagreements} disagreeing attestation(s) seen (see the logs)[/]");

        return active ? 0 : 1;
    }

    private static async Task<T?> OptionalAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // decimals() and symbol() are optional in ERC-20
        catch (Exception)
#pragma warning restore CA1031
        {
            return default;
        }
    }
}
