using Protocol.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Node.Tests;

/// <summary>
/// Every fmp command's help renders. Descriptions are Spectre markup, so a bracket in a description
/// ("[f(a), f(b)]") made `fmp features import --help` crash; the commands are found by walking the help itself, so a
/// new command is covered without being listed here. In process: one app per run, its console a string writer.
/// </summary>
public sealed class CommandHelpTests
{
    [Fact]
    public void Every_command_and_branch_renders_its_help()
    {
        var seen = new List<string>();
        var pending = new Queue<string[]>([[]]);
        while (pending.Count > 0)
        {
            var path = pending.Dequeue();
            var (exit, output) = Help(path);
            var name = string.Join(' ', ["fmp", .. path]);
            Assert.True(exit == 0, $"`{name} --help` exited with {exit}:\n{output}");
            Assert.Contains("USAGE:", output);
            seen.Add(name);
            foreach (var child in ChildCommands(output)) pending.Enqueue([.. path, child]);
        }

        // The walk reached the leaves, including the one that crashed.
        Assert.Contains("fmp features import", seen);
        Assert.Contains("fmp curator claim", seen);
        Assert.True(seen.Count >= 30, $"only {seen.Count} commands found: {string.Join(", ", seen)}");
    }

    [Fact]
    public async Task A_usage_mistake_exits_2_with_the_parsers_own_words_as_a_commands_refusal_does()
    {
        var (exit, output) = await InProcessFmp.RunAsync(["keys", "show", "--keystore"]); // the parser's: an option without its value
        Assert.Equal(2, exit);
        Assert.Contains("keystore", output, StringComparison.Ordinal);

        (exit, output) = await InProcessFmp.RunAsync(["keys", "show"]); // its settings check: --keystore is required
        Assert.Equal(2, exit);
        Assert.Contains("--keystore is required", output, StringComparison.Ordinal);

        // An option the command does not declare is refused, not ignored, with the nearest one it does.
        (exit, output) = await InProcessFmp.RunAsync(["market", "status", "--markt", "0x0000000000000000000000000000000000000001"]);
        Assert.Equal(2, exit);
        Assert.Contains("unknown option --markt (did you mean --market?)", output, StringComparison.Ordinal);
        (exit, output) = await InProcessFmp.RunAsync(["market", "status", "--no-such-option"]);
        Assert.Equal(2, exit);
        Assert.Contains("unknown option --no-such-option", output, StringComparison.Ordinal);
    }

    internal static (int Exit, string Output) Help(string[] path)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        var app = new CommandApp();
        app.Configure(config =>
        {
            FmpApp.Configure(config);
            config.ConfigureConsole(console);
            config.PropagateExceptions();
        });
        try
        {
            return (app.Run([.. path, "--help"]), writer.ToString());
        }
        catch (Exception e)
        {
            return (-1, writer + e.ToString());
        }
    }

    /// <summary>The names under COMMANDS: in a help page.</summary>
    private static IEnumerable<string> ChildCommands(string help)
    {
        var lines = help.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "COMMANDS:");
        if (start < 0) yield break;
        for (var i = start + 1; i < lines.Length && lines[i].StartsWith("    ", StringComparison.Ordinal); i++)
        {
            // A name starts in the first column of the table; a long description continues further right.
            if (lines[i].Length > 4 && char.IsLetter(lines[i][4])) yield return lines[i].Trim().Split(' ', 2)[0];
        }
    }
}
