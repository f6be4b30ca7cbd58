using System.ComponentModel;
using Protocol.Client.Signing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Keys;

public sealed class KeysSettings : CommandSettings
{
    [CommandOption("-k|--keystore <FILE>")]
    [Description("Keystore file (Web3 Secret Storage JSON).")]
    public string Keystore { get; init; } = "";

    [CommandOption("-p|--password-file <FILE>")]
    [Description("File holding the keystore password (one trailing newline is ignored).")]
    public string? PasswordFile { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrEmpty(Keystore) ? ValidationResult.Error("--keystore is required") : ValidationResult.Success();
}

/// <summary><c>fmp keys new</c>.</summary>
public sealed class KeysNewCommand : AsyncCommand<KeysSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeysSettings settings, CancellationToken cancellationToken)
    {
        if (settings.PasswordFile is null)
        {
            AnsiConsole.MarkupLine("[red]--password-file is required to encrypt the new key[/]");
            return 2;
        }

        var address = await Keystore.CreateAsync(settings.Keystore, settings.PasswordFile, cancellationToken).ConfigureAwait(false);
        AnsiConsole.MarkupLine($"created [bold]{address}[/] in {Markup.Escape(settings.Keystore)} (keep the keystore and its password file private)");
        return 0;
    }
}

/// <summary><c>fmp keys show</c>.</summary>
public sealed class KeysShowCommand : AsyncCommand<KeysSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeysSettings settings, CancellationToken cancellationToken)
    {
        // A file without an "address" field (cast writes none) gives its address only when unlocked.
        var address = settings.PasswordFile is { } passwordFile
            ? await Keystore.AddressAsync(settings.Keystore, passwordFile, cancellationToken).ConfigureAwait(false)
            : await Keystore.AddressAsync(settings.Keystore, cancellationToken).ConfigureAwait(false);
        if (settings.PasswordFile is not null)
        {
            var key = await Keystore.UnlockAsync(settings.Keystore, settings.PasswordFile, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(key.GetPublicAddress(), address, StringComparison.OrdinalIgnoreCase))
            {
                AnsiConsole.MarkupLine($"[red]the key inside is {key.GetPublicAddress()}, not the {address} the file claims[/]");
                return 1;
            }
        }

        AnsiConsole.WriteLine(address);
        return 0;
    }
}
