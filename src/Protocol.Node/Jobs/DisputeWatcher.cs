using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Protocol.Client.Chain;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Reports;
using RegistryOracle = Protocol.Core.Contracts.OracleRegistryBindings.OracleFunction;
using RegistryOracleOutput = Protocol.Core.Contracts.OracleRegistryBindings.OracleOutput;
using TokenAllowance = Protocol.Core.Contracts.TestTokenBindings.AllowanceFunction;
using TokenApprove = Protocol.Core.Contracts.TestTokenBindings.ApproveFunction;
using TokenBalanceOf = Protocol.Core.Contracts.TestTokenBindings.BalanceOfFunction;

namespace Protocol.Node.Jobs;

/// <summary>
/// The node as a watcher (run by every scan): for each market and round this node evaluated, it
/// <list type="bullet">
/// <item>disputes an accepted report whose digest differs from its own while the challenge window is open, once, if the
/// market's dispute bond fits what is left of <see cref="NodeOptions.DisputeBudget"/> (bonds of open disputes and of
/// lost ones count; refunded ones do not) and its wallet holds the bond (else it logs an error and counts it), and</item>
/// <item>proves equivocation when one oracle attested two different digests for the same market and round (the two
/// signatures are read back from the attest transactions).</item>
/// </list>
/// </summary>
public sealed class DisputeWatcher(IWeb3 web3, NodeOptions options, NodeStore store, ILogger logger)
{
    /// <summary>Watches each market and round this node signed (<paramref name="attestations"/>: ours, and the round's Attested logs).</summary>
    public async Task RunAsync(string me, IReadOnlyList<(SignedRow Ours, List<FilterLog> Logs)> attestations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(attestations);
        if (attestations.Count == 0)
        {
            return;
        }

        await RecordOutcomesAsync(cancellationToken).ConfigureAwait(false);
        var signing = new ReportSigning(await web3.Eth.ChainId.SendRequestAsync().ConfigureAwait(false), options.MarketAddress);
        foreach (var (ours, logs) in attestations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await DisputeIfWrongAsync(me, ours.MarketId, ours.Round, ours.Digest, cancellationToken).ConfigureAwait(false);
            await ProveEquivocationsAsync(me, signing, ours.MarketId, ours.Round, logs, cancellationToken).ConfigureAwait(false);
        }

        NodeMetrics.DisputeBondsSpent.Set((double)await store.DisputeBondsSpentAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task DisputeIfWrongAsync(string me, BigInteger id, uint round, Bytes32 ours, CancellationToken cancellationToken)
    {
        if (await web3.PhaseAsync(options.MarketAddress, id).ConfigureAwait(false) != MarketPhase.Challenge)
        {
            return;
        }

        var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(options.MarketAddress, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
        var accepted = new Bytes32(state.AcceptedDigest);
        if (state.Round != round || accepted == ours)
        {
            return;
        }

        if (await store.HasDisputedAsync(id, round, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var config = (await web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(options.MarketAddress, new MarketConfigFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
        var bond = config.DisputeBond;
        var budget = await BudgetAsync(me).ConfigureAwait(false);
        var spent = await store.DisputeBondsSpentAsync(cancellationToken).ConfigureAwait(false);
        if (spent + bond > budget)
        {
            NodeLog.DisputeOverBudget(logger, id, round, accepted.ToString(), ours.ToString(), bond, spent, budget);
            NodeMetrics.DisputesSkipped.Inc();
            return;
        }

        // With a budget on by default, a wallet without the tokens is told, not a transaction that reverts every scan.
        var balance = await web3.CallAsync<TokenBalanceOf, BigInteger>(config.Token, new TokenBalanceOf { Account = me }).ConfigureAwait(false);
        if (balance < bond)
        {
            NodeLog.DisputeUnfunded(logger, id, round, accepted.ToString(), ours.ToString(), bond, balance);
            NodeMetrics.DisputesSkipped.Inc();
            return;
        }

        var sender = new TransactionSender(web3, me);
        var allowance = await web3.CallAsync<TokenAllowance, BigInteger>(config.Token, new TokenAllowance { Owner = me, Spender = options.MarketAddress }).ConfigureAwait(false);
        if (allowance < bond)
        {
            await sender.SendAsync(config.Token, new TokenApprove { Spender = options.MarketAddress, Value = bond }, cancellationToken).ConfigureAwait(false);
        }

        var receipt = await sender.SendAsync(options.MarketAddress, new DisputeFunction { MarketId = id }, cancellationToken).ConfigureAwait(false);
        await store.RecordDisputeAsync(id, round, accepted, ours, bond, receipt.TransactionHash, CancellationToken.None).ConfigureAwait(false);
        NodeMetrics.Disputes.Inc();
        NodeLog.Disputed(logger, id, round, accepted.ToString(), ours.ToString(), bond, receipt.TransactionHash);
    }

    // An oracle with two Attested logs for different digests in one market and round signed both: the attest
    // transactions carry the reports and signatures that prove it.
    private async Task ProveEquivocationsAsync(string me, ReportSigning signing, BigInteger id, uint round, List<FilterLog> logs, CancellationToken cancellationToken)
    {
        var attested = logs.Select(l => (Log: l, Event: l.DecodeEvent<AttestedEvent>().Event)).ToList();
        var twoFaced = attested.GroupBy(a => a.Event.Signer.ToLowerInvariant())
            .Where(g => g.Select(a => new Bytes32(a.Event.Digest)).Distinct().Count() > 1);
        foreach (var group in twoFaced)
        {
            if (!await store.ClaimEquivocationAsync(id, round, group.Key, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var proofs = new List<(Report Report, byte[] Signature, Bytes32 Digest)>();
            foreach (var tx in group.Select(a => a.Log.TransactionHash).Distinct())
            {
                var transaction = await web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(tx).ConfigureAwait(false);
                if (!transaction.IsTransactionForFunctionMessage<AttestFunction>())
                {
                    continue; // relayed through another contract: the signature is not in this transaction's input
                }

                var call = transaction.DecodeTransactionToFunctionMessage<AttestFunction>();
                var signature = call.Signatures.FirstOrDefault(s => string.Equals(signing.Recover(call.Report, s), group.Key, StringComparison.OrdinalIgnoreCase));
                var digest = signing.Digest(call.Report);
                if (signature is not null && proofs.All(p => p.Digest != digest))
                {
                    proofs.Add((call.Report, signature, digest));
                }
            }

            if (proofs.Count < 2)
            {
                continue;
            }

            var (a, b) = (proofs[0], proofs[1]);
            var receipt = await new TransactionSender(web3, me).SendAsync(options.MarketAddress, new ProveEquivocationFunction
            {
                A = a.Report, SignatureA = a.Signature, B = b.Report, SignatureB = b.Signature,
            }, cancellationToken).ConfigureAwait(false);
            await store.RecordEquivocationProofAsync(id, round, group.Key, receipt.TransactionHash, CancellationToken.None).ConfigureAwait(false);
            NodeMetrics.EquivocationsProven.Inc();
            NodeLog.EquivocationProven(logger, id, round, group.Key, a.Digest.ToString(), b.Digest.ToString(), receipt.TransactionHash);
        }
    }

    /// <summary>
    /// <see cref="NodeOptions.DisputeBudget"/> in token base units: the number itself, or its percentage of this
    /// oracle's registry bond.
    /// </summary>
    private async Task<BigInteger> BudgetAsync(string me)
    {
        if (!options.DisputeBudget.EndsWith('%'))
        {
            return BigInteger.Parse(options.DisputeBudget, CultureInfo.InvariantCulture);
        }

        var basisPoints = (BigInteger)Math.Round(decimal.Parse(options.DisputeBudget.TrimEnd('%'), CultureInfo.InvariantCulture) * 100);
        var registry = await web3.CallAsync<RegistryFunction, string>(options.MarketAddress, new RegistryFunction()).ConfigureAwait(false);
        var oracle = (await web3.QueryAsync<RegistryOracle, RegistryOracleOutput>(registry, new RegistryOracle { Account = me }).ConfigureAwait(false)).ReturnValue1;
        return oracle.Bond * basisPoints / 10_000;
    }

    // What became of each open dispute, read from the market: an overturn (a new round, or a cancel after the last) or
    // an expired dispute refunded the bond to this node; a report that stood, or a rerun, paid it to the signers.
    private async Task RecordOutcomesAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, round) in await store.OpenDisputesAsync(cancellationToken).ConfigureAwait(false))
        {
            var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(options.MarketAddress, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            var status = (MarketStatus)state.Status;
            var settled = state.Round > round || status is MarketStatus.Finalized or MarketStatus.Cancelled or MarketStatus.Forfeited;
            // A rerun (the report fell only through an input recorded as unavailable) pays the bond to the signers;
            // so does a report that stood (finalized, or a verdict upheld: forfeited). An overturn or an expired
            // dispute refunds it.
            var rerun = settled && (await MarketLogs.ReadAsync(web3, options.MarketAddress, id, options.LogWindow, CancellationToken.None,
                DisputeRerunTopic, round).ConfigureAwait(false)).Count > 0;
            if (settled)
            {
                var lost = rerun || (state.Round == round && status is MarketStatus.Finalized or MarketStatus.Forfeited);
                await store.SetDisputeOutcomeAsync(id, round, lost ? DisputeOutcome.Lost : DisputeOutcome.Refunded, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static readonly string DisputeRerunTopic = "0x" + ABITypedRegistry.GetEvent<DisputeRerunEvent>().Sha3Signature.ToLowerInvariant();
}
