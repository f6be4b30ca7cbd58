using System.Globalization;
using System.Numerics;
using Nethereum.Contracts;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Evaluation;
using RegistryBindings = Protocol.Core.Contracts.OracleRegistryBindings;

namespace Protocol.Client.Markets;

/// <summary>
/// A create: the market's id, the parameters it was created with (in the token's base units), and what was sent.
/// <paramref name="AlreadyCreated"/>: an earlier run created it from the same file and secrets, and nothing was sent.
/// </summary>
public sealed record CreateResult(BigInteger MarketId, bool AlreadyCreated, MarketParams Params, TokenInfo Token, ulong ChainNow, string SecretsPath, IReadOnlyList<SentTransaction> Transactions);

/// <summary>How the gold set is revealed: at the URI the market file named (after copying it to <paramref name="PublishTo"/>), or <paramref name="OnChain"/> as data: URIs.</summary>
public sealed record GoldRevealRequest(bool OnChain = false, string? PublishTo = null);

/// <summary>A landed gold reveal: the URI the oracles fetch, the files copied for publishing, what was sent.</summary>
public sealed record GoldRevealResult(string Uri, IReadOnlyList<string> CopiedTo, IReadOnlyList<SentTransaction> Transactions);

/// <summary>
/// A settlement: whether it was already recorded (by the key earlier, or by someone between the read and the send),
/// the credit withdrawn to the key (a pool refund, a fee, a bond; 0 if none), and what was sent.
/// </summary>
public sealed record SettleResult(bool AlreadyRecorded, bool RecordedByOther, BigInteger Credit, IReadOnlyList<SentTransaction> Transactions);

/// <summary>
/// The sponsor's create, gold reveal and settlement: every check of the contract before sending, then the
/// transactions. <c>fmp market create</c>, <c>reveal-gold</c>, <c>finalize</c> and <c>cancel</c> print what these return.
/// </summary>
public static class SponsorActions
{
    /// <summary>
    /// Creates the market <paramref name="plan"/> describes, on a session of the market contract with the sponsor's key:
    /// the token is checked (a contract, in the bond token's unit), every rule of <c>createMarket</c> and the gold set's
    /// secrecy checked, the gold salt kept in <paramref name="secretsPath"/> (mode 600) before anything is sent, a
    /// shipped spec's document written where it will be published, the pool approved, the market created. A rerun
    /// with the same secrets file finds the market the first run created and sends nothing.
    /// </summary>
    public static async Task<CreateResult> CreateAsync(MarketSession m, MarketPlan plan, string secretsPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(plan);
        if (await m.Reader.Eth.GetCode.SendRequestAsync(plan.Token).ConfigureAwait(false) is null or "0x" or "")
        {
            throw new RefusalException($"{plan.ConfigFile}: \"token\" {plan.Token} is not a contract on chain {m.ChainId}", RefusalCode.InvalidInput);
        }

        // Before reading the token: a market contract's or another token's address is named here, not left to revert.
        var bondToken = await m.Reader.CallAsync<RegistryBindings.BondTokenFunction, string>(m.Chain.Registry, new RegistryBindings.BondTokenFunction()).ConfigureAwait(false);
        if (MarketRules.TokenProblem(plan.Token, bondToken) is { } unit)
        {
            throw new RefusalException($"{plan.ConfigFile}: \"token\": {unit}; nothing was sent", RefusalCode.InvalidInput);
        }

        var token = await TokenInfo.ReadAsync(m.Reader, plan.Token).ConfigureAwait(false);
        var pool = token.Parse(plan.Pool, "\"pool\"");
        var now = await m.Chain.NowAsync().ConfigureAwait(false);
        var times = plan.DeadlineTimes(now);
        var parameters = new MarketParams
        {
            Token = plan.Token, RewardPool = pool,
            TaskPoolHash = plan.TaskPoolHash.ToArray(), TaskPoolURI = plan.TaskPoolUri,
            EvalSpecHash = Bytes32.Parse(plan.Spec.Hash!).ToArray(), EvalSpecURI = plan.SpecUri,
            CommitDeadline = times[0], RevealDeadline = times[1], GoldDeadline = times[2], EvaluationDeadline = times[3],
            ChallengePeriod = plan.ChallengePeriod, MinStake = token.Parse(plan.MinStake, "\"stake\".\"min\""), StakeCap = token.Parse(plan.StakeCap, "\"stake\".\"cap\""),
            SlashBps = plan.SlashBps, OracleFeeBps = plan.OracleFeeBps,
            DisputeBond = plan.DisputeBond is { } bond ? token.Parse(bond, "\"disputeBond\"") : BigInteger.Max(MarketRules.MinDisputeBond(pool), 1),
        };
        if (MarketRules.Problems(parameters, now) is { Count: > 0 } problems)
        {
            throw new RefusalException($"{plan.ConfigFile}: the contract would refuse this market, so nothing was sent:\n  - {string.Join("\n  - ", problems)}", RefusalCode.InvalidInput);
        }

        if (await GoldExposure.ProblemAsync(plan, cancellationToken).ConfigureAwait(false) is { } exposed)
        {
            throw new RefusalException($"{plan.ConfigFile}: \"gold\": {exposed}", RefusalCode.InvalidInput);
        }

        // A wrong password stops here, before a secrets file is written for a market that will never be created.
        await m.RequireKeyAsync(cancellationToken).ConfigureAwait(false);
        var secrets = await SponsorSecrets.PrepareAsync(secretsPath, m, plan, cancellationToken).ConfigureAwait(false);
        if (secrets.MarketId is { } existing)
        {
            return new CreateResult(BigInteger.Parse(existing, CultureInfo.InvariantCulture), true, parameters, token, now, secretsPath, []);
        }

        parameters.GoldCommitment = Commitments.Gold(plan.GoldHash, Bytes32.Parse(secrets.Salt)).ToArray();
        await WriteSpecAsync(plan, cancellationToken).ConfigureAwait(false);
        var sentBefore = m.Sent.Count;
        await m.RequireGasMoneyAsync().ConfigureAwait(false);
        await m.ApproveAsync(token, pool, "the reward pool", cancellationToken).ConfigureAwait(false);
        var receipt = await m.SendAsync("createMarket", m.Market, new CreateMarketFunction { Params = parameters }, cancellationToken).ConfigureAwait(false);
        var id = receipt.DecodeAllEvents<MarketCreatedEvent>().Single().Event.MarketId;
        await SecretsFile.WriteAsync(secretsPath, secrets with { MarketId = id.ToString(CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
        return new CreateResult(id, false, parameters, token, now, secretsPath, [.. m.Sent.Skip(sentBefore)]);
    }

    /// <summary>The sponsor's secrets file, refused with what is wrong when it cannot open market <paramref name="askedId"/> (null: whichever it holds).</summary>
    public static async Task<(SponsorSecrets Secrets, BigInteger MarketId)> ReadSecretsAsync(string path, BigInteger? askedId, CancellationToken cancellationToken)
    {
        var secrets = await SecretsFile.ReadAsync<SponsorSecrets>(path, "sponsor secrets file", cancellationToken).ConfigureAwait(false)
            ?? throw new RefusalException($"--secrets {path}: no such file{GivenPath.Tried(path)}", RefusalCode.InvalidInput);
        var id = secrets.MarketId is { } text ? BigInteger.Parse(text, CultureInfo.InvariantCulture)
            : throw new RefusalException($"{path} has no market id: its create never completed (run fmp market create again with it)", RefusalCode.InvalidInput);
        if (askedId is { } asked && asked != id)
        {
            throw new RefusalException($"{path} holds the salt of market {id}, not of --market-id {asked}", RefusalCode.InvalidInput);
        }

        return (secrets, id);
    }

    /// <summary>
    /// Opens the gold commitment once the reveal deadline has passed. It first fetches the gold set (and its features)
    /// from the URI it will reveal and checks the bytes, because a gold set the oracles cannot fetch makes them sign a
    /// verdict that burns the pool.
    /// </summary>
    public static async Task<GoldRevealResult> RevealGoldAsync(MarketSession m, SponsorSecrets secrets, string secretsPath, GoldRevealRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(request);
        if (request.OnChain && request.PublishTo is not null)
        {
            throw new RefusalException("--on-chain puts the gold set in the reveal itself: give it without --publish-to", RefusalCode.InvalidInput);
        }

        if (!string.Equals(secrets.Market, m.Market, StringComparison.OrdinalIgnoreCase) || secrets.ChainId != m.ChainId.ToString(CultureInfo.InvariantCulture))
        {
            throw new RefusalException($"{secretsPath} belongs to {secrets.Market} on chain {secrets.ChainId}, not {m.Market} on chain {m.ChainId}", RefusalCode.InvalidInput);
        }

        if (m.State.GoldRevealed)
        {
            throw new RefusalException($"the gold set of market {m.Id} is already revealed ({new Bytes32(m.State.GoldHash)})");
        }

        if (!string.Equals(m.Config.Sponsor, m.Address, StringComparison.OrdinalIgnoreCase))
        {
            throw new RefusalException($"only the sponsor {m.Config.Sponsor} may reveal the gold set; --keystore holds {m.Address}");
        }

        m.RequirePhase("reveal-gold", MarketPhase.Evaluation);
        var copied = new List<string>();
        if (request.PublishTo is { } folder)
        {
            foreach (var file in new[] { secrets.GoldFile, secrets.GoldFeaturesFile }.OfType<string>())
            {
                var target = Path.Combine(folder, Path.GetFileName(file));
                File.Copy(file, target, overwrite: true);
                copied.Add(target);
            }
        }

        var uri = request.OnChain ? await OnChainUriAsync(secrets, cancellationToken).ConfigureAwait(false) : secrets.GoldUri;
        var files = string.Join(" and ", new[] { secrets.GoldFile, secrets.GoldFeaturesFile }.OfType<string>());
        await CommittedFiles.ItemsAsync(uri, Bytes32.Parse(secrets.GoldHash), secrets.GoldFeaturesFile is not null, "gold set",
            $"publish {files} there unchanged first (or use --publish-to the served folder, or --on-chain); nothing was sent", cancellationToken).ConfigureAwait(false);
        var sentBefore = m.Sent.Count;
        await m.RequireGasMoneyAsync().ConfigureAwait(false);
        await m.SendAsync("revealGold", m.Market, new RevealGoldFunction
        {
            MarketId = m.Id, GoldHash = Bytes32.Parse(secrets.GoldHash).ToArray(), Salt = Bytes32.Parse(secrets.Salt).ToArray(), Uri = uri,
        }, cancellationToken).ConfigureAwait(false);
        return new GoldRevealResult(uri, copied, [.. m.Sent.Skip(sentBefore)]);
    }

    /// <summary>
    /// Records a settlement that is due (anyone may): <paramref name="finalize"/> a market whose challenge window
    /// passed, else cancel (or forfeit) a failed one; then withdraws whatever the market credits the key.
    /// </summary>
    public static async Task<SettleResult> SettleAsync(MarketSession m, bool finalize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (finalize ? m.Phase != MarketPhase.Finalized : !m.Phase.IsFailed())
        {
            throw new RefusalException(finalize
                ? $"market {m.Id} is in phase {m.PhaseName}: it can be finalized once an accepted report's challenge window has passed{(m.State.AcceptedAt > 0 ? $" ({m.At(MarketPhases.ChallengeEnds(m.Config, m.State))})" : "")}"
                : $"market {m.Id} is in phase {m.PhaseName}: it can be cancelled only when it failed (no gold by {m.At(m.Config.GoldDeadline)}, no report by {m.At(m.State.EvaluationDeadline)}, a verdict, or an expired dispute)",
                RefusalCode.WrongPhase);
        }

        var sentBefore = m.Sent.Count;
        await m.RequireGasMoneyAsync().ConfigureAwait(false);
        var (already, byOther) = (m.Phase.IsRecorded((MarketStatus)m.State.Status), false);
        if (!already)
        {
            try
            {
                await (finalize ? m.SendAsync("finalize", m.Market, new FinalizeFunction { MarketId = m.Id }, cancellationToken)
                    : m.Phase == MarketPhase.Forfeited ? m.SendAsync("forfeit", m.Market, new ForfeitFunction { MarketId = m.Id }, cancellationToken)
                    : m.SendAsync("cancel", m.Market, new CancelFunction { MarketId = m.Id }, cancellationToken)).ConfigureAwait(false);
            }
            catch (SmartContractCustomErrorRevertException e) when (e.IsCustomErrorFor<AlreadySettledError>())
            {
                // Anyone may record a settlement, and an oracle node records the ones its bond is locked behind as
                // soon as they are due: it came between our read and our send (found by the demo on a loaded
                // machine). The settlement this action exists for is done either way.
                byOther = true;
            }
            catch (TransactionFailedException)
            {
                // The same race one step later: the node's settlement was mined after our gas estimate and before our
                // transaction, which then reverted (found by the demo in CI). Any other revert is the caller's to see.
                if (!await RecordedAsync(m).ConfigureAwait(false))
                {
                    throw;
                }

                byOther = true;
            }
        }

        var credit = await m.WithdrawCreditAsync(cancellationToken).ConfigureAwait(false);
        return new SettleResult(already, byOther, credit, [.. m.Sent.Skip(sentBefore)]);
    }

    // Whether the market's settlement is now recorded on chain (re-read).
    private static async Task<bool> RecordedAsync(MarketSession m)
    {
        await m.RefreshAsync().ConfigureAwait(false);
        return m.Phase.IsRecorded((MarketStatus)m.State.Status);
    }

    // A shipped spec's document is written where it will be published (next to the task pool), unless it is there.
    private static async Task WriteSpecAsync(MarketPlan plan, CancellationToken cancellationToken)
    {
        if (EvaluationSpecs.ByName(plan.Spec.Name) is not { } shipped || shipped.Hash != plan.Spec.Hash)
        {
            return;
        }

        var document = EvaluationSpecs.Document(shipped);
        if (File.Exists(plan.SpecFile))
        {
            if (Keccak.Hash(await File.ReadAllBytesAsync(plan.SpecFile, cancellationToken).ConfigureAwait(false)) != Bytes32.Parse(shipped.Hash!))
            {
                throw new RefusalException($"{plan.SpecFile} exists but is not the {shipped.Name} document; remove it (fmp writes it) or name it in \"spec\"", RefusalCode.InvalidInput);
            }

            return;
        }

        await File.WriteAllBytesAsync(plan.SpecFile, document, cancellationToken).ConfigureAwait(false);
    }

    // The gold file (and its features file) as data: URIs, one space apart like any bundle URI (base64 has no spaces).
    private static async Task<string> OnChainUriAsync(SponsorSecrets secrets, CancellationToken cancellationToken)
    {
        var gold = DataUri.Encode(await File.ReadAllBytesAsync(secrets.GoldFile, cancellationToken).ConfigureAwait(false));
        return secrets.GoldFeaturesFile is { } features
            ? FeatureBinding.BundleUri(gold, DataUri.Encode(await File.ReadAllBytesAsync(features, cancellationToken).ConfigureAwait(false), "application/octet-stream"))
            : gold;
    }
}
