using System.Globalization;
using System.Numerics;
using Dapper;
using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Nethereum.Web3;
using Npgsql;
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
public sealed class DisputeWatcher(IWeb3 web3, NodeOptions options, NpgsqlDataSource db, ILogger logger)
{
    private static readonly string AttestedTopic = "0x" + ABITypedRegistry.GetEvent<AttestedEvent>().Sha3Signature.ToLowerInvariant();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (web3.TransactionManager?.Account?.Address is not { } me)
        {
            return;
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('oracle_reports') IS NOT NULL").ConfigureAwait(false))
        {
            return;
        }

        var contract = options.MarketAddress.ToLowerInvariant();
        var mine = (await connection.QueryAsync<(string Market, long Round, string Digest)>(
            "SELECT market_id::text, round, digest FROM oracle_reports WHERE signer = @me AND market_contract = @contract",
            new { me = me.ToLowerInvariant(), contract }).ConfigureAwait(false)).ToList();
        if (mine.Count == 0)
        {
            return;
        }

        await RecordOutcomesAsync(connection).ConfigureAwait(false);
        var signing = new ReportSigning(await web3.Eth.ChainId.SendRequestAsync().ConfigureAwait(false), options.MarketAddress);
        foreach (var (market, round, digest) in mine)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = BigInteger.Parse(market, CultureInfo.InvariantCulture);
            await DisputeIfWrongAsync(connection, me, id, (uint)round, Bytes32.Parse(digest), cancellationToken).ConfigureAwait(false);
            await ProveEquivocationsAsync(connection, me, signing, id, (uint)round, cancellationToken).ConfigureAwait(false);
        }

        NodeMetrics.DisputeBondsSpent.Set((double)await SpentAsync(connection).ConfigureAwait(false));
    }

    private async Task DisputeIfWrongAsync(NpgsqlConnection connection, string me, BigInteger id, uint round, Bytes32 ours, CancellationToken cancellationToken)
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

        var key = new { contract = options.MarketAddress.ToLowerInvariant(), market = id.ToString(CultureInfo.InvariantCulture), round = (long)round };
        if (await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM node_disputes WHERE market_contract = @contract AND market_id = @market::numeric AND round = @round)", key).ConfigureAwait(false))
        {
            return;
        }

        var config = (await web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(options.MarketAddress, new MarketConfigFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
        var bond = config.DisputeBond;
        var budget = await BudgetAsync(me).ConfigureAwait(false);
        var spent = await SpentAsync(connection).ConfigureAwait(false);
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
        await connection.ExecuteAsync(
            "INSERT INTO node_disputes (market_contract, market_id, round, accepted_digest, our_digest, bond, tx_hash) VALUES (@contract, @market::numeric, @round, @accepted, @ours, @bond::numeric, @tx)",
            new { key.contract, key.market, key.round, accepted = accepted.ToString(), ours = ours.ToString(), bond = bond.ToString(CultureInfo.InvariantCulture), tx = receipt.TransactionHash }).ConfigureAwait(false);
        NodeMetrics.Disputes.Inc();
        NodeLog.Disputed(logger, id, round, accepted.ToString(), ours.ToString(), bond, receipt.TransactionHash);
    }

    // An oracle with two Attested logs for different digests in one market and round signed both: the attest
    // transactions carry the reports and signatures that prove it.
    private async Task ProveEquivocationsAsync(NpgsqlConnection connection, string me, ReportSigning signing, BigInteger id, uint round, CancellationToken cancellationToken)
    {
        var logs = await MarketLogs.ReadAsync(web3, options.MarketAddress, id, options.LogWindow, cancellationToken, AttestedTopic, round).ConfigureAwait(false);
        var attested = logs.Select(l => (Log: l, Event: l.DecodeEvent<AttestedEvent>().Event)).ToList();
        var twoFaced = attested.GroupBy(a => a.Event.Signer.ToLowerInvariant())
            .Where(g => g.Select(a => new Bytes32(a.Event.Digest)).Distinct().Count() > 1);
        foreach (var group in twoFaced)
        {
            var key = new { contract = options.MarketAddress.ToLowerInvariant(), market = id.ToString(CultureInfo.InvariantCulture), round = (long)round, signer = group.Key };
            var first = await connection.ExecuteAsync(
                "INSERT INTO node_equivocations (market_contract, market_id, round, signer) VALUES (@contract, @market::numeric, @round, @signer) ON CONFLICT DO NOTHING", key).ConfigureAwait(false) == 1;
            if (!first)
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
            await connection.ExecuteAsync(
                "UPDATE node_equivocations SET tx_hash = @tx WHERE market_contract = @contract AND market_id = @market::numeric AND round = @round AND signer = @signer",
                new { key.contract, key.market, key.round, key.signer, tx = receipt.TransactionHash }).ConfigureAwait(false);
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
    private async Task RecordOutcomesAsync(NpgsqlConnection connection)
    {
        var contract = options.MarketAddress.ToLowerInvariant();
        var open = await connection.QueryAsync<(string Market, long Round)>(
            "SELECT market_id::text, round FROM node_disputes WHERE market_contract = @contract AND outcome IS NULL", new { contract }).ConfigureAwait(false);
        foreach (var (market, round) in open)
        {
            var id = BigInteger.Parse(market, CultureInfo.InvariantCulture);
            var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(options.MarketAddress, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            var status = (MarketStatus)state.Status;
            var settled = state.Round > round || status is MarketStatus.Finalized or MarketStatus.Cancelled or MarketStatus.Forfeited;
            // A rerun (the report fell only through an input recorded as unavailable) pays the bond to the signers;
            // so does a report that stood (finalized, or a verdict upheld: forfeited). An overturn or an expired
            // dispute refunds it.
            var rerun = settled && (await MarketLogs.ReadAsync(web3, options.MarketAddress, id, options.LogWindow, CancellationToken.None,
                DisputeRerunTopic, round).ConfigureAwait(false)).Count > 0;
            var outcome = !settled ? null
                : rerun || (state.Round == round && status is MarketStatus.Finalized or MarketStatus.Forfeited) ? "lost"
                : "refunded";
            if (outcome is not null)
            {
                await connection.ExecuteAsync(
                    "UPDATE node_disputes SET outcome = @outcome WHERE market_contract = @contract AND market_id = @market::numeric AND round = @round",
                    new { outcome, contract, market, round }).ConfigureAwait(false);
            }
        }
    }

    private static readonly string DisputeRerunTopic = "0x" + ABITypedRegistry.GetEvent<DisputeRerunEvent>().Sha3Signature.ToLowerInvariant();

    // Only bonds at risk (dispute open) or lost count against the budget; refunded ones came back.
    private async Task<BigInteger> SpentAsync(NpgsqlConnection connection) =>
        BigInteger.Parse(await connection.ExecuteScalarAsync<string>(
            "SELECT COALESCE(sum(bond), 0)::text FROM node_disputes WHERE market_contract = @contract AND (outcome IS NULL OR outcome = 'lost')",
            new { contract = options.MarketAddress.ToLowerInvariant() }).ConfigureAwait(false) ?? "0", CultureInfo.InvariantCulture);
}
