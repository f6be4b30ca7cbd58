using System.ComponentModel;
using Microsoft.Extensions.Hosting;
using Protocol.Api;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary><c>fmp api run</c>: the analysts' HTTP API and dashboard (loopback by default).</summary>
public sealed class ApiRunCommand : AsyncCommand<ApiRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--db <CONNECTION>")]
        [Description("PostgreSQL connection string of the indexed database (or FMP_DB).")]
        public string? ConnectionString { get; init; }

        [CommandOption("--urls <URLS>")]
        [Description("Where to listen; default http://127.0.0.1:5080 (port 0: a free one, printed at start).")]
        public string Urls { get; init; } = "http://127.0.0.1:5080";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var db = settings.ConnectionString ?? Environment.GetEnvironmentVariable("FMP_DB");
        if (string.IsNullOrWhiteSpace(db))
        {
            await Console.Error.WriteLineAsync("--db (or FMP_DB) is required").ConfigureAwait(false);
            return 2;
        }

        if (await ApiHost.DatabaseProblemAsync(db, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            await Console.Error.WriteLineAsync($"fmp api run: {problem}").ConfigureAwait(false);
            return 2;
        }

        await using var app = ApiHost.Build(db, settings.Urls);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // Kestrel's "Failed to bind to address …: address already in use": one line, naming the option.
            await Console.Error.WriteLineAsync($"fmp api run: cannot listen on {settings.Urls} ({e.GetBaseException().Message}); choose another with --urls").ConfigureAwait(false);
            return 2;
        }

        // The bound addresses: a port of 0 in --urls is the one the system picked.
        await Console.Out.WriteLineAsync($"analyst API and dashboard at {string.Join(", ", app.Urls)} (Ctrl+C stops)").ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
