using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Client.Chain;
using Protocol.Client;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.Core.Contracts.TestTokenBindings;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

/// <summary>Options of every <c>fmp oracle</c> command: the node's options file, as <c>fmp node status</c> reads it.</summary>
public class OracleSettings : CommandSettings
{
    /// <summary>The node's options file (section <c>Node</c>: RpcUrl, MarketAddress, Keystore, PasswordFile).</summary>
    [CommandOption("-c|--config <FILE>")]
    [Description("The node's options file (RpcUrl, MarketAddress, Keystore, PasswordFile; relative paths are read from the file's folder). FMP_Node__* environment variables override it.")]
    public string ConfigFile { get; init; } = "";

    /// <inheritdoc/>
    public override ValidationResult Validate() =>
        string.IsNullOrEmpty(ConfigFile) ? ValidationResult.Error("--config is required (the node's options file, e.g. --config node.json)") : ValidationResult.Success();
}

/// <summary>Options of <c>fmp oracle register</c>.</summary>
public sealed class OracleRegisterSettings : OracleSettings
{
    /// <summary>The bond: whole tokens (<c>1000</c>, <c>12.5</c>) or base units with a <c>wei</c> suffix.</summary>
    [CommandOption("--bond <AMOUNT>")]
    [Description("The bond in whole tokens of the registry's bond token (1000, 12.5; its decimals() apply), or in base units with a wei suffix (1000000000000000000000wei).")]
    public string Bond { get; init; } = "";

    /// <summary>Add to the bond of a key that is already an active oracle.</summary>
    [CommandOption("--top-up")]
    [Description("Add --bond to the bond of a key that is already an active oracle (without it, a second register is refused).")]
    public bool TopUp { get; init; }
}

/// <summary><c>fmp oracle register --bond N</c>: approve the registry for the bond, then register (or top up).</summary>
public sealed class OracleRegisterCommand : AsyncCommand<OracleRegisterSettings>
{
    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, OracleRegisterSettings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            if (string.IsNullOrWhiteSpace(settings.Bond))
            {
                _ = TokenAmount.Parse(settings.Bond, null, "--bond"); // says it is required, before any RPC
            }

            var s = await OracleSession.OpenAsync(settings.ConfigFile, cancellationToken).ConfigureAwait(false);
            var amount = TokenAmount.Parse(settings.Bond, s.Decimals, "--bond");
            var v = await s.ReadAsync().ConfigureAwait(false);
            s.PrintHeader();
            if (amount <= 0)
            {
                throw new RefusalException("--bond must be more than 0");
            }

            switch ((OracleStatus)v.Entry.Status)
            {
                case OracleStatus.None when amount < s.MinBond:
                    throw new RefusalException($"a bond of {s.Tokens(amount)} is below the registry's minimum bond of {s.Tokens(s.MinBond)}: give at least --bond {s.AsOption(s.MinBond)}");
                case OracleStatus.Active when !settings.TopUp:
                    throw new RefusalException($"{s.Address} is already a registered oracle, active with a bond of {s.Tokens(v.Entry.Bond)}; nothing was sent. To add to the bond, run again with --top-up");
                case OracleStatus.Exiting:
                    throw new RefusalException($"{s.Address} has requested exit (withdrawable at {ChainTime.Describe(v.Entry.WithdrawableAt, v.ChainNow)}): an exiting key cannot register; run `fmp oracle withdraw` after that, then register again");
                case OracleStatus.Slashed:
                    throw new RefusalException($"{s.Address} was slashed and can never register again: create a new key (fmp keys new)");
            }

            if (v.TokenBalance < amount)
            {
                throw new RefusalException($"{s.Address} holds {s.Tokens(v.TokenBalance)} of the bond token {s.Token}, less than the bond of {s.Tokens(amount)}: send it at least {s.Tokens(amount - v.TokenBalance)} more");
            }

            s.RequireGasMoney(v);
            if (v.Allowance < amount)
            {
                await s.SendAsync("approve", s.Token, new ApproveFunction { Spender = s.Registry, Value = amount }, cancellationToken).ConfigureAwait(false);
            }

            await s.SendAsync("register", s.Registry, new RegisterFunction { Amount = amount }, cancellationToken).ConfigureAwait(false);
            var after = await s.ReadAsync().ConfigureAwait(false);
            var maturing = after.ChainNow < after.Entry.MaturesAt ? $" ({s.Tokens(after.Entry.Maturing)} of it counts from {ChainTime.Describe(after.Entry.MaturesAt, after.ChainNow)}: a top-up waits out the activation delay like a first bond)" : "";
            await Console.Out.WriteLineAsync($"{s.Address} is {OracleStatusCommand.StateName(after.Entry, after.ChainNow)} with a bond of {s.Tokens(after.Entry.Bond)}{maturing}").ConfigureAwait(false);
            return 0;
        });
}

/// <summary><c>fmp oracle exit</c>: stop counting as an oracle and start the unbonding delay.</summary>
public sealed class OracleExitCommand : AsyncCommand<OracleSettings>
{
    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, OracleSettings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var s = await OracleSession.OpenAsync(settings.ConfigFile, cancellationToken).ConfigureAwait(false);
            var v = await s.ReadAsync().ConfigureAwait(false);
            s.PrintHeader();
            switch ((OracleStatus)v.Entry.Status)
            {
                case OracleStatus.None:
                    throw new RefusalException($"{s.Address} is not a registered oracle: nothing to exit");
                case OracleStatus.Exiting:
                    throw new RefusalException($"{s.Address} has already requested exit; the bond can be withdrawn at {ChainTime.Describe(v.Entry.WithdrawableAt, v.ChainNow)}");
                case OracleStatus.Slashed:
                    throw new RefusalException($"{s.Address} was slashed: it has no bond to unbond");
            }

            s.RequireGasMoney(v);
            await s.SendAsync("requestExit", s.Registry, new RequestExitFunction(), cancellationToken).ConfigureAwait(false);
            var after = await s.ReadAsync().ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{s.Address} is exiting: its signatures no longer count; the bond of {s.Tokens(after.Entry.Bond)} can be withdrawn at {ChainTime.Describe(after.Entry.WithdrawableAt, after.ChainNow)} with `fmp oracle withdraw`").ConfigureAwait(false);
            return 0;
        });
}

/// <summary><c>fmp oracle withdraw</c>: take the bond back once the unbonding delay is over.</summary>
public sealed class OracleWithdrawCommand : AsyncCommand<OracleSettings>
{
    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, OracleSettings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var s = await OracleSession.OpenAsync(settings.ConfigFile, cancellationToken).ConfigureAwait(false);
            var v = await s.ReadAsync().ConfigureAwait(false);
            s.PrintHeader();
            switch ((OracleStatus)v.Entry.Status)
            {
                case OracleStatus.None:
                    throw new RefusalException($"{s.Address} holds no bond in the registry (never registered, or already withdrawn)");
                case OracleStatus.Active:
                    throw new RefusalException($"{s.Address} is still an active oracle: run `fmp oracle exit` first, then wait the unbonding delay ({ChainTime.Span(s.UnbondingDelay)})");
                case OracleStatus.Slashed when v.Entry.Bond == 0:
                    throw new RefusalException($"{s.Address} was slashed and holds no bond any more");
            }

            if (v.ChainNow < v.Entry.WithdrawableAt)
            {
                throw new RefusalException($"the unbonding delay of {s.Address} is not over: withdraw becomes possible at {ChainTime.Describe(v.Entry.WithdrawableAt, v.ChainNow)}; run `fmp oracle withdraw` again then");
            }

            if (v.Entry.Locks != 0)
            {
                throw new RefusalException($"{s.Tokens(v.Entry.Locked)} of the bond of {s.Address} is locked behind {v.Entry.Locks} accepted report(s) whose markets have not settled: it can be withdrawn once they are finalized, overturned or cancelled");
            }

            s.RequireGasMoney(v);
            await s.SendAsync("withdraw", s.Registry, new WithdrawFunction(), cancellationToken).ConfigureAwait(false);
            var after = await s.ReadAsync().ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"withdrew {s.Tokens(v.Entry.Bond)}; {s.Address} now holds {s.Tokens(after.TokenBalance)}").ConfigureAwait(false);
            return 0;
        });
}

/// <summary><c>fmp oracle status</c>: the key's registry entry, bond and balances.</summary>
public sealed class OracleStatusCommand : AsyncCommand<OracleSettings>
{
    /// <inheritdoc/>
    public override Task<int> ExecuteAsync(CommandContext context, OracleSettings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var s = await OracleSession.OpenAsync(settings.ConfigFile, cancellationToken).ConfigureAwait(false);
            var v = await s.ReadAsync().ConfigureAwait(false);
            var ci = CultureInfo.InvariantCulture;
            var unbonding = (OracleStatus)v.Entry.Status == OracleStatus.Exiting
                ? "withdrawable at " + ChainTime.Describe(v.Entry.WithdrawableAt, v.ChainNow)
                : $"none (the delay after exit is {ChainTime.Span(s.UnbondingDelay)})";
            // A top-up counts as free bond only once it matured (the registry's activation delay), like a first bond.
            var maturing = v.ChainNow < v.Entry.MaturesAt ? v.Entry.Maturing : BigInteger.Zero;
            var free = BigInteger.Max(BigInteger.Zero, v.Entry.Bond - maturing - v.Entry.Locked);
            (string, string)[] rows =
            [
                ("oracle", s.Address),
                ("state", StateName(v.Entry, v.ChainNow)),
                ("bond", maturing.IsZero ? s.Tokens(v.Entry.Bond) : $"{s.Tokens(v.Entry.Bond)}, of which {s.Tokens(maturing)} counts from {ChainTime.Describe(v.Entry.MaturesAt, v.ChainNow)}"),
                ("locked", $"{s.Tokens(v.Entry.Locked)} behind {v.Entry.Locks.ToString(ci)} accepted report(s) (free: {s.Tokens(free)})"),
                ("unbonding", unbonding),
                ("min bond", s.Tokens(s.MinBond)),
                ("token balance", s.Tokens(v.TokenBalance)),
                ("ETH balance", $"{TokenAmount.Format(v.EthBalance, 18)} ETH ({v.EthBalance.ToString(ci)} wei)"),
                ("registry", s.Registry),
                ("bond token", $"{s.Symbol ?? "?"} {s.Token}"),
                ("chain", $"{s.ChainId.ToString(ci)}, block time {ChainTime.Local(v.ChainNow)}"),
            ];
            foreach (var (name, value) in rows)
            {
                await Console.Out.WriteLineAsync($"{name,-14}{value}").ConfigureAwait(false);
            }

            return 0;
        });

    /// <summary>The registry state in words (an oracle within its activation delay says when it starts to count).</summary>
    internal static string StateName(Oracle entry, ulong chainNow) => (OracleStatus)entry.Status switch
    {
        OracleStatus.None => "not registered",
        OracleStatus.Active when chainNow < entry.ActiveAt => $"bonded, its signatures count from {ChainTime.Describe(entry.ActiveAt, chainNow)}",
        OracleStatus.Active => "active",
        OracleStatus.Exiting => "exiting",
        OracleStatus.Slashed => "slashed",
        _ => $"unknown state {entry.Status}",
    };
}
