using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Protocol.Client;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Client.Markets;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Protocol.Evaluation;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Markets;

/// <summary>
/// <c>fmp market create --config market.json</c>: the sponsor's market from one file. Every file is parsed and hashed,
/// the gold commitment made with a fresh salt kept in a secrets file (mode 600, written before anything is sent),
/// every rule of <c>createMarket</c> checked, the pool approved, the market created; then where each file must be
/// published, and when.
/// </summary>
public sealed class MarketCreateCommand : AsyncCommand<MarketCreateCommand.Settings>
{
    public sealed class Settings : MarketKeySettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("The market file (required): token, pool, spec, files, deadlines, stakes; docs/sponsors.md shows one.")]
        public string? Config { get; init; }

        [CommandOption("--secrets <FILE>")]
        [Description("Where the gold salt is kept (mode 600; default: the market file's name with .secrets.json). reveal-gold needs it.")]
        public string? Secrets { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var plan = await MarketPlan.ReadAsync(settings.Config ?? throw new RefusalException("--config is required: the market file (docs/sponsors.md shows one)", RefusalCode.InvalidInput), cancellationToken).ConfigureAwait(false);
            var secretsPath = Path.GetFullPath(settings.Secrets ?? Path.ChangeExtension(plan.ConfigFile, null) + ".secrets.json");
            var m = await MarketCommandSession.OpenAsync(settings, market: false, cancellationToken).ConfigureAwait(false);
            var created = await SponsorActions.CreateAsync(m, plan, secretsPath, cancellationToken).ConfigureAwait(false);
            if (created.AlreadyCreated)
            {
                await Console.Out.WriteLineAsync($"market {created.MarketId} was already created from this file (by an earlier run; {secretsPath}); nothing was sent").ConfigureAwait(false);
                return 0;
            }

            await PrintAsync(plan, created.Params, created.Token, created.MarketId, secretsPath, created.ChainNow, cancellationToken).ConfigureAwait(false);
            return 0;
        });

    private static async Task PrintAsync(MarketPlan plan, MarketParams p, TokenInfo token, BigInteger id, string secretsPath, ulong now, CancellationToken cancellationToken)
    {
        var lines = new List<string>
        {
            $"market {id} created: pool {token.Format(p.RewardPool)}, spec {plan.Spec.Name}, stakes {token.Format(p.MinStake)} to {token.Format(p.StakeCap)}",
            $"  commits until     {ChainTime.Describe(p.CommitDeadline, now)}",
            $"  reveals until     {ChainTime.Describe(p.RevealDeadline, now)}",
            $"  gold reveal until {ChainTime.Describe(p.GoldDeadline, now)} (fmp market reveal-gold --secrets {secretsPath})",
            $"  evaluation until  {ChainTime.Describe(p.EvaluationDeadline, now)}",
            $"the gold salt is in {secretsPath} (mode 600): without it the gold set cannot be revealed and the market forfeits",
            "publish now, byte for byte (curators fetch the task pool; oracles fetch the spec):",
        };
        var now1 = new List<PlannedFile> { plan.Tasks };
        if (plan.TaskFeatures is { } tf)
        {
            now1.Add(tf);
        }

        foreach (var f in now1)
        {
            var problem = await CommittedFiles.ProblemAsync(f.Uri, f.Hash, f.Kind + " file", cancellationToken).ConfigureAwait(false);
            lines.Add($"  {f.Path} -> {f.Uri}{(problem is null ? " (served: ok)" : " (not served yet)")}");
        }

        lines.Add($"  {plan.SpecFile} -> {plan.SpecUri}");
        lines.Add($"keep secret until the gold reveal (after {ChainTime.Local(p.RevealDeadline)}, before {ChainTime.Local(p.GoldDeadline)}):");
        lines.Add($"  {plan.Gold.Path} -> {plan.Gold.Uri}");
        if (plan.GoldFeatures is { } gf)
        {
            lines.Add($"  {gf.Path} -> {gf.Uri}");
        }

        if (plan.Sizing is { } sizing)
        {
            lines.Add("sizing: " + sizing);
        }

        if (plan.SpecWarning is { } warning)
        {
            lines.Add("warning: " + warning);
        }

        lines.Add($"next: export FMP_MARKET_ID={id}; fmp market status");
        foreach (var line in lines)
        {
            await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        }
    }
}
