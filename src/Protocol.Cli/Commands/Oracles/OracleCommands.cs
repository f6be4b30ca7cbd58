using System.ComponentModel;
using System.Globalization;
using Protocol.Client.Chain;
using Protocol.Core.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Oracles;

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

            var s = await OracleConfigFile.OpenAsync(settings.ConfigFile, cancellationToken).ConfigureAwait(false);
            var amount = s.Token.Parse(settings.Bond, "--bond");
            OracleConfigFile.PrintHeader(s);
            var after = (await s.RegisterAsync(amount, settings.TopUp, cancellationToken).ConfigureAwait(false)).After;
            var maturing = after.ChainNow < after.Entry.MaturesAt ? $" ({s.Token.Format(after.Entry.Maturing)} of it counts from {ChainTime.Describe(after.Entry.MaturesAt, after.ChainNow)}: a top-up waits out the activation delay like a first bond)" : "";
            await Console.Out.WriteLineAsync($"{s.Address} is {after.StateName} with a bond of {s.Token.Format(after.Entry.Bond)}{maturing}").ConfigureAwait(false);
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
            var s = await OracleConfigFile.OpenAsync(settings.ConfigFile, cancellationToken).ConfigureAwait(false);
            OracleConfigFile.PrintHeader(s);
            var after = (await s.ExitAsync(cancellationToken).ConfigureAwait(false)).After;
            await Console.Out.WriteLineAsync($"{s.Address} is exiting: its signatures no longer count; the bond of {s.Token.Format(after.Entry.Bond)} can be withdrawn at {ChainTime.Describe(after.Entry.WithdrawableAt, after.ChainNow)} with `fmp oracle withdraw`").ConfigureAwait(false);
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
            var s = await OracleConfigFile.OpenAsync(settings.ConfigFile, cancellationToken).ConfigureAwait(false);
            OracleConfigFile.PrintHeader(s);
            var result = await s.WithdrawAsync(cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"withdrew {s.Token.Format(result.Before.Entry.Bond)}; {s.Address} now holds {s.Token.Format(result.After.TokenBalance)}").ConfigureAwait(false);
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
            var s = await OracleConfigFile.OpenAsync(settings.ConfigFile, cancellationToken).ConfigureAwait(false);
            var v = await s.ReadAsync().ConfigureAwait(false);
            var ci = CultureInfo.InvariantCulture;
            var unbonding = v.Status == OracleStatus.Exiting
                ? "withdrawable at " + ChainTime.Describe(v.Entry.WithdrawableAt, v.ChainNow)
                : $"none (the delay after exit is {ChainTime.Span(s.UnbondingDelay)})";
            (string, string)[] rows =
            [
                ("oracle", s.Address),
                ("state", v.StateName),
                ("bond", v.Maturing.IsZero ? s.Token.Format(v.Entry.Bond) : $"{s.Token.Format(v.Entry.Bond)}, of which {s.Token.Format(v.Maturing)} counts from {ChainTime.Describe(v.Entry.MaturesAt, v.ChainNow)}"),
                ("locked", $"{s.Token.Format(v.Entry.Locked)} behind {v.Entry.Locks.ToString(ci)} accepted report(s) (free: {s.Token.Format(v.Free)})"),
                ("unbonding", unbonding),
                ("min bond", s.Token.Format(s.MinBond)),
                ("token balance", s.Token.Format(v.TokenBalance)),
                ("ETH balance", $"{TokenAmount.Format(v.EthBalance, 18)} ETH ({v.EthBalance.ToString(ci)} wei)"),
                ("registry", s.Registry),
                ("bond token", $"{s.Token.Symbol ?? "?"} {s.Token.Address}"),
                ("chain", $"{s.Chain.ChainId.ToString(ci)}, block time {ChainTime.Local(v.ChainNow)}"),
            ];
            foreach (var (name, value) in rows)
            {
                await Console.Out.WriteLineAsync($"{name,-14}{value}").ConfigureAwait(false);
            }

            return 0;
        });
}
