using System.Diagnostics;
using Npgsql;
using Spectre.Console;

namespace Protocol.Demo;

/// <summary>Narration and child processes.</summary>
internal static class Step
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Say(string what) =>
        AnsiConsole.MarkupLine($"[grey]{Clock.Elapsed:mm\\:ss}[/] {Markup.Escape(what)}");

    /// <summary>Starts <c>dotnet fmp.dll …</c> with its output in <paramref name="log"/>.</summary>
    public static Process Start(string fmp, string log, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(fmp);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var writer = new StreamWriter(log) { AutoFlush = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (writer) { writer.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (writer) { writer.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task<long> CheckpointAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var exists = new NpgsqlCommand("SELECT to_regclass('indexer_checkpoint') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync())!)
        {
            return -1;
        }

        await using var query = new NpgsqlCommand("SELECT COALESCE((SELECT block_number FROM indexer_checkpoint), -1)", connection);
        return (long)(await query.ExecuteScalarAsync())!;
    }
}
