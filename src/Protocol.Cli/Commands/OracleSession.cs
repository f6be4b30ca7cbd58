using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Protocol.Client.Chain;
using Protocol.Client;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Protocol.Node;
using Protocol.Client.Signing;
using MarketRegistryFunction = Protocol.Core.Contracts.FeedbackMarketBindings.RegistryFunction;

namespace Protocol.Cli.Commands;

/// <summary>What the commands read once per run: the node's options, the chain, the registry and its bond token, the key's address.</summary>
internal sealed class OracleSession
{
    private readonly NodeOptions _options;
    private readonly string _keystore;
    private readonly string _passwordFile;
    private readonly IWeb3 _reader;
    private EthECKey? _key;

    private OracleSession(NodeOptions options, string keystore, string passwordFile, IWeb3 reader)
    {
        _options = options;
        _keystore = keystore;
        _passwordFile = passwordFile;
        _reader = reader;
    }

    public string Address { get; private set; } = "";

    public BigInteger ChainId { get; private set; }

    public string Registry { get; private set; } = "";

    public string Token { get; private set; } = "";

    public string? Symbol { get; private set; }

    /// <summary>The bond token's <c>decimals()</c>; null when it has none (amounts must then be given in wei).</summary>
    public int? Decimals { get; private set; }

    public BigInteger MinBond { get; private set; }

    public ulong UnbondingDelay { get; private set; }

    public static async Task<OracleSession> OpenAsync(string configFile, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(configFile);
        if (!File.Exists(path))
        {
            throw new RefusalException($"--config {configFile}: no such file (the node's options file, see docs/operators.md){GivenPath.Tried(configFile)}", RefusalCode.InvalidInput);
        }

        // Paths written in the file are read from the file's folder; paths from FMP_Node__* variables from the current one.
        var fromFile = new ConfigurationBuilder().AddJsonFile(path).Build().GetSection("Node");
        var merged = new ConfigurationBuilder().AddJsonFile(path).AddEnvironmentVariables("FMP_").Build().GetSection("Node");
        var options = merged.Get<NodeOptions>() ?? new NodeOptions();
        string Require(string key) => merged[key] is { Length: > 0 } value ? value : throw new RefusalException($"{configFile}: Node:{key} is missing", RefusalCode.InvalidInput);
        string PathOf(string key)
        {
            var value = Require(key);
            return Path.IsPathRooted(value) || value != fromFile[key] ? Path.GetFullPath(value) : Path.GetFullPath(value, Path.GetDirectoryName(path)!);
        }

        Require(nameof(NodeOptions.RpcUrl));
        Require(nameof(NodeOptions.MarketAddress));
        var keystore = PathOf(nameof(NodeOptions.Keystore));
        var passwordFile = PathOf(nameof(NodeOptions.PasswordFile));
        if (!Uri.TryCreate(options.RpcUrl, UriKind.Absolute, out var rpc) || rpc.Scheme is not ("http" or "https"))
        {
            throw new RefusalException($"{configFile}: Node:RpcUrl \"{options.RpcUrl}\" is not an http(s) URL such as http://127.0.0.1:8545", RefusalCode.InvalidInput);
        }

        foreach (var (key, file) in new[] { ("Keystore", keystore), ("PasswordFile", passwordFile) })
        {
            if (!File.Exists(file))
            {
                throw new RefusalException($"{configFile}: Node:{key} {file} does not exist{(key == "Keystore" ? " (create a key with fmp keys new)" : "")}", RefusalCode.InvalidInput);
            }
        }

        var session = new OracleSession(options, keystore, passwordFile, new Web3(options.RpcUrl));
        await session.ConnectAsync(configFile, cancellationToken).ConfigureAwait(false);
        return session;
    }

    private async Task ConnectAsync(string configFile, CancellationToken cancellationToken)
    {
        try
        {
            ChainId = (await _reader.Eth.ChainId.SendRequestAsync().ConfigureAwait(false)).Value;
        }
        catch (RpcClientUnknownException e)
        {
            throw new RefusalException($"cannot reach Node:RpcUrl {_options.RpcUrl}: {e.InnerException?.Message ?? e.Message}");
        }

        var market = _options.MarketAddress;
        if (await _reader.Eth.GetCode.SendRequestAsync(market).ConfigureAwait(false) is null or "0x" or "")
        {
            throw new RefusalException($"{configFile}: no contract at Node:MarketAddress {market} on chain {ChainId} ({_options.RpcUrl}): check the address (deployments/<chainId>.json)", RefusalCode.InvalidInput);
        }

        Registry = await _reader.CallAsync<MarketRegistryFunction, string>(market, new MarketRegistryFunction()).ConfigureAwait(false);
        Token = await _reader.CallAsync<BondTokenFunction, string>(Registry, new BondTokenFunction()).ConfigureAwait(false);
        MinBond = await _reader.CallAsync<MinBondFunction, BigInteger>(Registry, new MinBondFunction()).ConfigureAwait(false);
        UnbondingDelay = await _reader.CallAsync<UnbondingDelayFunction, ulong>(Registry, new UnbondingDelayFunction()).ConfigureAwait(false);
        Decimals = await OptionalAsync(() => _reader.CallAsync<DecimalsFunction, int>(Token, new DecimalsFunction())).ConfigureAwait(false);
        Symbol = await OptionalAsync(() => _reader.CallAsync<SymbolFunction, string>(Token, new SymbolFunction())).ConfigureAwait(false);

        // Refusals need only the address; the key is unlocked (scrypt, about a second) just before sending.
        var address = await Keystore.TryReadAddressAsync(_keystore, cancellationToken).ConfigureAwait(false);
        Address = address ?? (await UnlockAsync(cancellationToken).ConfigureAwait(false)).GetPublicAddress();
    }

    // decimals() and symbol() are optional in ERC-20.
    internal static async Task<T?> OptionalAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SmartContractCustomErrorRevertException or SmartContractRevertException or RpcResponseException)
        {
            return default;
        }
    }

    public async Task<OracleView> ReadAsync()
    {
        var entry = (await _reader.QueryAsync<OracleFunction, OracleOutput>(Registry, new OracleFunction { Account = Address }).ConfigureAwait(false)).ReturnValue1;
        var tokens = await _reader.CallAsync<BalanceOfFunction, BigInteger>(Token, new BalanceOfFunction { Account = Address }).ConfigureAwait(false);
        var allowance = await _reader.CallAsync<AllowanceFunction, BigInteger>(Token, new AllowanceFunction { Owner = Address, Spender = Registry }).ConfigureAwait(false);
        var eth = (await _reader.Eth.GetBalance.SendRequestAsync(Address).ConfigureAwait(false)).Value;
        var head = await _reader.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).ConfigureAwait(false);
        return new OracleView(entry, tokens, allowance, eth, (ulong)head.Timestamp.Value);
    }

    public void PrintHeader() =>
        Console.Out.WriteLine($"oracle {Address} on chain {ChainId.ToString(CultureInfo.InvariantCulture)}, registry {Registry}, bond token {Symbol ?? "?"} {Token}");

    /// <summary>An amount of the bond token, in tokens and in wei.</summary>
    public string Tokens(BigInteger wei) =>
        Decimals is { } d
            ? $"{TokenAmount.Format(wei, d)} {Symbol ?? "tokens"} ({wei.ToString(CultureInfo.InvariantCulture)} wei)"
            : $"{wei.ToString(CultureInfo.InvariantCulture)} wei";

    /// <summary>An amount as it would be typed after <c>--bond</c>.</summary>
    public string AsOption(BigInteger wei) =>
        Decimals is { } d ? TokenAmount.Format(wei, d) : wei.ToString(CultureInfo.InvariantCulture) + "wei";

    public void RequireGasMoney(OracleView view)
    {
        if (view.EthBalance.IsZero)
        {
            throw new RefusalException($"{Address} has no ETH to pay for gas on chain {ChainId}: send it some first");
        }
    }

    /// <summary>Sends one transaction (gas estimated first: a revert is reported before anything is sent) and prints its hash and gas.</summary>
    public async Task SendAsync<T>(string name, string contract, T message, CancellationToken cancellationToken)
        where T : FunctionMessage, new()
    {
        var key = await UnlockAsync(cancellationToken).ConfigureAwait(false);
        var sender = new TransactionSender(new Web3(new Account(key, ChainId), _options.RpcUrl), Address);
        var receipt = await sender.SendAsync(contract, message, cancellationToken).ConfigureAwait(false);
        var gas = receipt.GasUsed.Value;
        var cost = gas * (receipt.EffectiveGasPrice?.Value ?? 0);
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{name}: tx {receipt.TransactionHash}, gas used {gas} ({TokenAmount.Format(cost, 18)} ETH)")).ConfigureAwait(false);
    }

    private async Task<EthECKey> UnlockAsync(CancellationToken cancellationToken)
    {
        if (_key is null)
        {
            var key = await Keystore.UnlockAsync(_keystore, _passwordFile, cancellationToken).ConfigureAwait(false);
            if (Address.Length > 0 && !string.Equals(key.GetPublicAddress(), Address, StringComparison.OrdinalIgnoreCase))
            {
                throw new RefusalException($"{_keystore} claims address {Address} but holds the key of {key.GetPublicAddress()}: the file was edited; nothing was sent", RefusalCode.InvalidInput);
            }

            _key = key;
        }

        return _key;
    }
}

/// <summary>The key's registry entry and balances, and the chain's clock (the latest block's time).</summary>
internal sealed record OracleView(Oracle Entry, BigInteger TokenBalance, BigInteger Allowance, BigInteger EthBalance, ulong ChainNow);
