using System.ComponentModel;
using Protocol.Node;
using Protocol.NodeHost;
using Protocol.ServiceDefaults;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary>
/// <c>fmp node run</c>: the oracle node. Settings come from the options file (section <c>Node</c>), then
/// <c>FMP_Node__*</c> environment variables, then flags (each top-level <see cref="NodeOptions"/> value has one, declared
/// on its property); <see cref="OracleNodeHost"/> validates them, unlocks the key and runs the node.
/// </summary>
public sealed class NodeRunCommand : AsyncCommand<NodeRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("JSON options file with a \"Node\" section (see docs/operators.md).")]
        public string? ConfigFile { get; init; }

        [CommandOption("--log-format <FORMAT>")]
        [Description("text (default) or json.")]
        public string LogFormat { get; init; } = "text";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Every other flag is a top-level NodeOptions value, declared there once with its description (OptionFlags).
        if (!ServiceFlagArgs.TryParse(context, "node run", out var section, out var flags))
        {
            return 2;
        }

        var builder = ServiceBuilder.Create(settings.ConfigFile, section, flags, settings.LogFormat);
        try
        {
            return await OracleNodeHost.RunAsync(builder, settings.ConfigFile, Console.Error, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a bug, not a refusal (those are answered above with their exit codes): the whole exception, so the log says where
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync("fmp node run stopped on an unexpected error: " + e).ConfigureAwait(false);
            return 1;
        }
    }
}
