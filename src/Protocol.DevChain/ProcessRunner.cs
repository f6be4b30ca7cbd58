using System.Diagnostics;
using System.Text;

namespace Protocol.DevChain;

/// <summary>Runs short commands (initdb, chown) and starts long-running services with their output kept for diagnostics.</summary>
public static class ProcessRunner
{
    /// <summary>Runs a command to completion; throws with its output when it fails or outlives <paramref name="timeout"/>.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var process = Start(fileName, arguments, out var output);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(fileName, arguments)} did not finish within {timeout}:\n{output}");
        }

        return process.ExitCode == 0
            ? output.ToString()
            : throw new InvalidOperationException($"{Describe(fileName, arguments)} exited with {process.ExitCode}:\n{output}");
    }

    /// <summary>Starts a process whose stdout and stderr are appended to <paramref name="output"/>.</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, out StringBuilder output)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var buffer = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(buffer, e.Data);
        process.ErrorDataReceived += (_, e) => Append(buffer, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = buffer;
        return process;
    }

    /// <summary>Waits for a service process to exit, killing it after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(Process process, int signal, TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        Posix.Signal(process, signal);
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName));

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            // Keep the tail only: a chatty service must not grow memory without bound.
            if (buffer.Length > 64_000)
            {
                buffer.Remove(0, 32_000);
            }

            buffer.AppendLine(line);
        }
    }
}
