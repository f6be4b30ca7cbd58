using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Protocol.Client;

namespace Protocol.ServiceDefaults;

/// <summary>
/// One top-level option of a service that also has a flag, read from the options class itself: its property carries
/// <c>[Display(ShortName = "--rpc", Prompt = "URL", Description = "…")]</c>. So each option is declared once, with its
/// description, and <c>fmp node run</c>'s and <c>fmp indexer run</c>'s flags, their help and the operators' table all
/// come from there.
/// </summary>
/// <param name="Key">The property, as named in the options file (<c>RpcUrl</c>).</param>
/// <param name="Names">Its flags, the long one last (<c>-k</c>, <c>--keystore</c>).</param>
/// <param name="Value">What the flag takes (<c>URL</c>).</param>
/// <param name="Description">What it is, and its default.</param>
public sealed record OptionFlag(string Key, IReadOnlyList<string> Names, string Value, string Description)
{
    /// <summary>The long flag (<c>--keystore</c>).</summary>
    public string Flag => Names[^1];

    /// <summary>As help shows it: <c>-k, --keystore &lt;FILE&gt;</c>.</summary>
    public string Template => string.Join(", ", Names) + " <" + Value + ">";
}

/// <summary>The flags of an options class, and the parse of the ones given on a command line.</summary>
public static class OptionFlags
{
    /// <summary>Every option of <paramref name="options"/> that has a flag, in declaration order.</summary>
    public static IReadOnlyList<OptionFlag> Of(Type options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [.. options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Display: p.GetCustomAttribute<DisplayAttribute>()))
            .Where(p => p.Display?.ShortName is not null)
            .Select(p => new OptionFlag(p.Property.Name, p.Display!.ShortName!.Split('|'), p.Display.Prompt ?? "VALUE", p.Display.Description ?? ""))];
    }

    /// <summary>How messages name an option: <c>Node:MetricsPort (--metrics-port)</c>, or <c>Node:Fetch</c> without a flag.</summary>
    public static string Label(Type options, string section, string key)
    {
        var flag = Of(options).FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.Ordinal));
        return flag is null ? $"{section}:{key}" : $"{section}:{key} ({flag.Flag})";
    }

    /// <summary>
    /// The configuration values the flags in <paramref name="args"/> give (<c>RpcUrl</c> → the URL), or the problems:
    /// an unknown flag (with the nearest known one), a flag without a value, or one given twice.
    /// </summary>
    public static (Dictionary<string, string?> Values, List<string> Problems) Parse(IReadOnlyList<string> args, Type options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var flags = Of(options);
        var byName = flags.SelectMany(f => f.Names.Select(n => (Name: n, Flag: f))).ToDictionary(x => x.Name, x => x.Flag, StringComparer.Ordinal);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, value) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 && arg.StartsWith("--", StringComparison.Ordinal)
                ? (arg[..eq], arg[(eq + 1)..])
                : (arg, (string?)null);
            if (!byName.TryGetValue(name, out var flag))
            {
                var nearest = DidYouMean.Nearest(name, byName.Keys);
                problems.Add($"unknown option {name}" + (nearest is null ? "" : $" (did you mean {nearest}?)"));
                i += value is null && i + 1 < args.Count && !args[i + 1].StartsWith('-') ? 1 : 0; // and what looks like its value
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count || (args[i + 1].StartsWith('-') && byName.ContainsKey(args[i + 1].Split('=')[0])))
                {
                    problems.Add($"{flag.Flag} needs a value (<{flag.Value}>)");
                    continue;
                }

                value = args[++i];
            }

            if (!values.TryAdd(flag.Key, value))
            {
                problems.Add($"{flag.Flag} is given twice");
            }
        }

        return (values, problems);
    }

    /// <summary>
    /// The flags as a Markdown table (flag, options-file key, what it is), as docs/operators.md and docs/analysts.md
    /// show them; a test keeps those tables equal to this.
    /// </summary>
    public static string Markdown(Type options, string section)
    {
        var lines = new List<string> { "| flag | options file | what it is |", "| --- | --- | --- |" };
        lines.AddRange(Of(options).Select(f => $"| `{string.Join("`, `", f.Names)} <{f.Value}>` | `{section}:{f.Key}` | {Escape(f.Description)} |"));
        return string.Join('\n', lines) + "\n";
    }

    // Plain text in a Markdown table cell: no column breaks, emphasis or HTML tags ("*/5 * * * * *", "<chainId>").
    private static string Escape(string text) =>
        text.Replace("|", "\\|", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
