using System.Reflection;
using Protocol.Cli.Commands.Services;
using Protocol.Client;
using Spectre.Console.Cli;

namespace Protocol.Cli;

/// <summary>
/// Refuses an option the command does not declare. Spectre's lenient parsing (which the service commands need: their
/// flags are their options class's, read from the raw arguments by <see cref="ServiceFlagArgs"/>) hands an unknown
/// option to the command as "remaining", where it was silently ignored (<c>fmp market status --markt 0x…</c> ran as if
/// the option were not there). Now it is a usage mistake naming the nearest declared option, exit 2.
/// </summary>
internal sealed class UnknownOptions : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        if (settings is NodeRunCommand.Settings or IndexerRunCommand.Settings)
        {
            return; // their flags are checked by ServiceFlagArgs, against NodeOptions and IndexerOptions
        }

        var unknown = context.Remaining.Parsed.Select(g => g.Key).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        var declared = settings.GetType().GetProperties()
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .Where(a => a is not null)
            .SelectMany(a => a!.LongNames.Select(n => "--" + n).Concat(a.ShortNames.Select(n => "-" + n)))
            .ToList();
        var named = unknown.Select(u => u.StartsWith('-') ? u : (u.Length == 1 ? "-" : "--") + u).Select(u => DidYouMean.Nearest(u, declared) is { } near ? $"{u} (did you mean {near}?)" : u);
        throw new UsageException($"unknown option {string.Join(", ", named)}; --help lists the command's options");
    }
}

/// <summary>A command line the parser took but a command cannot: exit 2, as a parse error.</summary>
internal sealed class UsageException(string message) : Exception(message);
