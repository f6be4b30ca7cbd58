using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Client;
using Protocol.Client.Fetching;
using Protocol.Client.Markets;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Markets;

/// <summary>
/// <c>fmp market reveal-gold --secrets FILE</c>: opens the gold commitment once the reveal deadline has passed. It
/// first fetches the gold set (and its features) from the URI it will reveal and checks the bytes, because a gold set
/// the oracles cannot fetch makes them sign a verdict that burns the pool.
/// </summary>
public sealed class MarketRevealGoldCommand : AsyncCommand<MarketRevealGoldCommand.Settings>
{
    public sealed class Settings : MarketKeySettings
    {
        [CommandOption("--secrets <FILE>")]
        [Description("The secrets file fmp market create wrote (required).")]
        public string? Secrets { get; init; }

        [CommandOption("--publish-to <FOLDER>")]
        [Description("Copy the gold file(s) into this folder first (the folder fmp serve publishes).")]
        public string? PublishTo { get; init; }

        [CommandOption("--on-chain")]
        [Description("Put the gold file(s) in the reveal itself (data: URIs in the GoldRevealed event) instead of the URI the market file named: no oracle can fail to fetch them. About 16 gas a byte more; features files make it megabytes.")]
        public bool OnChain { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var path = settings.Secrets ?? throw new RefusalException("--secrets is required: the file fmp market create wrote (market.secrets.json)", RefusalCode.InvalidInput);
            var (secrets, id) = await SponsorActions.ReadSecretsAsync(path, settings.Id, cancellationToken).ConfigureAwait(false);
            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken, id).ConfigureAwait(false);
            var result = await SponsorActions.RevealGoldAsync(m, secrets, path, new GoldRevealRequest(settings.OnChain, settings.PublishTo), cancellationToken).ConfigureAwait(false);
            foreach (var (file, target) in new[] { secrets.GoldFile, secrets.GoldFeaturesFile }.OfType<string>().Zip(result.CopiedTo))
            {
                await Console.Out.WriteLineAsync($"copied {file} to {target}").ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync(settings.OnChain
                ? $"gold set of market {id} revealed on chain ({result.Uri.Length} characters in the reveal); oracles evaluate until {m.At(m.State.EvaluationDeadline)}"
                : $"gold set of market {id} revealed at {secrets.GoldUri}; oracles evaluate until {m.At(m.State.EvaluationDeadline)}. Keep it published until the market settles").ConfigureAwait(false);
            return 0;
        });
}

/// <summary>
/// <c>fmp market finalize</c> and <c>fmp market cancel</c>: record a settlement that is due (anyone may), then withdraw
/// whatever the market credits the key (the sponsor's pool refund, an oracle's fee, a challenger's bond).
/// </summary>
public sealed class MarketSettleCommand : AsyncCommand<MarketKeySettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, MarketKeySettings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var finalize = context.Name == "finalize";
            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
            var settled = await SponsorActions.SettleAsync(m, finalize, cancellationToken).ConfigureAwait(false);
            if (settled.AlreadyRecorded || settled.RecordedByOther)
            {
                await Console.Out.WriteLineAsync(settled.RecordedByOther
                    ? $"market {m.Id} was recorded as {m.PhaseName} by someone else just now"
                    : $"market {m.Id} is already recorded as {m.PhaseName}").ConfigureAwait(false);
            }

            if (!settled.Credit.IsZero)
            {
                await Console.Out.WriteLineAsync($"paid {m.Token.Format(settled.Credit)} of credit to {m.Address}").ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync(finalize
                ? $"market {m.Id} finalized: curators claim with fmp curator claim --reports <an oracle's URL> (the pool's remainder is burned: the sponsor has no leaf)"
                : $"market {m.Id} {m.PhaseName}: curators take their stakes back with fmp curator claim").ConfigureAwait(false);
            return 0;
        });
}
