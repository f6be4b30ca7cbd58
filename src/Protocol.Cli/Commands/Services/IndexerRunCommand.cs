using System.ComponentModel;
using Protocol.IndexerHost;
using Protocol.ServiceDefaults;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary><c>fmp indexer run</c>: the indexer as a hosted service (<see cref="ChainIndexerHost"/>). Settings come from the options file, then <c>FMP_Indexer__*</c> environment variables, then flags.</summary>
public sealed class IndexerRunCommand : AsyncCommand<IndexerRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("JSON options file with an \"Indexer\" section (see docs/analysts.md).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--rpc <URL>")]
        [Description("JSON-RPC endpoint.")]
        public string? RpcUrl { get; init; }

        [CommandOption("--db <CONNECTION>")]
        [Description("PostgreSQL connection string.")]
        public string? ConnectionString { get; init; }

        [CommandOption("--market <ADDRESS>")]
        public string? MarketAddress { get; init; }

        [CommandOption("--registry <ADDRESS>")]
        public string? RegistryAddress { get; init; }

        [CommandOption("--start-block <N>")]
        public long? StartBlock { get; init; }

        [CommandOption("--reorg-depth <N>")]
        public int? ReorgDepth { get; init; }

        [CommandOption("--log-format <FORMAT>")]
        [Description("text (default) or json.")]
        public string LogFormat { get; init; } = "text";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var builder = ServiceBuilder.Create(settings.ConfigFile, "Indexer", new Dictionary<string, string?>
        {
            ["RpcUrl"] = settings.RpcUrl,
            ["ConnectionString"] = settings.ConnectionString,
            ["MarketAddress"] = settings.MarketAddress,
            ["RegistryAddress"] = settings.RegistryAddress,
            ["StartBlock"] = settings.StartBlock?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ReorgDepth"] = settings.ReorgDepth?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, settings.LogFormat);

        return await ChainIndexerHost.RunAsync(builder, Console.Error, cancellationToken).ConfigureAwait(false);
    }
}
