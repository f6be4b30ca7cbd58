using Nethereum.KeyStore;
using Nethereum.KeyStore.Crypto;
using Nethereum.Signer;

namespace Protocol.Node.Signing;

/// <summary>
/// The oracle's key in a Web3 Secret Storage file (scrypt + AES-128-CTR, the format geth and every wallet
/// read), unlocked with a password file. A raw private key never appears on a command line or in config.
/// </summary>
public static class Keystore
{
    /// <summary>Creates a new random key, writes it encrypted to <paramref name="keystorePath"/> (mode 600), returns its address.</summary>
    public static Task<string> CreateAsync(string keystorePath, string passwordFile, CancellationToken cancellationToken) =>
        SaveAsync(keystorePath, passwordFile, EthECKey.GenerateKey(), cancellationToken);

    /// <summary>Writes an existing key encrypted to <paramref name="keystorePath"/> (mode 600), returns its address.</summary>
    public static async Task<string> SaveAsync(string keystorePath, string passwordFile, EthECKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (File.Exists(keystorePath))
        {
            throw new IOException($"{keystorePath} exists; refusing to overwrite a key");
        }

        var password = await ReadPasswordAsync(passwordFile, cancellationToken).ConfigureAwait(false);
        var address = key.GetPublicAddress();
        var json = new KeyStoreService().EncryptAndGenerateDefaultKeyStoreAsJson(password, key.GetPrivateKeyAsBytes(), address);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keystorePath))!);
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // readable by its owner only, from the first byte
        }

        await using (var file = new FileStream(keystorePath, create))
        {
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
        }

        return address;
    }

    /// <summary>The address a keystore file holds (no password needed).</summary>
    public static async Task<string> AddressAsync(string keystorePath, CancellationToken cancellationToken)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(keystorePath, cancellationToken).ConfigureAwait(false));
        var address = json.RootElement.TryGetProperty("address", out var a) ? a.GetString() : null;
        return address is { Length: 40 or 42 }
            ? Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(address.StartsWith("0x", StringComparison.Ordinal) ? address : "0x" + address)
            : throw new InvalidDataException($"{keystorePath} has no address field");
    }

    /// <summary>Unlocks the key.</summary>
    /// <exception cref="UnauthorizedAccessException">Wrong password (the file's MAC does not match).</exception>
    public static async Task<EthECKey> UnlockAsync(string keystorePath, string passwordFile, CancellationToken cancellationToken)
    {
        var json = await File.ReadAllTextAsync(keystorePath, cancellationToken).ConfigureAwait(false);
        var password = await ReadPasswordAsync(passwordFile, cancellationToken).ConfigureAwait(false);
        try
        {
            return new EthECKey(new KeyStoreService().DecryptKeyStoreFromJson(password, json), true);
        }
        catch (DecryptionException e)
        {
            throw new UnauthorizedAccessException($"cannot unlock {keystorePath}: wrong password", e);
        }
    }

    private static async Task<string> ReadPasswordAsync(string passwordFile, CancellationToken cancellationToken)
    {
        // One trailing newline is not part of the password (echo "secret" > file).
        var text = await File.ReadAllTextAsync(passwordFile, cancellationToken).ConfigureAwait(false);
        var password = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return password.Length > 0 ? password : throw new InvalidDataException($"{passwordFile} is empty");
    }
}
