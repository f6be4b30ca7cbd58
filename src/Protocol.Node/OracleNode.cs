using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Prometheus;
using Protocol.Client.Chain;
using Protocol.Client.Signing;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Files;
using Protocol.Core.Hashing;
using Protocol.Core.Reports;
using Protocol.Evaluation;
using Protocol.Node.Chain;
using Protocol.Node.Evaluation;
using Protocol.Node.Signing;

namespace Protocol.Node;

/// <summary>The oracle's free bond is below its share of a report's security: the attestation waits until enough is unlocked.</summary>
public sealed class BondLockedException(string message, BigInteger free, BigInteger needed, Exception inner) : InvalidOperationException(message, inner)
{
    public BigInteger Free { get; } = free;

    public BigInteger Needed { get; } = needed;
}

/// <summary>What the node did for one market and round.</summary>
public sealed record AttestationOutcome(string Status, Bytes32? Digest, string? TransactionHash, string? OutputFolder)
{
    public static AttestationOutcome Skipped(string why) => new(why, null, null, null);
}

/// <summary>
/// One oracle's job for one market: read it from the chain, evaluate it, publish the canonical files,
/// sign the report once (the ledger refuses a second digest), and attest unless the report is already
/// accepted or already carries this oracle's signature. When the sponsor's inputs cannot be used it signs a
/// verdict instead (<see cref="VerdictReason"/>). A market already in its challenge window is evaluated too, so the
/// dispute watcher can compare the accepted digest with this node's.
/// </summary>
public sealed class OracleNode(
    IWeb3 web3, string marketContract, BigInteger chainId, EthECKey key, ReportLedger ledger, EvaluationPipeline pipeline, string outputRoot, ILogger<OracleNode> logger,
    LogWindow? logWindow = null, PolicyOptions? policy = null)
{
    private readonly LogWindow _logs = logWindow ?? LogWindow.Default;
    private readonly PolicyOptions _policy = policy ?? new PolicyOptions();

    private readonly ReportSigning _signing = new(chainId, marketContract);

    /// <summary>This oracle's address.</summary>
    public string Address { get; } = key.GetPublicAddress();

    public async Task<AttestationOutcome> EvaluateAndAttestAsync(BigInteger marketId, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        var market = await MarketSnapshot.ReadAsync(web3, marketContract, marketId, _logs, cancellationToken).ConfigureAwait(false);
        var inChallenge = market.Phase == MarketPhase.Challenge;
        if (market.Phase != MarketPhase.Evaluation && !inChallenge)
        {
            return AttestationOutcome.Skipped($"not in evaluation (phase {(byte)market.Phase})");
        }

        if (market.GoldHash is null)
        {
            return AttestationOutcome.Skipped("gold set not revealed yet");
        }

        // Before anything is fetched or trained: a market outside the operator's policy costs one log line.
        var registry = await web3.CallAsync<RegistryFunction, string>(marketContract, new RegistryFunction()).ConfigureAwait(false);
        // The matured bond, as the contract's own per-market cap counts it (a top-up still maturing backs nothing yet).
        var backing = await web3.QueryAsync<Protocol.Core.Contracts.OracleRegistryBindings.BackingFunction, Protocol.Core.Contracts.OracleRegistryBindings.BackingOutput>(
            registry, new Protocol.Core.Contracts.OracleRegistryBindings.BackingFunction { Account = Address }).ConfigureAwait(false);
        if (MarketPolicy.Check(_policy, market.Config, market.State, backing.Matured) is { } refusal)
        {
            NodeLog.PolicyRefused(logger, marketId, market.State.Round, refusal.Rule, refusal.Detail);
            NodeMetrics.PolicyRefusals.WithLabels(refusal.Rule).Inc();
            return AttestationOutcome.Skipped($"refused by policy ({refusal.Rule}): {refusal.Detail}");
        }

        Report report;
        Bytes32 digest;
        string folder;
        try
        {
            EvaluationOutcome outcome;
            using (NodeMetrics.EvaluationSeconds.NewTimer())
            {
                outcome = await pipeline.RunAsync(market, chainId, marketContract, progress, cancellationToken).ConfigureAwait(false);
            }

            NodeMetrics.Trainings.Inc(outcome.Result.Metrics.TrainingsRun);
            (report, digest) = (outcome.Report, outcome.Digest);
            folder = await PublishAsync(outcome, cancellationToken).ConfigureAwait(false);
        }
        catch (SponsorInputsUnusableException e)
        {
            report = e.Reason.ToReport(marketId, market.State.Round);
            digest = _signing.Digest(report);
            folder = await PublishVerdictAsync(report, digest, e, cancellationToken).ConfigureAwait(false);
            NodeLog.Verdict(logger, marketId, report.Round, e.Reason.Code, e.Detail);
            NodeMetrics.Verdicts.Inc();
        }

        // Signed (and persisted) in the challenge window too: the dispute watcher compares it with the accepted one.
        var signed = await ledger.SignOnceAsync(report, digest, () => _signing.Sign(report, key), cancellationToken).ConfigureAwait(false);

        var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(marketContract, new MarketStateFunction { MarketId = marketId }).ConfigureAwait(false)).ReturnValue1;
        if (state.Round == report.Round && new Bytes32(state.AcceptedDigest) == signed.Digest)
        {
            return new AttestationOutcome("already accepted", signed.Digest, null, folder);
        }

        if (inChallenge)
        {
            return new AttestationOutcome("evaluated in the challenge window: another report was accepted", signed.Digest, null, folder);
        }

        var signers = await web3.CallAsync<ReportSignersFunction, List<string>>(marketContract, new ReportSignersFunction { Digest = signed.Digest.ToArray() }).ConfigureAwait(false);
        if (signers.Any(s => string.Equals(s, Address, StringComparison.OrdinalIgnoreCase)))
        {
            return new AttestationOutcome("already attested", signed.Digest, null, folder);
        }

        // Stuck or dropped attestations are sent again with the same nonce and higher fees.
        TransactionReceipt receipt;
        try
        {
            receipt = await new TransactionSender(web3, Address)
                .SendAsync(marketContract, new AttestFunction { Report = report, Signatures = [signed.Signature] }, cancellationToken).ConfigureAwait(false);
        }
        catch (SmartContractCustomErrorRevertException e) when (e.IsCustomErrorFor<InsufficientFreeBondError>())
        {
            // Locked behind other markets: the node tries again once enough of its bond is free (ScanJob).
            var error = e.DecodeError<InsufficientFreeBondError>();
            throw new BondLockedException(
                $"attest of market {marketId} round {report.Round} would revert: {RevertExplanation.Describe(e.ExceptionEncodedData)}", error.Free, error.Needed, e);
        }
        catch (SmartContractCustomErrorRevertException e)
        {
            // Named for the operator's log (e.g. InsufficientFreeBond: the bond is too small for this market's payout).
            throw new InvalidOperationException($"attest of market {marketId} round {report.Round} would revert: {RevertExplanation.Describe(e.ExceptionEncodedData)}", e);
        }

        NodeLog.Attested(logger, marketId, report.Round, signed.Digest, receipt.TransactionHash);
        NodeMetrics.Attestations.Inc();
        return new AttestationOutcome("attested", signed.Digest, receipt.TransactionHash, folder);
    }

    // Served folder layout: <root>/<marketId>/<round>/{scores.jsonl, metrics.jsonl, leaves.json, labels.jsonl (in-run specs)}. The leaves
    // file gives every account its amount, score and proof, so claimers need nothing else.
    private async Task<string> PublishAsync(EvaluationOutcome outcome, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(outputRoot, outcome.Report.MarketId.ToString(CultureInfo.InvariantCulture), outcome.Report.Round.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "scores.jsonl"), outcome.ScoresFile, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(folder, "metrics.jsonl"), outcome.MetricsFile, cancellationToken).ConfigureAwait(false);
        await LabelValuesFile.WriteOrRemoveAsync(Path.Combine(folder, "labels.jsonl"), outcome.LabelsFile, cancellationToken).ConfigureAwait(false);
        var leaves = LeavesFile.Create(outcome.Report.MarketId, outcome.Report.Round, outcome.Tree, outcome.Digest, outcome.Leaves);
        await File.WriteAllTextAsync(Path.Combine(folder, LeavesFile.FileName), leaves.ToJson(), cancellationToken).ConfigureAwait(false);
        return folder;
    }

    // A verdict publishes verdict.json (what is wrong, in detail) where a report publishes its scores and leaves.
    private async Task<string> PublishVerdictAsync(Report report, Bytes32 digest, SponsorInputsUnusableException e, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(outputRoot, report.MarketId.ToString(CultureInfo.InvariantCulture), report.Round.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var verdict = VerdictFile.Create(report.MarketId, report.Round, e.Reason, e.Detail, digest);
        await File.WriteAllTextAsync(Path.Combine(folder, VerdictFile.FileName), verdict.ToJson(), cancellationToken).ConfigureAwait(false);
        return folder;
    }
}
