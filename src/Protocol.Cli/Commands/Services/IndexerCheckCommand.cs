using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using Nethereum.Web3;
using Npgsql;
using Protocol.Client.Chain;
using Protocol.Indexer;
using Protocol.Indexer.Consistency;
using Protocol.ServiceDefaults;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary>
/// <c>fmp indexer check</c>: the consistency check, on demand. Settings come from the indexer's options file (section
/// <c>Indexer</c>, as <c>fmp indexer run --config</c> reads it), then <c>FMP_Indexer__*</c> variables, then flags.
/// </summary>
public sealed class IndexerCheckCommand : AsyncCommand<IndexerCheckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("The indexer's JSON options file (its \"Indexer\" section: RpcUrl, ConnectionString, MarketAddress, RegistryAddress).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--rpc <URL>")]
        [Description("Indexer:RpcUrl, the chain's JSON-RPC endpoint.")]
        public string? RpcUrl { get; init; }

        [CommandOption("--db <CONNECTION>")]
        [Description("Indexer:ConnectionString, the indexed PostgreSQL database.")]
        public string? ConnectionString { get; init; }

        [CommandOption("--market <ADDRESS>")]
        [Description("Indexer:MarketAddress, the FeedbackMarket contract.")]
        public string? MarketAddress { get; init; }

        [CommandOption("--registry <ADDRESS>")]
        [Description("Indexer:RegistryAddress, the OracleRegistry contract.")]
        public string? RegistryAddress { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = ServiceBuilder.Create(settings.ConfigFile, "Indexer", new Dictionary<string, string?>
        {
            ["RpcUrl"] = settings.RpcUrl,
            ["ConnectionString"] = settings.ConnectionString,
            ["MarketAddress"] = settings.MarketAddress,
            ["RegistryAddress"] = settings.RegistryAddress,
        }, "text").Configuration;
        if (OptionsKeys.Unknown(configuration, "Indexer", typeof(IndexerOptions)) is { Count: > 0 } unknown)
        {
            await Console.Error.WriteLineAsync("invalid indexer options: " + string.Join("; ", unknown)).ConfigureAwait(false);
            return 2;
        }

        var section = configuration.GetSection("Indexer");
        var (rpc, connectionString, market, registry) = (section["RpcUrl"], section["ConnectionString"], section["MarketAddress"], section["RegistryAddress"]);
        var missing = new[] { ("RpcUrl", "--rpc", rpc), ("ConnectionString", "--db", connectionString), ("MarketAddress", "--market", market), ("RegistryAddress", "--registry", registry) }
            .Where(o => string.IsNullOrWhiteSpace(o.Item3)).Select(o => $"Indexer:{o.Item1} ({o.Item2})").ToList();
        if (missing.Count > 0)
        {
            await Console.Error.WriteLineAsync($"fmp indexer check: {string.Join(", ", missing)} not set; give them as flags or in the --config file's \"Indexer\" section").ConfigureAwait(false);
            return 2;
        }

        var web3 = new Web3(rpc);
        string? problem;
        try
        {
            problem = await ContractRoles.CheckPairAsync(web3, market!, "Indexer:MarketAddress, --market", registry!, "Indexer:RegistryAddress, --registry", cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // any failure here means the same to the operator: the URL does not answer
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            problem = $"the RPC at {rpc} does not answer ({e.GetBaseException().Message}); check Indexer:RpcUrl (--rpc)";
        }

        if (problem is not null)
        {
            await Console.Error.WriteLineAsync("fmp indexer check: " + problem).ConfigureAwait(false);
            return 2;
        }

        await using var db = NpgsqlDataSource.Create(connectionString!);
        var differences = await new ConsistencyCheck(db, web3, market!, registry!).RunAsync(cancellationToken).ConfigureAwait(false);
        if (differences.Count == 0)
        {
            AnsiConsole.MarkupLine("[green]the database equals the chain at its checkpoint[/]");
            return 0;
        }

        var table = new Table().AddColumns("subject", "field", "indexed", "on chain");
        foreach (var d in differences)
        {
            table.AddRow(Markup.Escape(d.Subject), d.Field, Markup.Escape(d.Indexed), Markup.Escape(d.OnChain));
        }

        AnsiConsole.Write(table);
        return 1;
    }
}
