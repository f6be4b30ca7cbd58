using System.Globalization;
using System.Numerics;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Logging;
using Nethereum.Web3;
using Npgsql;
using Protocol.Client.Chain;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
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

    // The key of this node's rows: one database may hold the jobs of nodes of several contracts.
    private string Contract => options.MarketAddress.ToLowerInvariant();

    // No DisableConcurrentExecution: a lock held by a killed process would stall every scan after a
    // restart, and overlapping scans are harmless (the node_jobs insert and update are the claims).
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await new LockSettler(web3, options, db, logger).RunAsync(cancellationToken).ConfigureAwait(false);

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
            if (await ClaimAsync(id, round, cancellationToken).ConfigureAwait(false))
            {
                var jobId = await EnqueueAsync(id, round, cancellationToken).ConfigureAwait(false);
                NodeLog.Enqueued(logger, id, round, jobId);
                enqueued++;
            }
        }

        enqueued += await RetryFailedAsync(cancellationToken).ConfigureAwait(false);
        await WatchDisagreementsAsync(cancellationToken).ConfigureAwait(false);
        await new DisputeWatcher(web3, options, db, logger).RunAsync(cancellationToken).ConfigureAwait(false);
        if (web3.TransactionManager?.Account?.Address is { } me)
        {
            NodeMetrics.WalletBalance.Set((double)Nethereum.Util.UnitConversion.Convert.FromWei(await web3.Eth.GetBalance.SendRequestAsync(me).ConfigureAwait(false)));
        }

        return enqueued;
    }

    private async Task<string> EnqueueAsync(BigInteger id, uint round, CancellationToken cancellationToken)
    {
        var marketId = id.ToString(CultureInfo.InvariantCulture);
        var jobId = jobs.Enqueue<EvaluateJob>(EvaluateJob.Queue, job => job.RunAsync(marketId, round, CancellationToken.None));
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("UPDATE node_jobs SET job_id = @jobId WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round", new { jobId, contract = Contract, m = marketId, round = (long)round }).ConfigureAwait(false);
        return jobId;
    }

    // A failed evaluation is tried again while its market is still being evaluated in that round: after its backoff,
    // or, when the attestation was refused for want of free bond, as soon as enough bond is free again.
    private async Task<int> RetryFailedAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        List<(string Market, long Round, int Tries, string? BondNeeded)> failed;
        await using (var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            failed = [.. await connection.QueryAsync<(string, long, int, string?)>(
                "SELECT market_id::text, round, tries, bond_needed::text FROM node_jobs WHERE market_contract = @contract AND done_at IS NULL AND failed_at IS NOT NULL AND (bond_needed IS NOT NULL OR next_try_at <= @now) ORDER BY market_id",
                new { contract = Contract, now }).ConfigureAwait(false)];
        }

        var enqueued = 0;
        BigInteger? free = null;
        foreach (var (market, round, tries, bondNeeded) in failed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = BigInteger.Parse(market, CultureInfo.InvariantCulture);
            var phase = await web3.PhaseAsync(options.MarketAddress, id).ConfigureAwait(false);
            var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(options.MarketAddress, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var key = new { contract = Contract, m = market, round };
            if (phase is not (MarketPhase.Evaluation or MarketPhase.Challenge) || state.Round != round)
            {
                await connection.ExecuteAsync("UPDATE node_jobs SET done_at = @now WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round", new { now, key.contract, key.m, key.round }).ConfigureAwait(false);
                continue;
            }

            if (bondNeeded is not null && phase == MarketPhase.Evaluation)
            {
                free ??= await FreeBondAsync().ConfigureAwait(false);
                if (free < BigInteger.Parse(bondNeeded, CultureInfo.InvariantCulture))
                {
                    continue;
                }
            }

            // The claim: of concurrent scans, one clears failed_at and enqueues.
            var claimed = await connection.ExecuteAsync(
                "UPDATE node_jobs SET failed_at = NULL, next_try_at = NULL, bond_needed = NULL WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round AND failed_at IS NOT NULL AND done_at IS NULL",
                key).ConfigureAwait(false) == 1;
            if (claimed)
            {
                var jobId = await EnqueueAsync(id, (uint)round, cancellationToken).ConfigureAwait(false);
                NodeMetrics.EvaluationRetries.Inc();
                NodeLog.Reenqueued(logger, id, (uint)round, tries + 1, jobId);
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
    private async Task WatchDisagreementsAsync(CancellationToken cancellationToken)
    {
        if (web3.TransactionManager?.Account?.Address is not { } me)
        {
            return;
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('oracle_reports') IS NOT NULL").ConfigureAwait(false))
        {
            return;
        }

        var mine = await connection.QueryAsync<(string Market, long Round, string Digest)>(
            "SELECT market_id::text, round, digest FROM oracle_reports WHERE signer = @me AND market_contract = @contract",
            new { me = me.ToLowerInvariant(), contract = options.MarketAddress.ToLowerInvariant() }).ConfigureAwait(false);
        foreach (var (market, round, digest) in mine)
        {
            var id = BigInteger.Parse(market, CultureInfo.InvariantCulture);
            // Only this market's and round's Attested logs (topics: event, market, round).
            var logs = await MarketLogs.ReadAsync(web3, options.MarketAddress, id, options.LogWindow, cancellationToken,
                AttestedTopic, round).ConfigureAwait(false);
            var attested = MarketLogs.Decode<AttestedEvent>(logs);
            foreach (var other in attested.Where(e => !string.Equals("0x" + Convert.ToHexStringLower(e.Digest), digest, StringComparison.Ordinal)))
            {
                var otherDigest = "0x" + Convert.ToHexStringLower(other.Digest);
                var first = await connection.ExecuteAsync(
                    "INSERT INTO node_disagreements (market_contract, market_id, round, digest, signer) VALUES (@contract, @market::numeric, @round, @otherDigest, @signer) ON CONFLICT DO NOTHING",
                    new { contract = Contract, market, round, otherDigest, signer = other.Signer.ToLowerInvariant() }).ConfigureAwait(false) == 1;
                if (first)
                {
                    NodeMetrics.Disagreements.Inc();
                    NodeLog.Disagreement(logger, id, (uint)round, other.Signer, otherDigest, digest);
                }
            }
        }
    }

    private async Task<bool> ClaimAsync(BigInteger marketId, uint round, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "INSERT INTO node_jobs (market_contract, market_id, round) VALUES (@contract, @m::numeric, @round) ON CONFLICT DO NOTHING",
            new { contract = Contract, m = marketId.ToString(CultureInfo.InvariantCulture), round = (long)round }).ConfigureAwait(false) == 1;
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

    // The key of this node's rows: one database may hold the jobs of nodes of several contracts.
    private string Contract => options.MarketAddress.ToLowerInvariant();

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
            await RecordFailureAsync(marketId, round, e.Message, e.Needed).ConfigureAwait(false);
            NodeLog.WaitingForBond(logger, id, round, e.Needed, e.Free);
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            NodeMetrics.Jobs.WithLabels("failed").Inc();
            var tries = await RecordFailureAsync(marketId, round, e.Message, null).ConfigureAwait(false);
            NodeLog.EvaluationFailed(logger, id, round, tries, e.Message, _clock.GetUtcNow() + Backoff(tries, options.RetryBackoff, options.RetryBackoffCap));
            throw;
        }

        await using (var connection = await db.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await connection.ExecuteAsync(
                "UPDATE node_jobs SET done_at = @now, failed_at = NULL, last_error = NULL WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round",
                new { now = _clock.GetUtcNow(), contract = Contract, m = marketId, round = (long)round }).ConfigureAwait(false);
        }

        NodeMetrics.Jobs.WithLabels(outcome.Status == "attested" ? "attested" : "skipped").Inc();
        NodeLog.JobDone(logger, id, round, outcome.Status, outcome.Digest);
    }

    // Returns the number of failed tries so far. A row is inserted when the job was enqueued by other means.
    private async Task<int> RecordFailureAsync(string marketId, uint round, string error, BigInteger? bondNeeded)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        var tries = await connection.ExecuteScalarAsync<int>(
            "INSERT INTO node_jobs (market_contract, market_id, round, tries, failed_at, last_error) VALUES (@contract, @m::numeric, @round, 1, @now, @error) " +
            "ON CONFLICT (market_contract, market_id, round) DO UPDATE SET tries = node_jobs.tries + 1, failed_at = @now, last_error = @error RETURNING tries",
            new { contract = Contract, m = marketId, round = (long)round, now, error }).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE node_jobs SET next_try_at = @next, bond_needed = @bond::numeric WHERE market_contract = @contract AND market_id = @m::numeric AND round = @round",
            new
            {
                next = bondNeeded is null ? now + Backoff(tries, options.RetryBackoff, options.RetryBackoffCap) : (DateTimeOffset?)null,
                bond = bondNeeded?.ToString(CultureInfo.InvariantCulture),
                contract = Contract,
                m = marketId,
                round = (long)round,
            }).ConfigureAwait(false);
        return tries;
    }
}
