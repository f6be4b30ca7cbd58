using Spectre.Console.Cli;

if (Console.IsOutputRedirected)
{
    // Piped or logged output: no wrapping inside hashes and addresses.
    Spectre.Console.AnsiConsole.Profile.Width = 240;
}

var app = new CommandApp();
app.Configure(Protocol.Cli.FmpApp.Configure);
return await app.RunAsync(args);
