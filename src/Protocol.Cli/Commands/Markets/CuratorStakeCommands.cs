using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Node.Inputs;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

/// <summary>Options of commit and reveal: the label file and where its salt is kept.</summary>
public class CuratorLabelSettings : MarketKeySettings
{
    [CommandOption("-l|--labels <FILE>")]
    [Description("The label file (required): JSON Lines {\"id\":…,\"pref\":\"a\"|\"b\"}, one line per labelled item.")]
    public string? Labels { get; init; }

    [CommandOption("--secrets <FILE>")]
    [Description("Where the salt is kept between commit and reveal (mode 600; default: the label file's name with .commit.json).")]
    public string? Secrets { get; init; }

    internal string LabelsFile => Labels is { Length: > 0 } l ? Path.GetFullPath(l) : throw new OracleCommandException("--labels is required: the label file", 2);

    internal string SecretsPath => Path.GetFullPath(Secrets ?? Path.ChangeExtension(LabelsFile, null) + ".commit.json");
}

/// <summary>What a curator must keep between commit and reveal: the salt, and what it committed to.
/// <c>CommittedCopy</c> is a read-only copy of the committed bytes, so that a label file edited after the commit can
/// still be revealed (absent in files written before it was kept).</summary>
internal sealed record CuratorSecrets(string ChainId, string Market, string MarketId, string Curator, string LabelsHash, string Salt, string LabelsFile, string? CommittedCopy = null)
{
    /// <summary>Where the committed bytes are kept: beside the salt, named after the label file.</summary>
    public static string CopyPath(string secretsPath, string labelsFile) =>
        Path.Combine(Path.GetDirectoryName(secretsPath)!, Path.GetFileNameWithoutExtension(labelsFile) + ".committed" + Path.GetExtension(labelsFile));

    /// <summary>Writes the copy and leaves it read-only (replacing an earlier copy of an unfinished commit).</summary>
    public static async Task WriteCopyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            File.SetAttributes(path, FileAttributes.Normal);
        }

        await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
        File.SetAttributes(path, FileAttributes.ReadOnly);
    }
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
        OracleGuard.RunAsync(async () =>
        {
            var labelsFile = settings.LabelsFile;
            var m = await MarketSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
            var stake = m.Token.Parse(settings.Stake ?? "", "--stake");
            m.RequirePhase("commit", MarketPhase.Open);
            var mine = await m.SubmissionAsync().ConfigureAwait(false);
            if (!mine.Stake.IsZero)
            {
                throw new OracleCommandException($"{m.Address} already committed to market {m.Id} (stake {m.Token.Format(mine.Stake)}): one commitment per address; reveal it with fmp curator reveal");
            }

            if (stake < m.Config.MinStake || stake > m.Config.StakeCap)
            {
                throw new OracleCommandException($"--stake {m.Token.Format(stake)} is outside the market's bounds: {m.Token.Format(m.Config.MinStake)} to {m.Token.Format(m.Config.StakeCap)}", 2);
            }

            var bytes = await ReadLabelsAsync(labelsFile, m, settings.StartBlock, cancellationToken).ConfigureAwait(false);
            var labelsHash = Keccak.Hash(bytes);
            var secretsPath = settings.SecretsPath;
            var id = m.Id.ToString(CultureInfo.InvariantCulture);
            var chain = m.ChainId.ToString(CultureInfo.InvariantCulture);

            // A secrets file of an earlier, unfinished commit of this very file keeps its salt (the chain says it never landed).
            var earlier = await SecretsFile.ReadAsync<CuratorSecrets>(secretsPath, "curator secrets file", cancellationToken).ConfigureAwait(false);
            var reuse = earlier is not null && earlier.MarketId == id && earlier.ChainId == chain && string.Equals(earlier.Market, m.Market, StringComparison.OrdinalIgnoreCase)
                && string.Equals(earlier.Curator, m.Address, StringComparison.OrdinalIgnoreCase) && earlier.LabelsHash == labelsHash.ToString();
            if (earlier is not null && !reuse)
            {
                throw new OracleCommandException($"{secretsPath} holds the salt of another commitment (market {earlier.MarketId}, {earlier.Curator}); keep it, and give another --secrets", 2);
            }

            await m.RequireKeyAsync(cancellationToken).ConfigureAwait(false);
            var copy = CuratorSecrets.CopyPath(secretsPath, labelsFile);
            var secrets = (reuse ? earlier! : new CuratorSecrets(chain, m.Market, id, m.Address, labelsHash.ToString(), Commitments.NewSalt().ToString(), labelsFile)) with { CommittedCopy = copy };
            await SecretsFile.WriteAsync(secretsPath, secrets, cancellationToken).ConfigureAwait(false);
            await CuratorSecrets.WriteCopyAsync(copy, bytes, cancellationToken).ConfigureAwait(false);
            var commitment = Commitments.Labels(m.Id, m.Address, labelsHash, Bytes32.Parse(secrets.Salt));

            await m.RequireGasMoneyAsync().ConfigureAwait(false);
            await m.ApproveAsync(m.Token, stake, "the stake", cancellationToken).ConfigureAwait(false);
            await m.SendAsync("commit", m.Market, new CommitFunction { MarketId = m.Id, Commitment = commitment.ToArray(), Stake = stake }, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"committed {labelsFile} (keccak256 {labelsHash}) to market {m.Id} with stake {m.Token.Format(stake)}; the salt is in {secretsPath} (mode 600), a read-only copy of the committed bytes in {copy}").ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"next: keep the file unchanged and private until {m.At(m.Config.CommitDeadline)}, then publish it and run fmp curator reveal --labels {labelsFile} --uri <its URI> before {m.At(m.Config.RevealDeadline)}").ConfigureAwait(false);
            return 0;
        });

    // The label file as the oracles will read it: well formed, non-empty, only the pool's (and the key's) items.
    private static async Task<byte[]> ReadLabelsAsync(string path, MarketSession m, long startBlock, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new OracleCommandException($"--labels {path}: no such file", 2);
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        List<Label> labels;
        try
        {
            labels = await ProtocolFiles.ReadLabelsAsync(new MemoryStream(bytes), path, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FileFormatException e)
        {
            throw new OracleCommandException($"--labels: {e.Message}", 2);
        }

        if (labels.Count == 0)
        {
            throw new OracleCommandException($"--labels {path} has no labels", 2);
        }

        var pool = await CuratorTaskPool.LoadAsync(m, startBlock, cancellationToken).ConfigureAwait(false);
        var allowed = pool.For(m.Address, m.Id).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var known = pool.Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            if (!allowed.Contains(labels[i].Id))
            {
                throw new OracleCommandException(known.Contains(labels[i].Id)
                    ? $"--labels {path}, line {i + 1}: item '{labels[i].Id}' is not assigned to {m.Address} (fmp curator tasks lists yours); the whole file would be invalid"
                    : $"--labels {path}, line {i + 1}: '{labels[i].Id}' is not an item of market {m.Id}'s task pool; the whole file would be invalid", 2);
            }
        }

        // bt-inrun-v3 asks each address for a minimum share of its items, so that a copied file is invalid elsewhere.
        var minimum = pool.MinimumLabels;
        if (labels.Count < minimum)
        {
            throw new OracleCommandException($"--labels {path} labels {labels.Count} items; spec {pool.Spec!.Name} asks each address for at least {minimum} of its assigned items (fmp curator tasks lists yours); the whole file would be invalid", 2);
        }

        return bytes;
    }
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
        OracleGuard.RunAsync(async () =>
        {
            var labelsFile = settings.LabelsFile;
            if (settings.OnChain && (settings.Uri is not null || settings.PublishTo is not null))
            {
                throw new OracleCommandException("--on-chain puts the file in the reveal itself: give it without --uri and --publish-to", 2);
            }

            var uri = settings.OnChain
                ? DataUri.Encode(await File.ReadAllBytesAsync(labelsFile, cancellationToken).ConfigureAwait(false))
                : settings.Uri ?? throw new OracleCommandException("--uri is required: where the label file is published (or --on-chain to put the file in the reveal)", 2);
            var secrets = await SecretsFile.ReadAsync<CuratorSecrets>(settings.SecretsPath, "curator secrets file", cancellationToken).ConfigureAwait(false)
                ?? throw new OracleCommandException($"{settings.SecretsPath}: no such file; it is written by fmp curator commit (give --secrets if it is elsewhere)", 2);
            var m = await MarketSession.OpenAsync(settings, market: true, cancellationToken, BigInteger.Parse(secrets.MarketId, CultureInfo.InvariantCulture)).ConfigureAwait(false);
            if (!string.Equals(secrets.Curator, m.Address, StringComparison.OrdinalIgnoreCase) || !string.Equals(secrets.Market, m.Market, StringComparison.OrdinalIgnoreCase))
            {
                throw new OracleCommandException($"{settings.SecretsPath} is the commitment of {secrets.Curator} at {secrets.Market}, not of {m.Address} at {m.Market}", 2);
            }

            m.RequirePhase("reveal", MarketPhase.Reveal);
            var mine = await m.SubmissionAsync().ConfigureAwait(false);
            if (mine.Stake.IsZero)
            {
                throw new OracleCommandException($"{m.Address} has no commitment in market {m.Id}: the commit never landed (fmp market status)");
            }

            if (mine.Revealed)
            {
                throw new OracleCommandException($"{m.Address} already revealed its labels in market {m.Id}");
            }

            var hash = Keccak.Hash(await File.ReadAllBytesAsync(labelsFile, cancellationToken).ConfigureAwait(false));
            if (hash.ToString() != secrets.LabelsHash)
            {
                var kept = secrets.CommittedCopy is { } c && File.Exists(c) && Keccak.Hash(await File.ReadAllBytesAsync(c, cancellationToken).ConfigureAwait(false)).ToString() == secrets.LabelsHash
                    ? $"the committed bytes are kept in {c}: reveal that file (--labels {c} --secrets {settings.SecretsPath})"
                    : $"reveal the committed bytes (no unchanged copy of {secrets.LabelsFile} was found)";
                throw new OracleCommandException($"{Path.GetFullPath(labelsFile)} changed since the commit (keccak256 {hash}, committed {secrets.LabelsHash}): {kept}", 2);
            }

            var commitment = Commitments.Labels(m.Id, m.Address, hash, Bytes32.Parse(secrets.Salt));
            if (commitment != new Bytes32(mine.Commitment))
            {
                throw new OracleCommandException($"{settings.SecretsPath} does not open the commitment on chain ({new Bytes32(mine.Commitment)}): it is not the salt of this commit");
            }

            if (settings.PublishTo is { } folder)
            {
                // The copy must be what the URI names, or the check below reports a 404 that does not say why.
                if (Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
                    && Uri.UnescapeDataString(u.Segments[^1]) != Path.GetFileName(labelsFile))
                {
                    throw new OracleCommandException($"--uri {uri} names the file \"{Uri.UnescapeDataString(u.Segments[^1])}\" but --publish-to copies it as \"{Path.GetFileName(labelsFile)}\" into {Path.GetFullPath(folder)}; give a --uri ending in /{Path.GetFileName(labelsFile)}; nothing was copied or sent", 2);
                }

                var target = Path.Combine(folder, Path.GetFileName(labelsFile));
                File.Copy(labelsFile, target, overwrite: true);
                await Console.Out.WriteLineAsync($"copied {labelsFile} to {target}").ConfigureAwait(false);
            }

            if (await Published.ProblemAsync(uri, hash, "committed label file", cancellationToken).ConfigureAwait(false) is { } problem)
            {
                throw new OracleCommandException($"{problem}: publish {labelsFile} there first (the oracles fetch it from that URI); nothing was sent");
            }

            await m.RequireGasMoneyAsync().ConfigureAwait(false);
            await m.SendAsync("reveal", m.Market, new RevealFunction { MarketId = m.Id, LabelsHash = hash.ToArray(), Salt = Bytes32.Parse(secrets.Salt).ToArray(), Uri = uri }, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(settings.OnChain
                ? $"revealed {labelsFile} on chain ({uri.Length} characters in the reveal) in market {m.Id}. Then: fmp curator claim"
                : $"revealed {labelsFile} at {uri} in market {m.Id}; keep it published until the market settles. Then: fmp curator claim").ConfigureAwait(false);
            return 0;
        });
}
