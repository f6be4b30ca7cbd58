using System.Globalization;
using System.Numerics;
using Hangfire;
using Microsoft.Extensions.Logging;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Npgsql;
using Protocol.Client.Chain;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Retry;

namespace Protocol.Node.Jobs;

/// <summary>
/// Recurring, on its own Hangfire queue (<see cref="Queue"/>) so that no evaluation ever delays it: first settles the
/// markets this node's bond is locked behind (<see cref="LockSettler"/>); then finds markets in their evaluation phase
/// with the gold set revealed (or already in their challenge window, so a report accepted before this node evaluated
/// can still be checked) and enqueues one evaluation job per (market, round) on <see cref="EvaluateJob.Queue"/>,
/// earliest deadline first — once, whatever the number of scans or node processes sharing this database (the
/// <c>node_jobs</c> row is the claim); then enqueues again the evaluations that failed, once their backoff is over
/// (or, for an attestation the bond could not back, once enough bond is free), for as long as the market is still
/// being evaluated. Then it watches: disagreements, disputes, equivocation (<see cref="DisputeWatcher"/>).
/// </summary>
public sealed class ScanJob(IWeb3 web3, NodeOptions options, NpgsqlDataSource db, IBackgroundJobClient jobs, ILogger<ScanJob> logger, TimeProvider? clock = null)
{
    private static readonly string AttestedTopic = "0x" + Nethereum.Contracts.ABITypedRegistry.GetEvent<AttestedEvent>().Sha3Signature.ToLowerInvariant();
    public const string Id = "scan-markets";

    /// <summary>The Hangfire queue of scans (and so of the dispute watcher and the settler), served by its own worker.</summary>
    public const string Queue = "scan";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private readonly NodeStore _store = new(db, options.MarketAddress);

    // No DisableConcurrentExecution: a lock held by a killed process would stall every scan after a
    // restart, and overlapping scans are harmless (the node_jobs insert and update are the claims).
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var me = web3.TransactionManager?.Account?.Address;
        var signed = me is null ? [] : await _store.SignedAsync(me, int.MaxValue, cancellationToken).ConfigureAwait(false);
        if (me is not null)
        {
            await new LockSettler(web3, options, logger).RunAsync(me, signed, cancellationToken).ConfigureAwait(false);
        }

        var count = await web3.CallAsync<MarketCountFunction, BigInteger>(options.MarketAddress, new MarketCountFunction()).ConfigureAwait(false);
        var found = new List<(BigInteger Id, uint Round, ulong Deadline)>();
        for (var id = BigInteger.One; id <= count; id++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var phase = await web3.PhaseAsync(options.MarketAddress, id).ConfigureAwait(false);
            if (phase is not (MarketPhase.Evaluation or MarketPhase.Challenge))
            {
                continue;
            }

            var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(options.MarketAddress, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            if (state.GoldRevealed)
            {
                found.Add((id, state.Round, state.EvaluationDeadline));
            }
        }

        // Earliest evaluation deadline first: a market about to be cancelled must not wait behind one with days left.
        var enqueued = 0;
        foreach (var (id, round, _) in found.OrderBy(f => f.Deadline).ThenBy(f => f.Id))
        {
            if (await _store.ClaimJobAsync(id, round, cancellationToken).ConfigureAwait(false))
            {
                var jobId = await EnqueueAsync(id, round, cancellationToken).ConfigureAwait(false);
                NodeLog.Enqueued(logger, id, round, jobId);
                enqueued++;
            }
        }

        enqueued += await RetryFailedAsync(cancellationToken).ConfigureAwait(false);
        if (me is not null)
        {
            // Each signed market and round's Attested logs, read once for both watchers.
            var attestations = new List<(SignedRow Ours, List<FilterLog> Logs)>();
            foreach (var ours in signed)
            {
                cancellationToken.ThrowIfCancellationRequested();
                attestations.Add((ours, await MarketLogs.ReadAsync(web3, options.MarketAddress, ours.MarketId, options.LogWindow, cancellationToken,
                    AttestedTopic, ours.Round).ConfigureAwait(false)));
            }

            await WatchDisagreementsAsync(attestations, cancellationToken).ConfigureAwait(false);
            await new DisputeWatcher(web3, options, _store, logger).RunAsync(me, attestations, cancellationToken).ConfigureAwait(false);
            NodeMetrics.WalletBalance.Set((double)Nethereum.Util.UnitConversion.Convert.FromWei(await web3.Eth.GetBalance.SendRequestAsync(me).ConfigureAwait(false)));
        }

        return enqueued;
    }

    private async Task<string> EnqueueAsync(BigInteger id, uint round, CancellationToken cancellationToken)
    {
        var marketId = id.ToString(CultureInfo.InvariantCulture);
        var jobId = jobs.Enqueue<EvaluateJob>(EvaluateJob.Queue, job => job.RunAsync(marketId, round, CancellationToken.None));
        await _store.SetJobIdAsync(id, round, jobId, cancellationToken).ConfigureAwait(false);
        return jobId;
    }

    // A failed evaluation is tried again while its market is still being evaluated in that round: after its backoff,
    // or, when the attestation was refused for want of free bond, as soon as enough bond is free again.
    private async Task<int> RetryFailedAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var enqueued = 0;
        BigInteger? free = null;
        foreach (var failed in await _store.DueRetriesAsync(now, cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (id, round) = (failed.MarketId, failed.Round);
            var phase = await web3.PhaseAsync(options.MarketAddress, id).ConfigureAwait(false);
            var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(options.MarketAddress, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            if (phase is not (MarketPhase.Evaluation or MarketPhase.Challenge) || state.Round != round)
            {
                await _store.MarkDoneAsync(id, round, now, succeeded: false, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (failed.BondNeeded is { } needed && phase == MarketPhase.Evaluation)
            {
                free ??= await FreeBondAsync().ConfigureAwait(false);
                if (free < needed)
                {
                    continue;
                }
            }

            // The claim: of concurrent scans, one clears the failure and enqueues.
            if (await _store.ClaimRetryAsync(id, round, cancellationToken).ConfigureAwait(false))
            {
                var jobId = await EnqueueAsync(id, round, cancellationToken).ConfigureAwait(false);
                NodeMetrics.EvaluationRetries.Inc();
                NodeLog.Reenqueued(logger, id, round, failed.Tries + 1, jobId);
                enqueued++;
            }
        }

        return enqueued;
    }

    private async Task<BigInteger> FreeBondAsync()
    {
        if (web3.TransactionManager?.Account?.Address is not { } me)
        {
            return BigInteger.Zero;
        }

        var registry = await web3.CallAsync<RegistryFunction, string>(options.MarketAddress, new RegistryFunction()).ConfigureAwait(false);
        return await web3.CallAsync<Protocol.Core.Contracts.OracleRegistryBindings.FreeBondFunction, BigInteger>(
            registry, new Protocol.Core.Contracts.OracleRegistryBindings.FreeBondFunction { Account = me }).ConfigureAwait(false);
    }

    // Other oracles' attestations for a market and round this node signed: every digest that differs
    // from ours is logged and counted once (a node fed different inputs, or a faulty or malicious one).
    private async Task WatchDisagreementsAsync(List<(SignedRow Ours, List<FilterLog> Logs)> attestations, CancellationToken cancellationToken)
    {
        foreach (var (ours, logs) in attestations)
        {
            foreach (var other in MarketLogs.Decode<AttestedEvent>(logs).Where(e => new Bytes32(e.Digest) != ours.Digest))
            {
                var otherDigest = new Bytes32(other.Digest);
                if (await _store.RecordDisagreementAsync(ours.MarketId, ours.Round, otherDigest, other.Signer, cancellationToken).ConfigureAwait(false))
                {
                    NodeMetrics.Disagreements.Inc();
                    NodeLog.Disagreement(logger, ours.MarketId, ours.Round, other.Signer, otherDigest.ToString(), ours.Digest.ToString());
                }
            }
        }
    }
}

/// <summary>
/// One market and round: evaluate, publish, sign once, attest. A failure is recorded in <c>node_jobs</c> with the time of
/// the next try (doubling from <see cref="NodeOptions.RetryBackoff"/> up to <see cref="NodeOptions.RetryBackoffCap"/>),
/// or the free bond a refused attestation waits for; the scan enqueues it again (Hangfire itself does not retry, so
/// no fixed number of attempts can make the node give up on a market that is still being evaluated).
/// </summary>
public sealed class EvaluateJob(OracleNode node, NpgsqlDataSource db, NodeOptions options, ILogger<EvaluateJob> logger, TimeProvider? clock = null)
{
    /// <summary>The Hangfire queue of evaluations, served by its own worker (evaluations use every core already).</summary>
    public const string Queue = "evaluate";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private readonly NodeStore _store = new(db, options.MarketAddress);

    /// <summary>The wait after the <paramref name="tries"/>-th failure in a row: first, 2 × first, 4 × first …, at most cap.</summary>
    public static TimeSpan Backoff(int tries, TimeSpan first, TimeSpan cap) => new Backoff(first, cap).After(tries);

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(string marketId, uint round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = BigInteger.Parse(marketId, CultureInfo.InvariantCulture);
        var progress = new Progress<Protocol.Evaluation.EvaluationProgress>(p => NodeLog.Progress(logger, id, round, p.TrainingsDone, p.TrainingsTotal));
        AttestationOutcome outcome;
        try
        {
            outcome = await node.EvaluateAndAttestAsync(id, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (BondLockedException e)
        {
            NodeMetrics.Jobs.WithLabels("failed").Inc();
            await RecordFailureAsync(id, round, e.Message, e.Needed).ConfigureAwait(false);
            NodeLog.WaitingForBond(logger, id, round, e.Needed, e.Free);
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            NodeMetrics.Jobs.WithLabels("failed").Inc();
            var tries = await RecordFailureAsync(id, round, e.Message, null).ConfigureAwait(false);
            NodeLog.EvaluationFailed(logger, id, round, tries, e.Message, _clock.GetUtcNow() + Backoff(tries, options.RetryBackoff, options.RetryBackoffCap));
            throw;
        }

        await _store.MarkDoneAsync(id, round, _clock.GetUtcNow(), succeeded: true, CancellationToken.None).ConfigureAwait(false);

        NodeMetrics.Jobs.WithLabels(outcome.Status == "attested" ? "attested" : "skipped").Inc();
        NodeLog.JobDone(logger, id, round, outcome.Status, outcome.Digest);
    }

    // Returns the number of failed tries so far.
    private Task<int> RecordFailureAsync(BigInteger id, uint round, string error, BigInteger? bondNeeded) =>
        _store.RecordFailureAsync(id, round, _clock.GetUtcNow(), error, bondNeeded, tries => Backoff(tries, options.RetryBackoff, options.RetryBackoffCap), CancellationToken.None);
}
