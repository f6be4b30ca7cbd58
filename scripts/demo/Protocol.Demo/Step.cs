using System.Diagnostics;
using Npgsql;
using Protocol.TestSupport;
using Spectre.Console;

namespace Protocol.Demo;

/// <summary>Narration and child processes.</summary>
internal static class Step
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Say(string what) =>
        AnsiConsole.MarkupLine($"[grey]{Clock.Elapsed:mm\\:ss}[/] {Markup.Escape(what)}");

    /// <summary>Starts <c>dotnet fmp.dll …</c> with its output in <paramref name="log"/>.</summary>
    public static CliProcess Start(string fmp, string log, params string[] arguments) => CliProcess.Start(fmp, arguments, logFile: log);

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
