using System.ComponentModel;
using Nethereum.Web3;
using Npgsql;
using Protocol.Indexer.Consistency;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

/// <summary><c>fmp indexer check</c>: the consistency check, on demand.</summary>
public sealed class IndexerCheckCommand : AsyncCommand<IndexerCheckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--rpc <URL>")]
        public string RpcUrl { get; init; } = "";

        [CommandOption("--db <CONNECTION>")]
        public string ConnectionString { get; init; } = "";

        [CommandOption("--market <ADDRESS>")]
        public string MarketAddress { get; init; } = "";

        [CommandOption("--registry <ADDRESS>")]
        [Description("The OracleRegistry contract.")]
        public string RegistryAddress { get; init; } = "";

        public override ValidationResult Validate() =>
            new[] { RpcUrl, ConnectionString, MarketAddress, RegistryAddress }.Any(string.IsNullOrWhiteSpace)
                ? ValidationResult.Error("--rpc, --db, --market and --registry are required")
                : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = NpgsqlDataSource.Create(settings.ConnectionString);
        var differences = await new ConsistencyCheck(db, new Web3(settings.RpcUrl), settings.MarketAddress, settings.RegistryAddress)
            .RunAsync(cancellationToken).ConfigureAwait(false);
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
