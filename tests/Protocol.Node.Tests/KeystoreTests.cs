using Nethereum.Signer;
using Protocol.Node.Signing;

namespace Protocol.Node.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KeystoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fmp-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_new_key_is_encrypted_private_to_its_owner_and_unlocks_only_with_its_password()
    {
        var keystore = Path.Combine(_dir, "oracle.json");
        var password = Path.Combine(_dir, "password");
        await File.WriteAllTextAsync(password, "correct horse battery staple\n");

        var address = await Keystore.CreateAsync(keystore, password, CancellationToken.None);

        Assert.Equal(address, await Keystore.AddressAsync(keystore, CancellationToken.None));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keystore));
        var text = await File.ReadAllTextAsync(keystore);
        Assert.Contains("\"crypto\"", text, StringComparison.Ordinal);
        Assert.Contains("scrypt", text, StringComparison.Ordinal);

        EthECKey key = await Keystore.UnlockAsync(keystore, password, CancellationToken.None);
        Assert.Equal(address, key.GetPublicAddress());
        Assert.DoesNotContain(key.GetPrivateKey()[2..], text, StringComparison.OrdinalIgnoreCase);

        var wrong = Path.Combine(_dir, "wrong");
        await File.WriteAllTextAsync(wrong, "Tr0ub4dor&3");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Keystore.UnlockAsync(keystore, wrong, CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => Keystore.CreateAsync(keystore, password, CancellationToken.None));
    }
}
