using System.ComponentModel;
using System.Net;
using Microsoft.Extensions.Hosting;
using Protocol.ServiceDefaults;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Services;

/// <summary>
/// <c>fmp serve</c>: publishes a folder read-only over HTTP, for the files of a local market (a sponsor's task pool,
/// gold set, features files; curators' label files) so nobody needs an ad-hoc web server.
/// </summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--folder <FOLDER>")]
        [Description("The folder to publish (required). Files are served by name: http://ADDRESS:PORT/<path in the folder>.")]
        public string? Folder { get; init; }

        [CommandOption("--port <PORT>")]
        [Description("Port to listen on (default 8090; 0 picks a free one, printed with the address).")]
        public int Port { get; init; } = 8090;

        [CommandOption("--address <IP>")]
        [Description("Address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 publishes to the network).")]
        public string Address { get; init; } = "127.0.0.1";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Folder) || !Directory.Exists(settings.Folder))
        {
            await Console.Error.WriteLineAsync($"fmp serve: --folder must name an existing folder{(string.IsNullOrWhiteSpace(settings.Folder) ? "" : $" ({Path.GetFullPath(settings.Folder)} does not exist)")}").ConfigureAwait(false);
            return 2;
        }

        if (!IPAddress.TryParse(settings.Address, out _) || settings.Port is < 0 or > 65535)
        {
            await Console.Error.WriteLineAsync($"fmp serve: --address must be an IP address (got {settings.Address}) and --port 0 to 65535 (got {settings.Port})").ConfigureAwait(false);
            return 2;
        }

        var folder = Path.GetFullPath(settings.Folder);
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = await FileServer.StartAsync(folder, "", settings.Address, settings.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"fmp serve: port {settings.Port} on {settings.Address} is already in use ({e.Message}): stop what holds it, or give --port a free one").ConfigureAwait(false);
            return 1;
        }

        await using (app)
        {
            await Console.Out.WriteLineAsync($"serving {folder} read-only at http://{settings.Address}:{FileServer.Port(app)}/ (Ctrl+C stops)").ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false); // Ctrl+C or SIGTERM
        }

        return 0;
    }
}
