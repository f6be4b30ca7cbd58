using Protocol.ServiceDefaults;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary>
/// The flags of a service command (<c>fmp node run</c>, <c>fmp indexer run</c>) that its options class declares
/// (<see cref="OptionFlags"/>): what follows the command's name on the command line, less the options the command's own
/// settings parse (<c>--config</c>, <c>--log-format</c>).
/// </summary>
public static class ServiceFlagArgs
{
    private static readonly HashSet<string> OwnOptions = new(StringComparer.Ordinal) { "-c", "--config", "--log-format" };

    /// <summary>
    /// The options section of <paramref name="command"/> ("node run", as <see cref="FmpApp.ServiceOptions"/> names it,
    /// which the help reads too) and the configuration values of the flags given; false after writing each problem to
    /// standard error.
    /// </summary>
    public static bool TryParse(CommandContext context, string command, out string section, out Dictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (options, name) = FmpApp.ServiceOptions[command];
        var (parsed, problems) = OptionFlags.Parse(Rest(context), options);
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"fmp {command}: {problem}");
        }

        (section, values) = (name, parsed);
        return problems.Count == 0;
    }

    private static List<string> Rest(CommandContext context)
    {
        var args = context.Arguments;
        var start = args.ToList().IndexOf(context.Name) + 1;
        var rest = new List<string>();
        for (var i = start; i < args.Count; i++)
        {
            var name = args[i].Split('=')[0];
            if (OwnOptions.Contains(name))
            {
                i += args[i].Contains('=', StringComparison.Ordinal) ? 0 : 1; // and its value
                continue;
            }

            rest.Add(args[i]);
        }

        return rest;
    }
}
