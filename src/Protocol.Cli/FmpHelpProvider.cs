using Protocol.ServiceDefaults;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Protocol.Cli;

/// <summary>
/// Spectre's help, plus the option flags of the service commands: <c>fmp node run</c> and <c>fmp indexer run</c> take
/// one flag per top-level value of their options class, declared on the class's properties (<see cref="OptionFlags"/>),
/// and listed here under the options-file section they set.
/// </summary>
public sealed class FmpHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
    {
        foreach (var renderable in base.GetOptions(model, command))
        {
            yield return renderable;
        }

        if (command is null || !FmpApp.ServiceOptions.TryGetValue($"{command.Parent?.Name} {command.Name}", out var service))
        {
            yield break;
        }

        var grid = new Grid();
        grid.AddColumn(new GridColumn { Padding = new Padding(4, 0, 6, 0) }.NoWrap());
        grid.AddColumn(new GridColumn { Padding = new Padding(0) });
        foreach (var flag in OptionFlags.Of(service.Options))
        {
            grid.AddRow(new Text(flag.Template), new Text($"{service.Section}:{flag.Key}, {flag.Description}"));
        }

        yield return Text.NewLine;
        yield return new Markup($"[yellow]{service.Section.ToUpperInvariant()} OPTIONS:[/] (each also {service.Section}:<Name> in the options file, or FMP_{service.Section}__<Name>; flags win)");
        yield return Text.NewLine;
        yield return grid;
    }
}
