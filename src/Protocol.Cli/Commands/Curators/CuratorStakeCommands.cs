using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Client;
using Protocol.Client.Markets;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands.Curators;

/// <summary>Options of commit and reveal: the label file and where its salt is kept.</summary>
public class CuratorLabelSettings : MarketKeySettings
{
    [CommandOption("-l|--labels <FILE>")]
    [Description("The label file (required): JSON Lines {\"id\":…,\"pref\":\"a\"|\"b\"}, one line per labelled item.")]
    public string? Labels { get; init; }

    [CommandOption("--secrets <FILE>")]
    [Description("Where the salt is kept between commit and reveal (mode 600; default: the label file's name with .commit.json).")]
    public string? Secrets { get; init; }

    internal string LabelsFile => Labels is { Length: > 0 } l ? Path.GetFullPath(l) : throw new RefusalException("--labels is required: the label file", RefusalCode.InvalidInput);

    internal string SecretsPath => Path.GetFullPath(Secrets ?? Path.ChangeExtension(LabelsFile, null) + ".commit.json");
}

/// <summary>
/// <c>fmp curator commit --labels FILE --stake N</c>: checks the label file against the published task pool (and the
/// key's assigned items), keeps a fresh salt in a secrets file, approves the stake and commits.
/// </summary>
public sealed class CuratorCommitCommand : AsyncCommand<CuratorCommitCommand.Settings>
{
    public sealed class Settings : CuratorLabelSettings
    {
        [CommandOption("-s|--stake <AMOUNT>")]
        [Description("The stake (required): tokens (100, 12.5) or base units with a wei suffix.")]
        public string? Stake { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var labelsFile = settings.LabelsFile;
            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
            var done = await CuratorActions.CommitAsync(m, new CommitRequest(labelsFile, settings.SecretsPath, settings.Stake ?? "", "--stake", settings.StartBlock), cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"committed {done.LabelsFile} (keccak256 {done.LabelsHash}) to market {m.Id} with stake {m.Token.Format(done.Stake)}; the salt is in {done.SecretsPath} (mode 600), a read-only copy of the committed bytes in {done.CommittedCopy}").ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"next: keep the file unchanged and private until {m.At(m.Config.CommitDeadline)}, then publish it and run fmp curator reveal --labels {labelsFile} --uri <its URI> before {m.At(m.Config.RevealDeadline)}").ConfigureAwait(false);
            return 0;
        });
}

/// <summary>
/// <c>fmp curator reveal --labels FILE --uri URI</c>: checks that the file is the committed one and that the URI serves
/// it byte for byte (an oracle that cannot fetch it scores it as invalid), then reveals.
/// </summary>
public sealed class CuratorRevealCommand : AsyncCommand<CuratorRevealCommand.Settings>
{
    public sealed class Settings : CuratorLabelSettings
    {
        [CommandOption("-u|--uri <URI>")]
        [Description("Where the label file is published (required unless --on-chain): http(s)://, ipfs:// or, on a local chain, file://.")]
        public string? Uri { get; init; }

        [CommandOption("--on-chain")]
        [Description("Put the label file itself in the reveal (a data: URI in the Revealed event): no oracle can fail to fetch it and no dispute can turn on its availability; costs about 16 gas a byte more.")]
        public bool OnChain { get; init; }

        [CommandOption("--publish-to <FOLDER>")]
        [Description("Copy the label file into this folder first (the folder fmp serve publishes).")]
        public string? PublishTo { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CommandGuard.RunAsync(async () =>
        {
            var request = new RevealRequest(settings.LabelsFile, settings.SecretsPath, settings.Uri, settings.OnChain, settings.PublishTo);
            var uri = await CuratorActions.RevealUriAsync(request, cancellationToken).ConfigureAwait(false);
            var secrets = await CuratorActions.ReadSecretsAsync(request.SecretsPath, cancellationToken).ConfigureAwait(false);
            var m = await MarketCommandSession.OpenAsync(settings, market: true, cancellationToken, BigInteger.Parse(secrets.MarketId, CultureInfo.InvariantCulture)).ConfigureAwait(false);
            var done = await CuratorActions.RevealAsync(m, secrets, request, uri, cancellationToken).ConfigureAwait(false);
            if (done.CopiedTo is { } copy)
            {
                await Console.Out.WriteLineAsync($"copied {done.LabelsFile} to {copy}").ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync(done.OnChain
                ? $"revealed {done.LabelsFile} on chain ({done.Uri.Length} characters in the reveal) in market {m.Id}. Then: fmp curator claim"
                : $"revealed {done.LabelsFile} at {done.Uri} in market {m.Id}; keep it published until the market settles. Then: fmp curator claim").ConfigureAwait(false);
            return 0;
        });
}
