using Protocol.Cli;
using Spectre.Console;
using Spectre.Console.Rendering;
using Spectre.Console.Cli;

namespace Protocol.Node.Tests;

/// <summary>
/// fmp's commands run inside the test process, as Program.cs runs them (the same <see cref="FmpApp"/>, piped-output
/// width), each call with its own captured output: the scenarios of a command's logic pay neither a process start nor
/// a fresh JIT per command. Each command keeps one process test of its own (the guides' walkthroughs, the node and the
/// indexer, and a smoke test per command group), so the executable itself stays covered.
/// </summary>
/// <remarks>
/// The static consoles (<see cref="AnsiConsole.Console"/>, <see cref="Console.Out"/>, <see cref="Console.Error"/>) are
/// routed once, for the whole test process, to the console of the call in flight on this async flow
/// (<see cref="AsyncLocal{T}"/>), or to the real ones outside a call: tests run side by side, each capturing only its own.
/// The environment and the working directory are the process's: a call that depends on them stays a process test.
/// </remarks>
internal static class InProcessFmp
{
    private static readonly AsyncLocal<Capture?> Current = new();
    private static readonly Lock Gate = new();
    private static bool _routed;

    /// <summary>Runs <c>fmp</c> with <paramref name="arguments"/>; cancelled after <paramref name="timeout"/> (two minutes by default).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        Route();
        using var capture = new Capture();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        Current.Value = capture;
        try
        {
            var app = new CommandApp();
            app.Configure(FmpApp.Configure);
            var exit = await app.RunAsync([.. arguments], cancel.Token).ConfigureAwait(false);
            return (exit, capture.Text);
        }
        finally
        {
            Current.Value = null;
        }
    }

    private static void Route()
    {
        lock (Gate)
        {
            if (_routed)
            {
                return;
            }

            // The verified task pools a curator's commands cache: this test process's own, not the user's ~/.cache.
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FMP_CACHE")))
            {
                Environment.SetEnvironmentVariable("FMP_CACHE", Path.Combine(Environment.GetEnvironmentVariable("FMP_TEST_TMP") ?? Path.GetTempPath(), $"fmp-cache-{Environment.ProcessId}"));
            }

            AnsiConsole.Console = new RoutedConsole(AnsiConsole.Console);
            Console.SetOut(new RoutedWriter(Console.Out, c => c.Writer));
            Console.SetError(new RoutedWriter(Console.Error, c => c.Writer));
            _routed = true;
        }
    }

    /// <summary>One call's output: stdout and stderr interleaved, as a process's merged output reads.</summary>
    private sealed class Capture : IDisposable
    {
        public Capture()
        {
            Writer = TextWriter.Synchronized(_text);
            Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(Writer),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            Console.Profile.Width = 240; // as Program.cs sets for piped output
        }

        private readonly StringWriter _text = new();

        public TextWriter Writer { get; }

        public IAnsiConsole Console { get; }

        public string Text => _text.ToString();

        public void Dispose() => Writer.Dispose();
    }

    private sealed class RoutedConsole(IAnsiConsole real) : IAnsiConsole
    {
        private static IAnsiConsole? Call => Current.Value?.Console;

        private IAnsiConsole Target => Call ?? real;

        public Profile Profile => Target.Profile;

        public IAnsiConsoleCursor Cursor => Target.Cursor;

        public IAnsiConsoleInput Input => Target.Input;

        public IExclusivityMode ExclusivityMode => Target.ExclusivityMode;

        public RenderPipeline Pipeline => Target.Pipeline;

        public void Clear(bool home) => Target.Clear(home);

        public void Write(IRenderable renderable) => Target.Write(renderable);

        public void WriteAnsi(Action<AnsiWriter> action) => Target.WriteAnsi(action);
    }

    private sealed class RoutedWriter(TextWriter real, Func<Capture, TextWriter> pick) : TextWriter
    {
        private TextWriter Target => Current.Value is { } c ? pick(c) : real;

        public override System.Text.Encoding Encoding => real.Encoding;

        public override void Write(char value) => Target.Write(value);

        public override void Write(string? value) => Target.Write(value);

        public override void WriteLine(string? value) => Target.WriteLine(value);

        public override Task WriteAsync(string? value) => Target.WriteAsync(value);

        public override Task WriteLineAsync(string? value) => Target.WriteLineAsync(value);

        public override void Flush() => Target.Flush();
    }
}
