using System.ComponentModel;
using Protocol.Indexer;
using Protocol.IndexerHost;
using Protocol.ServiceDefaults;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary><c>fmp indexer run</c>: the indexer as a hosted service (<see cref="ChainIndexerHost"/>). Settings come from the options file, then <c>FMP_Indexer__*</c> environment variables, then flags (those <see cref="IndexerOptions"/> declares).</summary>
public sealed class IndexerRunCommand : AsyncCommand<IndexerRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("JSON options file with an \"Indexer\" section (see docs/analysts.md).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--log-format <FORMAT>")]
        [Description("text (default) or json.")]
        public string LogFormat { get; init; } = "text";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Every other flag is a top-level IndexerOptions value that declares one (OptionFlags).
        if (!ServiceFlagArgs.TryParse(context, "indexer run", out var section, out var flags))
        {
            return 2;
        }

        var builder = ServiceBuilder.Create(settings.ConfigFile, section, flags, settings.LogFormat);
        return await ChainIndexerHost.RunAsync(builder, Console.Error, cancellationToken).ConfigureAwait(false);
    }
}
