using Nethereum.KeyStore;
using Nethereum.KeyStore.Crypto;
using Nethereum.KeyStore.Model;
using Nethereum.Signer;

namespace Protocol.Client.Signing;

/// <summary>
/// The oracle's key in a Web3 Secret Storage file (scrypt + AES-128-CTR, the format geth, Foundry and every
/// wallet read), unlocked with a password file. A raw private key never appears on a command line or in config.
/// </summary>
public static class Keystore
{
    /// <summary>
    /// scrypt cost of new files: geth's "standard" parameters (n = 2^18, r = 8, p = 1, 32-byte key). RFC 7914
    /// requires n &lt; 2^(16·r); Nethereum's default (r = 1, p = 8) breaks that, and Foundry refuses such files.
    /// </summary>
    public static ScryptParams NewFileScrypt => new() { N = 1 << 18, R = 8, P = 1, Dklen = 32 };

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
        var json = new KeyStoreScryptService().EncryptAndGenerateKeyStoreAsJson(password, key.GetPrivateKeyAsBytes(), address, NewFileScrypt);
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
    /// <exception cref="InvalidDataException">The file has no <c>address</c> field (Foundry's files omit it).</exception>
    public static async Task<string> AddressAsync(string keystorePath, CancellationToken cancellationToken) =>
        await TryReadAddressAsync(keystorePath, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidDataException(
            $"{keystorePath} has no \"address\" field (keystores written by Foundry's cast omit it): its address is known only once it is unlocked with its password file");

    /// <summary>
    /// The address of a keystore: its <c>address</c> field, or, for files without one (Foundry's cast, eth-keystore),
    /// the address of the key unlocked with <paramref name="passwordFile"/>.
    /// </summary>
    public static async Task<string> AddressAsync(string keystorePath, string passwordFile, CancellationToken cancellationToken) =>
        await TryReadAddressAsync(keystorePath, cancellationToken).ConfigureAwait(false)
        ?? (await UnlockAsync(keystorePath, passwordFile, cancellationToken).ConfigureAwait(false)).GetPublicAddress();

    /// <summary>The checksummed <c>address</c> field of a keystore file, or null when it has none.</summary>
    public static async Task<string?> TryReadAddressAsync(string keystorePath, CancellationToken cancellationToken)
    {
        using var json = await ParseAsync(keystorePath, cancellationToken).ConfigureAwait(false);
        var address = json.RootElement.TryGetProperty("address", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.String ? a.GetString() : null;
        return address switch
        {
            null or "" => null,
            { Length: 40 or 42 } => Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(address.StartsWith("0x", StringComparison.Ordinal) ? address : "0x" + address),
            _ => throw new InvalidDataException($"{keystorePath}: \"address\" is \"{address}\", not 40 hex digits"),
        };
    }

    /// <summary>
    /// Unlocks the key. Reads any Web3 Secret Storage v3 file: scrypt with whatever parameters it names (this
    /// program's older files with r = 1, p = 8, geth's, Foundry's n = 8192) and pbkdf2.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">Wrong password (the file's MAC does not match).</exception>
    public static async Task<EthECKey> UnlockAsync(string keystorePath, string passwordFile, CancellationToken cancellationToken)
    {
        using (var shape = await ParseAsync(keystorePath, cancellationToken).ConfigureAwait(false))
        {
            CheckShape(keystorePath, shape.RootElement);
        }

        var json = await File.ReadAllTextAsync(keystorePath, cancellationToken).ConfigureAwait(false);
        var password = await ReadPasswordAsync(passwordFile, cancellationToken).ConfigureAwait(false);
        try
        {
            return new EthECKey(new KeyStoreService().DecryptKeyStoreFromJson(password, json), true);
        }
        catch (DecryptionException e)
        {
            throw new UnauthorizedAccessException($"cannot unlock {keystorePath}: wrong password (read from {passwordFile})", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nethereum says "Invalid KeyStore json" or "Source array was not long enough" for a damaged file: name the file.
            throw new InvalidDataException($"{keystorePath} is not a readable Web3 Secret Storage keystore: {e.Message}", e);
        }
    }

    // The fields every v3 file has, checked first so that a wrong file gets a message that names what is missing.
    private static void CheckShape(string keystorePath, System.Text.Json.JsonElement root)
    {
        var crypto = default(System.Text.Json.JsonElement);
        var found = root.ValueKind == System.Text.Json.JsonValueKind.Object
            && (root.TryGetProperty("crypto", out crypto) || root.TryGetProperty("Crypto", out crypto))
            && crypto.ValueKind == System.Text.Json.JsonValueKind.Object;
        if (!found)
        {
            throw new InvalidDataException($"{keystorePath} is not a Web3 Secret Storage keystore: it has no \"crypto\" object");
        }

        var kdf = crypto.TryGetProperty("kdf", out var k) && k.ValueKind == System.Text.Json.JsonValueKind.String ? k.GetString() : null;
        if (kdf is not ("scrypt" or "pbkdf2"))
        {
            throw new InvalidDataException($"{keystorePath}: key derivation \"{kdf}\" is not supported; keystores use scrypt or pbkdf2");
        }

        foreach (var field in new[] { "ciphertext", "mac", "kdfparams", "cipherparams" })
        {
            if (!crypto.TryGetProperty(field, out _))
            {
                throw new InvalidDataException($"{keystorePath}: crypto.{field} is missing; the file is damaged or not a keystore");
            }
        }
    }

    private static async Task<System.Text.Json.JsonDocument> ParseAsync(string keystorePath, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(keystorePath, cancellationToken).ConfigureAwait(false);
        try
        {
            return System.Text.Json.JsonDocument.Parse(text);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{keystorePath} is not a keystore (not JSON: {e.Message})", e);
        }
    }

    private static async Task<string> ReadPasswordAsync(string passwordFile, CancellationToken cancellationToken)
    {
        // One trailing newline is not part of the password (echo "secret" > file), as in geth and Foundry.
        var text = await File.ReadAllTextAsync(passwordFile, cancellationToken).ConfigureAwait(false);
        var password = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return password.Length > 0 ? password : throw new InvalidDataException($"{passwordFile} is empty");
    }
}
