using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Protocol.DevChain;

/// <summary>
/// A .NET program of the repository (the <c>fmp</c> CLI, the demo) run as a real child process, its
/// stdout and stderr drained as it runs (a full pipe would block it) into <see cref="Log"/> and,
/// optionally, a log file.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly StringBuilder _log = new();
    private readonly StreamWriter? _file;

    private CliProcess(Process process, StreamWriter? file)
    {
        Process = process;
        _file = file;
    }

    /// <summary>The <c>fmp</c> CLI next to the running test assembly (test projects reference Protocol.Cli).</summary>
    public static string Fmp => Path.Combine(AppContext.BaseDirectory, "fmp.dll");

    public Process Process { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c>.</summary>
    public static CliProcess Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? logFile = null, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? string.Empty };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var cli = new CliProcess(Process.Start(info)!, logFile is null ? null : new StreamWriter(logFile) { AutoFlush = true });
        cli.Process.OutputDataReceived += (_, e) => cli.Append(e.Data);
        cli.Process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
        cli.Process.BeginOutputReadLine();
        cli.Process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs to completion (killed after <paramref name="timeout"/>); returns the exit code and the output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string dll, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        using var cli = Start(dll, arguments, environment, workingDirectory: workingDirectory);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await cli.Process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await cli.KillAsync().ConfigureAwait(false);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', arguments)} did not finish within {timeout}:\n{cli.Log}");
        }

        cli.Process.WaitForExit(); // lets the output handlers finish
        return (cli.Process.ExitCode, cli.Log);
    }

    /// <summary>
    /// The first match of <paramref name="pattern"/> in what the process printed, waited for up to
    /// <paramref name="timeout"/>: how a service started on port 0 says which port it bound.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process exited without printing it (the message holds its output).</exception>
    /// <exception cref="TimeoutException">Nothing matched in time (the message holds the output so far).</exception>
    public async Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var exited = Process.HasExited;
            if (exited)
            {
                Process.WaitForExit(); // lets the output handlers finish
            }

            if (pattern.Match(Log) is { Success: true } match)
            {
                return match;
            }

            if (exited)
            {
                throw new InvalidOperationException($"the process exited with {Process.ExitCode} without printing /{pattern}/:\n{Log}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the process printed nothing matching /{pattern}/ within {timeout}:\n{Log}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>SIGTERM, as a service manager stops a service; killed if still running after <paramref name="grace"/>.</summary>
    public Task TerminateAsync(TimeSpan grace) => ProcessRunner.StopAsync(Process, Posix.SigTerm, grace);

    /// <summary>SIGKILL to the process and its children: no shutdown of any kind.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        await Process.WaitForExitAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
        _file?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
            _file?.WriteLine(line);
        }
    }
}
