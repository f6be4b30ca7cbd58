using System.Diagnostics;

namespace Protocol.Evaluation.Tests;

/// <summary>
/// The same evaluations (v1 and v2) give byte-identical output across repeated runs, thread counts and CPU
/// vector widths (AVX-512, AVX2, SIMD off), each in a child process with the runtime's knobs set.
/// </summary>
public sealed class DeterminismTests
{
    private static readonly Lazy<string> Reference = new(() => DeterminismSample.Text(2));

    [Fact]
    public void Repeated_runs_and_thread_counts_give_identical_bytes()
    {
        Assert.Contains("spec=bt-inrun-v2 method=inrun", Reference.Value, StringComparison.Ordinal);
        Assert.Equal(Reference.Value, DeterminismSample.Text(2));
        Assert.Equal(Reference.Value, DeterminismSample.Text(1));
        Assert.Equal(Reference.Value, DeterminismSample.Text(7));
    }

    [Theory]
    [InlineData("default", "")]
    [InlineData("avx512", "DOTNET_PreferredVectorBitWidth=512")]
    [InlineData("vector128", "DOTNET_PreferredVectorBitWidth=128")]
    [InlineData("no-avx2", "DOTNET_EnableAVX2=0")]
    [InlineData("no-avx512", "DOTNET_EnableAVX512F=0")]
    [InlineData("no-simd", "DOTNET_EnableHWIntrinsic=0")]
    [InlineData("no-simd-1-thread", "DOTNET_EnableHWIntrinsic=0 DOTNET_TieredCompilation=0", 1)]
    public async Task Child_processes_with_other_vector_widths_print_the_same_bytes(string name, string environment, int threads = 3)
    {
        var psi = new ProcessStartInfo(DotnetHost(), [typeof(Program).Assembly.Location, "sample", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var kv in environment.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = kv.Split('=');
            psi.Environment[parts[0]] = parts[1];
        }

        using var child = Process.Start(psi)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await child.WaitForExitAsync(timeout.Token);
        Assert.True(child.ExitCode == 0, $"{name}: exit {child.ExitCode}: {await stderr}");
        var lines = (await stdout).Split('\n');
        var text = string.Join('\n', lines.Skip(1).TakeWhile(l => !l.StartsWith("vector=", StringComparison.Ordinal))) + "\n";
        Assert.Equal(Reference.Value, text);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var process = Environment.ProcessPath;
        return process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
    }
}
