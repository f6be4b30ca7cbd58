using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Protocol.Client.Chain;
using Protocol.Core.Contracts;

namespace Protocol.Client.Signing;

/// <summary>
/// One key that sends transactions on one connection: a keystore file unlocked lazily (scrypt takes about a second,
/// and a refusal needs only the address, which the file names), or a key already in memory. Each send estimates gas
/// first, so a revert is refused by name before anything is sent, and is recorded in <see cref="Sent"/>.
/// </summary>
public sealed class Signer
{
    private readonly ChainConnection _chain;
    private readonly string? _keystore;
    private readonly string? _passwordFile;
    private readonly List<SentTransaction> _sent = [];
    private EthECKey? _key;

    private Signer(ChainConnection chain, string address, string? keystore, string? passwordFile, EthECKey? key)
    {
        _chain = chain;
        Address = address;
        _keystore = keystore;
        _passwordFile = passwordFile;
        _key = key;
    }

    /// <summary>The key's address (checksummed as the keystore gives it).</summary>
    public string Address { get; }

    /// <summary>Every transaction this signer sent, in order.</summary>
    public IReadOnlyList<SentTransaction> Sent => _sent;

    /// <summary>
    /// Called as each transaction lands: a command prints it at once (a slow chain shows progress, and a run that stops
    /// later has already said what it sent); a server logs it.
    /// </summary>
    public Func<SentTransaction, Task> OnSent { get; set; } = _ => Task.CompletedTask;

    /// <summary>A signer for a Web3 Secret Storage file and the file holding its password; the key is unlocked at the first send.</summary>
    public static async Task<Signer> FromKeystoreAsync(ChainConnection chain, string keystore, string passwordFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        // A file that does not name its address is unlocked now to learn it.
        if (await Keystore.TryReadAddressAsync(keystore, cancellationToken).ConfigureAwait(false) is { } address)
        {
            return new Signer(chain, address, keystore, passwordFile, null);
        }

        var key = await Keystore.UnlockAsync(keystore, passwordFile, cancellationToken).ConfigureAwait(false);
        return new Signer(chain, key.GetPublicAddress(), keystore, passwordFile, key);
    }

    /// <summary>A signer for a key already in memory (a test, or an integrator's own key store).</summary>
    public static Signer FromKey(ChainConnection chain, EthECKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new Signer(chain, key.GetPublicAddress(), null, null, key);
    }

    /// <summary>Unlocks the key now, so that a wrong password stops an action before it writes anything for a transaction that will never be sent.</summary>
    public async Task RequireKeyAsync(CancellationToken cancellationToken) => await KeyAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Refuses with <see cref="RefusalCode.InsufficientFunds"/> when the key holds no ETH for gas.</summary>
    public async Task RequireGasMoneyAsync()
    {
        RequireGasMoney(await _chain.EthBalanceAsync(Address).ConfigureAwait(false));
    }

    /// <summary>Refuses with <see cref="RefusalCode.InsufficientFunds"/> when <paramref name="ethBalance"/> (the key's, already read) is zero.</summary>
    public void RequireGasMoney(System.Numerics.BigInteger ethBalance)
    {
        if (ethBalance.IsZero)
        {
            throw new RefusalException($"{Address} has no ETH to pay for gas on chain {_chain.ChainId}: send it some first (on the dev chain: scripts/dev.sh fund {Address})", RefusalCode.InsufficientFunds);
        }
    }

    /// <summary>
    /// Sends one transaction (gas estimated first: a revert is refused by name before anything is sent, see
    /// <see cref="RefusalException.From"/>), waits for its receipt, records it and reports it to <see cref="OnSent"/>.
    /// </summary>
    public async Task<TransactionReceipt> SendAsync<T>(string name, string contract, T message, CancellationToken cancellationToken)
        where T : FunctionMessage, new()
    {
        var key = await KeyAsync(cancellationToken).ConfigureAwait(false);
        var sender = new TransactionSender(new Web3(new Account(key, _chain.ChainId), _chain.RpcUrl), Address);
        var receipt = await sender.SendAsync(contract, message, cancellationToken).ConfigureAwait(false);
        var gas = receipt.GasUsed.Value;
        var sent = new SentTransaction(name, receipt.TransactionHash, gas, gas * (receipt.EffectiveGasPrice?.Value ?? 0));
        _sent.Add(sent);
        await OnSent(sent).ConfigureAwait(false);
        return receipt;
    }

    private async Task<EthECKey> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is null)
        {
            var key = await Keystore.UnlockAsync(_keystore!, _passwordFile!, cancellationToken).ConfigureAwait(false);
            if (Address.Length > 0 && !string.Equals(key.GetPublicAddress(), Address, StringComparison.OrdinalIgnoreCase))
            {
                throw new RefusalException($"{_keystore} claims address {Address} but holds the key of {key.GetPublicAddress()}: the file was edited; nothing was sent", RefusalCode.InvalidInput);
            }

            _key = key;
        }

        return _key;
    }
}
