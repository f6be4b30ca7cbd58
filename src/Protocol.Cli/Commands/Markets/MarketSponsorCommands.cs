using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Client.Markets;
using Protocol.Client;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Client.Fetching;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

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
            if (settings.OnChain && settings.PublishTo is not null)
            {
                throw new RefusalException("--on-chain puts the gold set in the reveal itself: give it without --publish-to", RefusalCode.InvalidInput);
            }

            var path = settings.Secrets ?? throw new RefusalException("--secrets is required: the file fmp market create wrote (market.secrets.json)", RefusalCode.InvalidInput);
            var secrets = await SecretsFile.ReadAsync<SponsorSecrets>(path, "sponsor secrets file", cancellationToken).ConfigureAwait(false)
                ?? throw new RefusalException($"--secrets {path}: no such file{GivenPath.Tried(path)}", RefusalCode.InvalidInput);
            var id = secrets.MarketId is { } text ? BigInteger.Parse(text, CultureInfo.InvariantCulture)
                : throw new RefusalException($"{path} has no market id: its create never completed (run fmp market create again with it)", RefusalCode.InvalidInput);
            if (settings.Id is { } asked && asked != id)
            {
                throw new RefusalException($"{path} holds the salt of market {id}, not of --market-id {asked}", RefusalCode.InvalidInput);
            }

            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken, id).ConfigureAwait(false);
            if (!string.Equals(secrets.Market, m.Market, StringComparison.OrdinalIgnoreCase) || secrets.ChainId != m.ChainId.ToString(CultureInfo.InvariantCulture))
            {
                throw new RefusalException($"{path} belongs to {secrets.Market} on chain {secrets.ChainId}, not {m.Market} on chain {m.ChainId}", RefusalCode.InvalidInput);
            }

            if (m.State.GoldRevealed)
            {
                throw new RefusalException($"the gold set of market {id} is already revealed ({new Bytes32(m.State.GoldHash)})");
            }

            if (!string.Equals(m.Config.Sponsor, m.Address, StringComparison.OrdinalIgnoreCase))
            {
                throw new RefusalException($"only the sponsor {m.Config.Sponsor} may reveal the gold set; --keystore holds {m.Address}");
            }

            m.RequirePhase("reveal-gold", MarketPhase.Evaluation);
            if (settings.PublishTo is { } folder)
            {
                foreach (var file in new[] { secrets.GoldFile, secrets.GoldFeaturesFile }.OfType<string>())
                {
                    var target = Path.Combine(folder, Path.GetFileName(file));
                    File.Copy(file, target, overwrite: true);
                    await Console.Out.WriteLineAsync($"copied {file} to {target}").ConfigureAwait(false);
                }
            }

            var uri = settings.OnChain ? await OnChainUriAsync(secrets, cancellationToken).ConfigureAwait(false) : secrets.GoldUri;
            await CheckPublishedAsync(secrets, uri, cancellationToken).ConfigureAwait(false);
            await m.RequireGasMoneyAsync().ConfigureAwait(false);
            await m.SendAsync("revealGold", m.Market, new RevealGoldFunction
            {
                MarketId = id, GoldHash = Bytes32.Parse(secrets.GoldHash).ToArray(), Salt = Bytes32.Parse(secrets.Salt).ToArray(), Uri = uri,
            }, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(settings.OnChain
                ? $"gold set of market {id} revealed on chain ({uri.Length} characters in the reveal); oracles evaluate until {m.At(m.State.EvaluationDeadline)}"
                : $"gold set of market {id} revealed at {secrets.GoldUri}; oracles evaluate until {m.At(m.State.EvaluationDeadline)}. Keep it published until the market settles").ConfigureAwait(false);
            return 0;
        });

    // The gold file (and its features file) as data: URIs, one space apart like any bundle URI (base64 has no spaces).
    private static async Task<string> OnChainUriAsync(SponsorSecrets secrets, CancellationToken cancellationToken)
    {
        var gold = DataUri.Encode(await File.ReadAllBytesAsync(secrets.GoldFile, cancellationToken).ConfigureAwait(false));
        return secrets.GoldFeaturesFile is { } features
            ? FeatureBinding.BundleUri(gold, DataUri.Encode(await File.ReadAllBytesAsync(features, cancellationToken).ConfigureAwait(false), "application/octet-stream"))
            : gold;
    }

    private static Task<byte[]> CheckPublishedAsync(SponsorSecrets secrets, string uri, CancellationToken cancellationToken)
    {
        var files = string.Join(" and ", new[] { secrets.GoldFile, secrets.GoldFeaturesFile }.OfType<string>());
        return CommittedFiles.ItemsAsync(uri, Bytes32.Parse(secrets.GoldHash), secrets.GoldFeaturesFile is not null, "gold set",
            $"publish {files} there unchanged first (or use --publish-to the served folder, or --on-chain); nothing was sent", cancellationToken);
    }
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
            if (finalize ? m.Phase != MarketPhase.Finalized : !m.Phase.IsFailed())
            {
                throw new RefusalException(finalize
                    ? $"market {m.Id} is in phase {m.PhaseName}: it can be finalized once an accepted report's challenge window has passed{(m.State.AcceptedAt > 0 ? $" ({m.At(MarketPhases.ChallengeEnds(m.Config, m.State))})" : "")}"
                    : $"market {m.Id} is in phase {m.PhaseName}: it can be cancelled only when it failed (no gold by {m.At(m.Config.GoldDeadline)}, no report by {m.At(m.State.EvaluationDeadline)}, a verdict, or an expired dispute)");
            }

            await m.RequireGasMoneyAsync().ConfigureAwait(false);
            if (m.Phase.IsRecorded((MarketStatus)m.State.Status))
            {
                await Console.Out.WriteLineAsync($"market {m.Id} is already recorded as {m.PhaseName}").ConfigureAwait(false);
            }
            else
            {
                try
                {
                    await (finalize ? m.SendAsync("finalize", m.Market, new FinalizeFunction { MarketId = m.Id }, cancellationToken)
                        : m.Phase == MarketPhase.Forfeited ? m.SendAsync("forfeit", m.Market, new ForfeitFunction { MarketId = m.Id }, cancellationToken)
                        : m.SendAsync("cancel", m.Market, new CancelFunction { MarketId = m.Id }, cancellationToken)).ConfigureAwait(false);
                }
                catch (Nethereum.Contracts.SmartContractCustomErrorRevertException e) when (e.IsCustomErrorFor<AlreadySettledError>())
                {
                    // Anyone may record a settlement, and an oracle node records the ones its bond is locked behind as
                    // soon as they are due: it came between our read and our send (found by the demo on a loaded
                    // machine). The settlement this command exists for is done either way.
                    await Console.Out.WriteLineAsync($"market {m.Id} was recorded as {m.PhaseName} by someone else just now").ConfigureAwait(false);
                }
            }

            if (await m.WithdrawCreditAsync(cancellationToken).ConfigureAwait(false) is { IsZero: false } credit)
            {
                await Console.Out.WriteLineAsync($"paid {m.Token.Format(credit)} of credit to {m.Address}").ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync(finalize
                ? $"market {m.Id} finalized: curators claim with fmp curator claim --reports <an oracle's URL> (the pool's remainder is burned: the sponsor has no leaf)"
                : $"market {m.Id} {m.PhaseName}: curators take their stakes back with fmp curator claim").ConfigureAwait(false);
            return 0;
        });
}
