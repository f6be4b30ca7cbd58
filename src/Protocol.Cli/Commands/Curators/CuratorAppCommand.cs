using System.ComponentModel;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Protocol.CuratorApp;
using Protocol.Client;
using Protocol.ServiceDefaults;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Curators;

/// <summary>
/// <c>fmp curator app</c>: a local web app for one curator key in one market: the terms and deadlines, the key's
/// items side by side, a label per key press saved at once, then stake and commit, reveal and claim as buttons that
/// run the commands' own workflows. The keystore is unlocked here, in this process; the page never sees the key.
/// This command only reads the options and starts the server (<see cref="CuratorAppServer"/>).
/// </summary>
public sealed class CuratorAppCommand : AsyncCommand<CuratorAppCommand.Settings>
{
    public sealed class Settings : CuratorLabelSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("Port on 127.0.0.1 to serve the app on (default 0: a free one; the URL is printed).")]
        public int Port { get; init; }

        [CommandOption("--reports <URL>")]
        [Description("Where an oracle publishes its reports, e.g. http://127.0.0.1:9466 (or FMP_REPORTS); needed to show the score and to claim.")]
        public string? Reports { get; init; }

        [CommandOption("--dashboard <URL>")]
        [Description("The analyst dashboard's base URL (fmp api run, e.g. http://127.0.0.1:5080; or FMP_DASHBOARD), for a link to this curator's page.")]
        public string? Dashboard { get; init; }

        [CommandOption("--publish-to <FOLDER>")]
        [Description("Reveal by copying the label file into this served folder (with --publish-url); without it the file goes in the reveal itself, on chain.")]
        public string? PublishTo { get; init; }

        [CommandOption("--publish-url <URL>")]
        [Description("The URL that serves --publish-to, e.g. http://127.0.0.1:8090 (fmp serve).")]
        public string? PublishUrl { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            RunningApp app;
            try
            {
                app = await StartAsync(settings, logging => ServiceLogging.Configure(logging, "text"), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new RefusalException($"--port {settings.Port} on 127.0.0.1 is already in use ({e.Message}): give a free one, or 0 to let the system pick", RefusalCode.Unreachable);
            }

            await using (app)
            {
                await Console.Out.WriteLineAsync($"curator app: open {app.PageUrl} (Ctrl+C stops; the token in the URL is this session's only key to the app)").ConfigureAwait(false);
                await app.App.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false); // Ctrl+C or SIGTERM
            }

            return 0;
        });

    /// <summary>
    /// Checks the options, opens the market with the key (unlocked now, so that a wrong password stops here and not at
    /// the commit), loads the key's items and label file, and starts the server. Tests start the app through this too.
    /// </summary>
    internal static async Task<RunningApp> StartAsync(Settings settings, Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        var options = Options(settings);
        var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
        await m.RequireKeyAsync(cancellationToken).ConfigureAwait(false);
        // The desk logs for as long as the app runs: the running app owns (and disposes) its logger factory.
        var factory = LoggerFactory.Create(logging);
        CuratorDesk? desk = null;
        try
        {
            desk = await CuratorDesk.OpenAsync(m, options, factory.CreateLogger("Protocol.CuratorApp"), cancellationToken).ConfigureAwait(false);
            var app = await CuratorAppServer.StartAsync(desk, new SessionGuard(SessionGuard.NewToken()), options.Port, logging, [desk, factory], cancellationToken).ConfigureAwait(false);
            CuratorAppLog.Listening(app.App.Logger, desk.Address, desk.MarketId, desk.Items.Count, options.LabelsFile, app.Url);
            return app;
        }
        catch
        {
            desk?.Dispose();
            factory.Dispose();
            throw;
        }
    }

    // Each bad value is named by its option; every one is reported at once, so one run shows them all.
    private static CuratorAppOptions Options(Settings s)
    {
        var problems = new List<string>();
        if (s.Port is < 0 or > 65535)
        {
            problems.Add($"--port {s.Port}: give 1 to 65535, or 0 for a free port");
        }

        string? Url(string? value, string option, string? variable = null)
        {
            var text = !string.IsNullOrWhiteSpace(value) ? value.Trim() : variable is not null && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v.Trim() : null;
            if (text is null)
            {
                return null;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
            {
                problems.Add($"{option} \"{text}\" is not an http(s) URL");
                return null;
            }

            return text.TrimEnd('/');
        }

        var reports = Url(s.Reports, "--reports", "FMP_REPORTS");
        var dashboard = Url(s.Dashboard, "--dashboard", "FMP_DASHBOARD");
        if (dashboard?.EndsWith("/dashboard", StringComparison.Ordinal) == true)
        {
            dashboard = dashboard[..^"/dashboard".Length]; // the page's URL given instead of the API's base
        }

        var publishUrl = Url(s.PublishUrl, "--publish-url");
        if ((s.PublishTo is null) != (s.PublishUrl is null))
        {
            problems.Add(s.PublishTo is null
                ? "--publish-url needs --publish-to: the folder it serves, where the label file is copied at the reveal"
                : "--publish-to needs --publish-url: the URL that serves that folder, which the reveal names");
        }
        else if (s.PublishTo is { } folder && !Directory.Exists(folder))
        {
            problems.Add($"--publish-to {folder}: no such folder{GivenPath.Tried(folder)}");
        }

        if (string.IsNullOrWhiteSpace(s.Labels))
        {
            problems.Add("--labels is required: the label file the app writes after every choice (new, or one to continue)");
        }

        if (problems.Count > 0)
        {
            throw new RefusalException(string.Join("; ", problems), RefusalCode.InvalidInput);
        }

        return new CuratorAppOptions
        {
            LabelsFile = s.LabelsFile,
            SecretsPath = s.SecretsPath,
            StartBlock = s.StartBlock,
            Port = s.Port,
            Reports = reports,
            Dashboard = dashboard,
            PublishTo = s.PublishTo is { } p ? Path.GetFullPath(p) : null,
            PublishUrl = publishUrl,
        };
    }
}
