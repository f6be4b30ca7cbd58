using Nethereum.KeyStore;
using Nethereum.KeyStore.Model;
using Nethereum.Signer;

namespace Protocol.DevChain;

/// <summary>
/// Keystore files for the throw-away keys of a dev chain (the demo's curators, the tests' accounts). A real Web3 Secret
/// Storage file, but with a light scrypt cost (n = 2^12) instead of the 2^18 that <c>fmp keys new</c> writes: the file
/// names its own cost and fmp reads any, and the full cost is about 1.5 s of one core for every unlock, paid by every
/// fmp command that signs (the demo and the suite run a few hundred). Never for a key that guards money.
/// </summary>
public static class DevKeystore
{
    /// <summary>Writes <paramref name="key"/> to <paramref name="path"/> under <paramref name="passphrase"/>; returns the path.</summary>
    public static async Task<string> WriteAsync(string path, string passphrase, EthECKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // A new parameters object each time: Nethereum writes the file's random salt into it, so a shared one would let
        // two keystores written at once swap salts (a file whose MAC no password matches).
        var light = new ScryptParams { N = 1 << 12, R = 8, P = 1, Dklen = 32 };
        var json = new KeyStoreScryptService().EncryptAndGenerateKeyStoreAsJson(passphrase, key.GetPrivateKeyAsBytes(), key.GetPublicAddress(), light);
        await File.WriteAllTextAsync(path, json, cancellationToken).ConfigureAwait(false);
        return path;
    }
}
