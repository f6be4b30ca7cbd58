using System.Diagnostics;
using System.Text.Json;
using Nethereum.KeyStore;
using Nethereum.Signer;
using Protocol.Client.Signing;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Node.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Trait("tier", "slow")]
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

    [Fact]
    public async Task A_key_fmp_wrote_has_geth_scrypt_parameters_and_cast_reads_the_same_address()
    {
        var (keystore, password) = (Path.Combine(_dir, "oracle.json"), await PasswordFileAsync("a long passphrase\n"));
        var created = await Fmp("keys", "new", "--keystore", keystore, "--password-file", password);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(keystore));
        var kdf = json.RootElement.GetProperty("crypto").GetProperty("kdfparams");
        Assert.Equal((262_144, 8, 1, 32), (kdf.GetProperty("n").GetInt32(), kdf.GetProperty("r").GetInt32(), kdf.GetProperty("p").GetInt32(), kdf.GetProperty("dklen").GetInt32()));

        var shown = (await Fmp("keys", "show", "--keystore", keystore, "--password-file", password)).Trim();
        Assert.Contains(shown, created, StringComparison.Ordinal);
        var (exit, castSays) = await CastAsync("wallet", "address", "--keystore", keystore, "--password-file", password);
        Assert.True(exit == 0, castSays);
        Assert.Equal(shown, castSays.Trim());
    }

    [Fact]
    public async Task A_key_cast_wrote_unlocks_and_its_address_comes_from_the_key()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "cast")).FullName;
        var (exit, output) = await CastAsync("wallet", "new", folder, "oracle", "--unsafe-password", "cast's passphrase");
        Assert.True(exit == 0, output);
        var castAddress = output.Split('\n').Single(l => l.StartsWith("Address:", StringComparison.Ordinal))["Address:".Length..].Trim();
        var keystore = Path.Combine(folder, "oracle");

        EthECKey key = await Keystore.UnlockAsync(keystore, await PasswordFileAsync("cast's passphrase\n"), CancellationToken.None);

        Assert.Equal(castAddress, key.GetPublicAddress());
        // cast writes no "address" field: the file alone cannot say whose key it is, the unlocked key can.
        Assert.Null(await Keystore.TryReadAddressAsync(keystore, CancellationToken.None));
        var missing = await Assert.ThrowsAsync<InvalidDataException>(() => Keystore.AddressAsync(keystore, CancellationToken.None));
        Assert.Contains("\"address\"", missing.Message, StringComparison.Ordinal);
        Assert.Equal(castAddress, await Keystore.AddressAsync(keystore, await PasswordFileAsync("cast's passphrase"), CancellationToken.None));
    }

    [Fact]
    public async Task An_old_file_with_scrypt_r1_p8_still_unlocks_though_cast_refuses_it()
    {
        // What fmp wrote before: Nethereum's default scrypt (n = 2^18, r = 1, p = 8), which breaks RFC 7914's n < 2^(16·r).
        var key = EthECKey.GenerateKey();
        var keystore = Path.Combine(_dir, "old.json");
        var password = await PasswordFileAsync("old passphrase\n");
        await File.WriteAllTextAsync(keystore, new KeyStoreService().EncryptAndGenerateDefaultKeyStoreAsJson("old passphrase", key.GetPrivateKeyAsBytes(), key.GetPublicAddress()));
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(keystore)))
        {
            var kdf = json.RootElement.GetProperty("crypto").GetProperty("kdfparams");
            Assert.Equal((1, 8), (kdf.GetProperty("r").GetInt32(), kdf.GetProperty("p").GetInt32()));
        }

        Assert.Equal(key.GetPublicAddress(), (await Keystore.UnlockAsync(keystore, password, CancellationToken.None)).GetPublicAddress());
        var (exit, castSays) = await CastAsync("wallet", "address", "--keystore", keystore, "--password-file", password);
        Assert.NotEqual(0, exit);
        Assert.Contains("InvalidParams", castSays, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "no \"crypto\" object")]
    [InlineData("{\"version\":3,\"crypto\":{\"kdf\":\"argon2\"}}", "\"argon2\" is not supported")]
    [InlineData("{\"version\":3,\"crypto\":{\"kdf\":\"scrypt\"}}", "crypto.ciphertext is missing")]
    [InlineData("not json", "not JSON")]
    public async Task A_file_that_is_not_a_keystore_is_named_with_what_is_wrong(string text, string reason)
    {
        var keystore = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(keystore, text);
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await Keystore.UnlockAsync(keystore, await PasswordFileAsync("x"), CancellationToken.None));
        Assert.Contains(keystore, e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    private async Task<string> PasswordFileAsync(string text)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8] + ".password");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private static async Task<string> Fmp(params string[] arguments)
    {
        var (exit, output) = await CliProcess.RunAsync(CliProcess.Fmp, arguments, TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, output);
        return output;
    }

    // Foundry's own binary (node_modules/.bin/cast from scripts/bootstrap.sh), its stdout and stderr together.
    private static async Task<(int ExitCode, string Output)> CastAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(RepositoryLayout.FoundryTool("cast")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var cast = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = cast.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = cast.StandardError.ReadToEndAsync(timeout.Token);
        await cast.WaitForExitAsync(timeout.Token);
        return (cast.ExitCode, await stdout + await stderr);
    }
}
