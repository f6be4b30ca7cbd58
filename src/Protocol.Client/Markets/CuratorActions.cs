using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;
using Protocol.Core.Payouts;

namespace Protocol.Client.Markets;

/// <summary>
/// What <see cref="CuratorActions.CommitAsync"/> needs: the label file, where the salt goes, and the stake as typed;
/// <c>StakeField</c> is how a refusal names the stake (<c>--stake</c> for the command, <c>stake</c> for the app's field).
/// </summary>
public sealed record CommitRequest(string LabelsFile, string SecretsPath, string Stake, string StakeField, long StartBlock);

/// <summary>A landed commit: what was committed, where its salt and the copy of its bytes are kept, what was sent.</summary>
public sealed record CommitResult(string LabelsFile, Bytes32 LabelsHash, int Labels, BigInteger Stake, string SecretsPath, string CommittedCopy, IReadOnlyList<SentTransaction> Transactions);

/// <summary>What <see cref="CuratorActions.RevealAsync"/> needs: the committed file, its salt, and where the file is published (or <paramref name="OnChain"/>).</summary>
public sealed record RevealRequest(string LabelsFile, string SecretsPath, string? Uri, bool OnChain, string? PublishTo);

/// <summary>A landed reveal: the URI the oracles fetch (a data: URI when on chain) and where the file was copied for publishing.</summary>
public sealed record RevealResult(string LabelsFile, string Uri, bool OnChain, string? CopiedTo, IReadOnlyList<SentTransaction> Transactions);

/// <summary>What a claim does for a market's phase and the key's place in it.</summary>
public enum ClaimKind
{
    /// <summary>A settled market paid the key's leaf.</summary>
    Leaf,

    /// <summary>A cancelled or forfeited market refunded the stake.</summary>
    Refund,

    /// <summary>Nothing to claim and nothing was sent (the sponsor without a stake; its <see cref="ClaimResult.Note"/> says why).</summary>
    Nothing,
}

/// <summary>A claim: what the key's token balance gained, the verified leaf when it was one, what was sent.</summary>
public sealed record ClaimResult(ClaimKind Kind, BigInteger Paid, PayoutLeaf? Leaf, int ProofLength, string? Note, IReadOnlyList<SentTransaction> Transactions);

/// <summary>The key's leaf in the accepted report, its proof checked against the accepted root, and whether it was claimed.</summary>
public sealed record VerifiedLeaf(PayoutLeaf Leaf, IReadOnlyList<Bytes32> Proof, bool Claimed, Uri Url);

/// <summary>
/// A curator's commit, reveal and claim: every check before sending, then the transactions. The <c>fmp curator</c>
/// commands, the curator app (<c>fmp curator app</c>) and a C# integrator all call these, so a refusal reads the same
/// everywhere, and none can send what another would refuse. Each takes an open <see cref="MarketSession"/>
/// of the market and the key, and returns a record; printing is the caller's.
/// </summary>
public static class CuratorActions
{
    /// <summary>
    /// Checks the label file as the oracles will read it (and against the key's items), the phase, the stake bounds and
    /// an earlier commit; keeps a fresh salt (mode 600) and a read-only copy of the committed bytes before sending;
    /// approves the stake if needed and commits.
    /// </summary>
    public static async Task<CommitResult> CommitAsync(MarketSession m, CommitRequest request, CancellationToken cancellationToken)
    {
        var labelsFile = request.LabelsFile;
        var stake = m.Token.Parse(request.Stake, request.StakeField);
        m.RequirePhase("commit", MarketPhase.Open);
        var mine = await m.SubmissionAsync().ConfigureAwait(false);
        if (!mine.Stake.IsZero)
        {
            throw new RefusalException($"{m.Address} already committed to market {m.Id} (stake {m.Token.Format(mine.Stake)}): one commitment per address; reveal it with fmp curator reveal");
        }

        if (stake < m.Config.MinStake || stake > m.Config.StakeCap)
        {
            throw new RefusalException($"{request.StakeField} {m.Token.Format(stake)} is outside the market's bounds: {m.Token.Format(m.Config.MinStake)} to {m.Token.Format(m.Config.StakeCap)}", RefusalCode.InvalidInput);
        }

        var (bytes, count) = await ReadLabelsAsync(labelsFile, m, request.StartBlock, cancellationToken).ConfigureAwait(false);
        var labelsHash = Keccak.Hash(bytes);
        var secretsPath = request.SecretsPath;
        var id = m.Id.ToString(CultureInfo.InvariantCulture);
        var chain = m.ChainId.ToString(CultureInfo.InvariantCulture);

        // A secrets file of an earlier, unfinished commit of this very file keeps its salt (the chain says it never landed).
        var earlier = await SecretsFile.ReadAsync<CuratorSecrets>(secretsPath, "curator secrets file", cancellationToken).ConfigureAwait(false);
        var reuse = earlier is not null && earlier.MarketId == id && earlier.ChainId == chain && string.Equals(earlier.Market, m.Market, StringComparison.OrdinalIgnoreCase)
            && string.Equals(earlier.Curator, m.Address, StringComparison.OrdinalIgnoreCase) && earlier.LabelsHash == labelsHash.ToString();
        if (earlier is not null && !reuse)
        {
            throw new RefusalException($"{secretsPath} holds the salt of another commitment (market {earlier.MarketId}, {earlier.Curator}); keep it, and give another --secrets", RefusalCode.InvalidInput);
        }

        // A wrong password stops here, before a salt or a copy is written for a commit that will never be sent.
        await m.RequireKeyAsync(cancellationToken).ConfigureAwait(false);
        var copy = CuratorSecrets.CopyPath(secretsPath, labelsFile);
        var secrets = (reuse ? earlier! : new CuratorSecrets(chain, m.Market, id, m.Address, labelsHash.ToString(), Commitments.NewSalt().ToString(), labelsFile)) with { CommittedCopy = copy };
        await SecretsFile.WriteAsync(secretsPath, secrets, cancellationToken).ConfigureAwait(false);
        await CuratorSecrets.WriteCopyAsync(copy, bytes, cancellationToken).ConfigureAwait(false);
        var commitment = Commitments.Labels(m.Id, m.Address, labelsHash, Bytes32.Parse(secrets.Salt));

        var sentBefore = m.Sent.Count;
        await m.RequireGasMoneyAsync().ConfigureAwait(false);
        await m.ApproveAsync(m.Token, stake, "the stake", cancellationToken).ConfigureAwait(false);
        await m.SendAsync("commit", m.Market, new CommitFunction { MarketId = m.Id, Commitment = commitment.ToArray(), Stake = stake }, cancellationToken).ConfigureAwait(false);
        return new CommitResult(labelsFile, labelsHash, count, stake, secretsPath, copy, [.. m.Sent.Skip(sentBefore)]);
    }

    /// <summary>The salt kept by the commit; refused with where to look when it is not there.</summary>
    public static async Task<CuratorSecrets> ReadSecretsAsync(string secretsPath, CancellationToken cancellationToken) =>
        await SecretsFile.ReadAsync<CuratorSecrets>(secretsPath, "curator secrets file", cancellationToken).ConfigureAwait(false)
            ?? throw new RefusalException($"{secretsPath}: no such file; it is written by fmp curator commit (give --secrets if it is elsewhere)", RefusalCode.InvalidInput);

    /// <summary>The URI a reveal names: the file itself as a data: URI with <see cref="RevealRequest.OnChain"/>, else the given one.</summary>
    public static async Task<string> RevealUriAsync(RevealRequest request, CancellationToken cancellationToken)
    {
        if (request.OnChain && (request.Uri is not null || request.PublishTo is not null))
        {
            throw new RefusalException("--on-chain puts the file in the reveal itself: give it without --uri and --publish-to", RefusalCode.InvalidInput);
        }

        return request.OnChain
            ? DataUri.Encode(await File.ReadAllBytesAsync(request.LabelsFile, cancellationToken).ConfigureAwait(false))
            : request.Uri ?? throw new RefusalException("--uri is required: where the label file is published (or --on-chain to put the file in the reveal)", RefusalCode.InvalidInput);
    }

    /// <summary>
    /// Checks that the file is the committed one (naming the kept copy when it changed), that the salt opens the
    /// commitment on chain, and that <paramref name="uri"/> serves the file byte for byte (after copying it to
    /// <see cref="RevealRequest.PublishTo"/>); then reveals.
    /// </summary>
    public static async Task<RevealResult> RevealAsync(MarketSession m, CuratorSecrets secrets, RevealRequest request, string uri, CancellationToken cancellationToken)
    {
        var (labelsFile, secretsPath) = (request.LabelsFile, request.SecretsPath);
        if (!string.Equals(secrets.Curator, m.Address, StringComparison.OrdinalIgnoreCase) || !string.Equals(secrets.Market, m.Market, StringComparison.OrdinalIgnoreCase)
            || secrets.MarketId != m.Id.ToString(CultureInfo.InvariantCulture))
        {
            throw new RefusalException($"{secretsPath} is the commitment of {secrets.Curator} in market {secrets.MarketId} at {secrets.Market}, not of {m.Address} in market {m.Id} at {m.Market}", RefusalCode.InvalidInput);
        }

        m.RequirePhase("reveal", MarketPhase.Reveal);
        var mine = await m.SubmissionAsync().ConfigureAwait(false);
        if (mine.Stake.IsZero)
        {
            throw new RefusalException($"{m.Address} has no commitment in market {m.Id}: the commit never landed (fmp market status)", RefusalCode.NotFound);
        }

        if (mine.Revealed)
        {
            throw new RefusalException($"{m.Address} already revealed its labels in market {m.Id}");
        }

        var hash = Keccak.Hash(await File.ReadAllBytesAsync(labelsFile, cancellationToken).ConfigureAwait(false));
        if (hash.ToString() != secrets.LabelsHash)
        {
            var kept = secrets.CommittedCopy is { } c && File.Exists(c) && Keccak.Hash(await File.ReadAllBytesAsync(c, cancellationToken).ConfigureAwait(false)).ToString() == secrets.LabelsHash
                ? $"the committed bytes are kept in {c}: reveal that file (--labels {c} --secrets {secretsPath})"
                : $"reveal the committed bytes (no unchanged copy of {secrets.LabelsFile} was found)";
            throw new RefusalException($"{Path.GetFullPath(labelsFile)} changed since the commit (keccak256 {hash}, committed {secrets.LabelsHash}): {kept}", RefusalCode.InvalidInput);
        }

        var commitment = Commitments.Labels(m.Id, m.Address, hash, Bytes32.Parse(secrets.Salt));
        if (commitment != new Bytes32(mine.Commitment))
        {
            throw new RefusalException($"{secretsPath} does not open the commitment on chain ({new Bytes32(mine.Commitment)}): it is not the salt of this commit", RefusalCode.Mismatch);
        }

        string? copied = null;
        if (request.PublishTo is { } folder)
        {
            // The copy must be what the URI names, or the check below reports a 404 that does not say why.
            if (Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
                && Uri.UnescapeDataString(u.Segments[^1]) != Path.GetFileName(labelsFile))
            {
                throw new RefusalException($"--uri {uri} names the file \"{Uri.UnescapeDataString(u.Segments[^1])}\" but --publish-to copies it as \"{Path.GetFileName(labelsFile)}\" into {Path.GetFullPath(folder)}; give a --uri ending in /{Path.GetFileName(labelsFile)}; nothing was copied or sent", RefusalCode.InvalidInput);
            }

            copied = Path.Combine(folder, Path.GetFileName(labelsFile));
            File.Copy(labelsFile, copied, overwrite: true);
        }

        if (await CommittedFiles.ProblemAsync(uri, hash, "committed label file", cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw new RefusalException($"{problem}: publish {labelsFile} there first (the oracles fetch it from that URI); nothing was sent", RefusalCode.Mismatch);
        }

        var sentBefore = m.Sent.Count;
        await m.RequireGasMoneyAsync().ConfigureAwait(false);
        await m.SendAsync("reveal", m.Market, new RevealFunction { MarketId = m.Id, LabelsHash = hash.ToArray(), Salt = Bytes32.Parse(secrets.Salt).ToArray(), Uri = uri }, cancellationToken).ConfigureAwait(false);
        return new RevealResult(labelsFile, uri, request.OnChain, copied, [.. m.Sent.Skip(sentBefore)]);
    }

    /// <summary>
    /// Takes what the market owes the key: its leaf of a settled market (from an oracle's published report at
    /// <paramref name="reports"/>, checked against the accepted root), or its stake back from a cancelled or forfeited
    /// one. Refuses, without sending, a leaf already claimed and a market not settled (saying until when).
    /// </summary>
    public static async Task<ClaimResult> ClaimAsync(MarketSession m, string? reports, CancellationToken cancellationToken)
    {
        var (id, address) = (m.Id, m.Address);
        Func<Task> send;
        VerifiedLeaf? verified = null;
        if (m.Phase.IsFailed())
        {
            var mine = await m.SubmissionAsync().ConfigureAwait(false);
            if (mine.Stake.IsZero)
            {
                throw new RefusalException($"{address} did not commit to market {id}: it has nothing to refund", RefusalCode.NotFound);
            }

            if (mine.Refunded)
            {
                throw new RefusalException($"the stake of {address} in market {id} was already refunded");
            }

            send = () => m.SendAsync("refund", m.Market, new RefundFunction { MarketId = id, Curator = address }, cancellationToken);
        }
        else if (m.Phase == MarketPhase.Finalized && string.Equals(m.Config.Sponsor, address, StringComparison.OrdinalIgnoreCase) && (await m.SubmissionAsync().ConfigureAwait(false)).Stake.IsZero)
        {
            // The remainder leaf is the burn address's: a sponsor that did not also curate has nothing to claim, and
            // a 0-token claim would only cost it gas.
            return new ClaimResult(ClaimKind.Nothing, BigInteger.Zero, null, 0,
                $"{address} is the sponsor of market {id} and did not curate it: nothing to claim (the pool's remainder leaf goes to the burn address {ProtocolConstants.BurnAddress}, not to the sponsor); nothing was sent", []);
        }
        else if (m.Phase == MarketPhase.Finalized)
        {
            verified = await LeafAsync(m, reports, cancellationToken).ConfigureAwait(false);
            var leaf = verified.Leaf;
            if (verified.Claimed)
            {
                throw new RefusalException($"the leaf of {address} in market {id} ({leaf.Amount} base units) was already claimed");
            }

            var claim = new ClaimFunction { MarketId = id, Account = leaf.Account, Amount = leaf.Amount, ScoreBps = leaf.ScoreBps, Proof = [.. verified.Proof.Select(p => p.ToArray())] };
            send = () => m.SendAsync("claim", m.Market, claim, cancellationToken);
        }
        else
        {
            throw new RefusalException($"market {id} is in phase {m.PhaseName}{m.PhaseEnds()}: claims open once it is finalized (after the challenge window), refunds once it is cancelled or forfeited", RefusalCode.WrongPhase);
        }

        var sentBefore = m.Sent.Count;
        await m.RequireGasMoneyAsync().ConfigureAwait(false);
        var before = await m.BalanceAsync(m.Config.Token, address).ConfigureAwait(false);
        await send().ConfigureAwait(false);
        var after = await m.BalanceAsync(m.Config.Token, address).ConfigureAwait(false);
        return new ClaimResult(verified is null ? ClaimKind.Refund : ClaimKind.Leaf, after - before, verified?.Leaf, verified?.Proof.Count ?? 0, null, [.. m.Sent.Skip(sentBefore)]);
    }

    /// <summary>
    /// The key's leaf from an oracle's leaves.json at <paramref name="reports"/>, refused unless that file's root is the
    /// one the market accepted and the leaf's proof leads to it; with whether the leaf was claimed.
    /// </summary>
    public static async Task<VerifiedLeaf> LeafAsync(MarketSession m, string? reports, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reports) || !Uri.TryCreate(reports, UriKind.Absolute, out var baseUri))
        {
            throw new RefusalException("--reports is required for a settled market: the URL where an oracle publishes its reports, e.g. http://127.0.0.1:9466", RefusalCode.InvalidInput);
        }

        var (id, address) = (m.Id, m.Address);
        var accepted = new Bytes32(m.State.ResultsRoot);
        var (document, url) = await CommittedFiles.AcceptedLeavesAsync(baseUri, id, m.State.Round, accepted, cancellationToken).ConfigureAwait(false);
        using var _ = document;
        var entry = document.RootElement.GetProperty("leaves").EnumerateArray()
            .FirstOrDefault(l => string.Equals(l.GetProperty("account").GetString(), address, StringComparison.OrdinalIgnoreCase));
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new RefusalException($"the accepted report has no leaf for {address}: it was not a curator of market {id} (or committed with another key)", RefusalCode.NotFound);
        }

        var leaf = new PayoutLeaf(id, entry.GetProperty("account").GetString()!, BigInteger.Parse(entry.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture), entry.GetProperty("scoreBps").GetInt32());
        var proof = entry.GetProperty("proof").EnumerateArray().Select(p => Bytes32.Parse(p.GetString()!)).ToList();
        if (!MerkleTree.Verify(accepted, leaf.Hash, proof))
        {
            throw new RefusalException($"the proof for {address} in {url} does not lead to the accepted root {accepted}: the file is corrupt; use another oracle's --reports", RefusalCode.Mismatch);
        }

        var claimed = await m.Reader.CallAsync<IsClaimedFunction, bool>(m.Market, new IsClaimedFunction { Leaf = leaf.Hash.ToArray() }).ConfigureAwait(false);
        return new VerifiedLeaf(leaf, proof, claimed, url);
    }

    // The label file as the oracles will read it: well formed, non-empty, only the pool's (and the key's) items.
    private static async Task<(byte[] Bytes, int Count)> ReadLabelsAsync(string path, MarketSession m, long startBlock, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new RefusalException($"--labels {path}: no such file", RefusalCode.InvalidInput);
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        List<Label> labels;
        try
        {
            labels = await ProtocolFiles.ReadLabelsAsync(new MemoryStream(bytes), path, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FileFormatException e)
        {
            throw new RefusalException($"--labels: {e.Message}", RefusalCode.InvalidInput);
        }

        if (labels.Count == 0)
        {
            throw new RefusalException($"--labels {path} has no labels", RefusalCode.InvalidInput);
        }

        var pool = await CuratorTaskPool.LoadAsync(m, startBlock, cancellationToken).ConfigureAwait(false);
        var allowed = pool.For(m.Address, m.Id).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var known = pool.Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            if (!allowed.Contains(labels[i].Id))
            {
                throw new RefusalException(known.Contains(labels[i].Id)
                    ? $"--labels {path}, line {i + 1}: item '{labels[i].Id}' is not assigned to {m.Address} (fmp curator tasks lists yours); the whole file would be invalid"
                    : $"--labels {path}, line {i + 1}: '{labels[i].Id}' is not an item of market {m.Id}'s task pool; the whole file would be invalid", RefusalCode.InvalidInput);
            }
        }

        // bt-inrun-v3 asks each address for a minimum share of its items, so that a copied file is invalid elsewhere.
        var minimum = pool.MinimumLabels;
        if (labels.Count < minimum)
        {
            throw new RefusalException($"--labels {path} labels {labels.Count} items; spec {pool.Spec!.Name} asks each address for at least {minimum} of its assigned items (fmp curator tasks lists yours); the whole file would be invalid", RefusalCode.InvalidInput);
        }

        return (bytes, labels.Count);
    }
}
