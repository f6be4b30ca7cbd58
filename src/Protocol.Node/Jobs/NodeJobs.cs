using System.Globalization;
using System.Numerics;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Logging;
using Nethereum.Web3;
using Npgsql;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Node.Chain;

namespace Protocol.Node.Jobs;

/// <summary>
/// Recurring: finds markets in their evaluation phase with the gold set revealed (or already in their challenge
/// window, so a report accepted before this node evaluated can still be checked) and enqueues one evaluation job per
/// (market, round) — once, whatever the number of scans or node processes sharing this database (the
/// <c>node_jobs</c> row is the claim). Then it watches: disagreements, disputes, equivocation (<see cref="DisputeWatcher"/>).
/// </summary>
public sealed class ScanJob(IWeb3 web3, NodeOptions options, NpgsqlDataSource db, IBackgroundJobClient jobs, ILogger<ScanJob> logger)
{
    private static readonly string AttestedTopic = "0x" + Nethereum.Contracts.ABITypedRegistry.GetEvent<AttestedEvent>().Sha3Signature.ToLowerInvariant();
    public const string Id = "scan-markets";

    public static async Task EnsureSchemaAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS node_jobs (market_id numeric(78,0) NOT NULL, round bigint NOT NULL, job_id text, enqueued_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (market_id, round))").ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS node_disagreements (market_id numeric(78,0) NOT NULL, round bigint NOT NULL, digest text NOT NULL, signer text NOT NULL, seen_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (market_id, round, digest, signer))").ConfigureAwait(false);
        await DisputeWatcher.EnsureSchemaAsync(connection).ConfigureAwait(false);
    }

    // No DisableConcurrentExecution: a lock held by a killed process would stall every scan after a
    // restart, and overlapping scans are harmless (the node_jobs insert is the claim).
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var count = await web3.CallAsync<MarketCountFunction, BigInteger>(options.MarketAddress, new MarketCountFunction()).ConfigureAwait(false);
        var enqueued = 0;
        for (var id = BigInteger.One; id <= count; id++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var phase = await web3.CallAsync<PhaseFunction, byte>(options.MarketAddress, new PhaseFunction { MarketId = id }).ConfigureAwait(false);
            if (phase != MarketSnapshot.EvaluationPhase && phase != MarketSnapshot.ChallengePhase)
            {
                continue;
            }

            var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(options.MarketAddress, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            if (state.GoldRevealed && await ClaimAsync(id, state.Round, cancellationToken).ConfigureAwait(false))
            {
                var marketId = id.ToString(CultureInfo.InvariantCulture);
                var jobId = jobs.Enqueue<EvaluateJob>(job => job.RunAsync(marketId, state.Round, CancellationToken.None));
                await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync("UPDATE node_jobs SET job_id = @jobId WHERE market_id = @m::numeric AND round = @round", new { jobId, m = marketId, round = (long)state.Round }).ConfigureAwait(false);
                NodeLog.Enqueued(logger, id, state.Round, jobId);
                enqueued++;
            }
        }

        await WatchDisagreementsAsync(cancellationToken).ConfigureAwait(false);
        await new DisputeWatcher(web3, options, db, logger).RunAsync(cancellationToken).ConfigureAwait(false);
        if (web3.TransactionManager?.Account?.Address is { } me)
        {
            NodeMetrics.WalletBalance.Set((double)Nethereum.Util.UnitConversion.Convert.FromWei(await web3.Eth.GetBalance.SendRequestAsync(me).ConfigureAwait(false)));
        }

        return enqueued;
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
            var attested = MarketSnapshot.Decode<AttestedEvent>(logs);
            foreach (var other in attested.Where(e => !string.Equals("0x" + Convert.ToHexStringLower(e.Digest), digest, StringComparison.Ordinal)))
            {
                var otherDigest = "0x" + Convert.ToHexStringLower(other.Digest);
                var first = await connection.ExecuteAsync(
                    "INSERT INTO node_disagreements (market_id, round, digest, signer) VALUES (@market::numeric, @round, @otherDigest, @signer) ON CONFLICT DO NOTHING",
                    new { market, round, otherDigest, signer = other.Signer.ToLowerInvariant() }).ConfigureAwait(false) == 1;
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
            "INSERT INTO node_jobs (market_id, round) VALUES (@m::numeric, @round) ON CONFLICT DO NOTHING",
            new { m = marketId.ToString(CultureInfo.InvariantCulture), round = (long)round }).ConfigureAwait(false) == 1;
    }
}

/// <summary>One market and round: evaluate, publish, sign once, attest (retried by Hangfire on failure).</summary>
public sealed class EvaluateJob(OracleNode node, ILogger<EvaluateJob> logger)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(string marketId, uint round, CancellationToken cancellationToken)
    {
        var id = BigInteger.Parse(marketId, CultureInfo.InvariantCulture);
        var progress = new Progress<Protocol.Evaluation.EvaluationProgress>(p => NodeLog.Progress(logger, id, round, p.TrainingsDone, p.TrainingsTotal));
        AttestationOutcome outcome;
        try
        {
            outcome = await node.EvaluateAndAttestAsync(id, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            NodeMetrics.Jobs.WithLabels("failed").Inc();
            throw;
        }

        NodeMetrics.Jobs.WithLabels(outcome.Status == "attested" ? "attested" : "skipped").Inc();
        NodeLog.JobDone(logger, id, round, outcome.Status, outcome.Digest);
    }
}
