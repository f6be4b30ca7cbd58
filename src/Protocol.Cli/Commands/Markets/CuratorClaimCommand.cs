using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.RPC.Eth.DTOs;
using Protocol.Core.Contracts;
using Nethereum.Web3;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Protocol.Core.Merkle;
using Protocol.Core.Payouts;
using Spectre.Console.Cli;

namespace Protocol.Cli.Commands;

/// <summary>
/// <c>fmp curator claim</c>: take what a market owes the key. A settled market pays its leaf: the leaf and proof come
/// from an oracle's published report (<c>&lt;reports&gt;/reports/&lt;market&gt;/&lt;round&gt;/leaves.json</c>) and are checked
/// against the accepted root before anything is sent. A cancelled or forfeited market refunds the stake.
/// </summary>
public sealed class CuratorClaimCommand : AsyncCommand<CuratorClaimCommand.Settings>
{
    public sealed class Settings : MarketKeySettings
    {
        [CommandOption("--reports <URL>")]
        [Description("Where an oracle publishes its reports, e.g. http://127.0.0.1:9466 (its Node:ReportsPort; or FMP_REPORTS); needed for a settled market.")]
        public string? Reports { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        OracleGuard.RunAsync(async () =>
        {
            var m = await MarketSession.OpenAsync(settings, market: true, cancellationToken).ConfigureAwait(false);
            var (id, address) = (m.Id, m.Address);
            await Console.Out.WriteLineAsync($"{address}, market {id} at {m.Market}: phase {m.PhaseName}").ConfigureAwait(false);

            Func<Task<TransactionReceipt>> send;
            if (m.Phase.IsFailed())
            {
                var mine = await m.SubmissionAsync().ConfigureAwait(false);
                if (mine.Stake.IsZero)
                {
                    throw new OracleCommandException($"{address} did not commit to market {id}: it has nothing to refund");
                }

                if (mine.Refunded)
                {
                    throw new OracleCommandException($"the stake of {address} in market {id} was already refunded");
                }

                send = () => m.SendAsync("refund", m.Market, new RefundFunction { MarketId = id, Curator = address }, cancellationToken);
            }
            else if (m.Phase == MarketPhase.Finalized && string.Equals(m.Config.Sponsor, address, StringComparison.OrdinalIgnoreCase) && (await m.SubmissionAsync().ConfigureAwait(false)).Stake.IsZero)
            {
                // The remainder leaf is the burn address's: a sponsor that did not also curate has nothing to claim, and
                // a 0-token claim would only cost it gas.
                await Console.Out.WriteLineAsync($"{address} is the sponsor of market {id} and did not curate it: nothing to claim (the pool's remainder leaf goes to the burn address {ProtocolConstants.BurnAddress}, not to the sponsor); nothing was sent").ConfigureAwait(false);
                return 0;
            }
            else if (m.Phase == MarketPhase.Finalized)
            {
                var claim = await ClaimFromReportAsync(m.Reader, settings.Reports ?? Environment.GetEnvironmentVariable("FMP_REPORTS"), m.Market, id, address, m.State, cancellationToken).ConfigureAwait(false);
                send = () => m.SendAsync("claim", m.Market, claim, cancellationToken);
            }
            else
            {
                throw new OracleCommandException($"market {id} is in phase {m.PhaseName}{m.PhaseEnds()}: claims open once it is finalized (after the challenge window), refunds once it is cancelled or forfeited");
            }

            await m.RequireGasMoneyAsync().ConfigureAwait(false);
            var before = await m.BalanceAsync(m.Config.Token, address).ConfigureAwait(false);
            await send().ConfigureAwait(false);
            var after = await m.BalanceAsync(m.Config.Token, address).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"paid {m.Token.Format(after - before)} to {address}").ConfigureAwait(false);
            return 0;
        });

    // The leaf and proof from the oracle's leaves.json, checked against the accepted root and the claimed flags.
    private static async Task<ClaimFunction> ClaimFromReportAsync(IWeb3 reader, string? reports, string market, BigInteger id, string address, MarketState state, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reports) || !Uri.TryCreate(reports, UriKind.Absolute, out var baseUri))
        {
            throw new OracleCommandException("--reports is required for a settled market: the URL where an oracle publishes its reports, e.g. http://127.0.0.1:9466", 2);
        }

        var accepted = new Bytes32(state.ResultsRoot);
        var (document, url) = await Published.AcceptedLeavesAsync(baseUri, id, state.Round, accepted, cancellationToken).ConfigureAwait(false);
        using var _ = document;
        var entry = document.RootElement.GetProperty("leaves").EnumerateArray()
            .FirstOrDefault(l => string.Equals(l.GetProperty("account").GetString(), address, StringComparison.OrdinalIgnoreCase));
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new OracleCommandException($"the accepted report has no leaf for {address}: it was not a curator of market {id} (or committed with another key)");
        }

        var leaf = new PayoutLeaf(id, entry.GetProperty("account").GetString()!, BigInteger.Parse(entry.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture), entry.GetProperty("scoreBps").GetInt32());
        var proof = entry.GetProperty("proof").EnumerateArray().Select(p => Bytes32.Parse(p.GetString()!)).ToList();
        if (!MerkleTree.Verify(accepted, leaf.Hash, proof))
        {
            throw new OracleCommandException($"the proof for {address} in {url} does not lead to the accepted root {accepted}: the file is corrupt; use another oracle's --reports");
        }

        if (await reader.CallAsync<IsClaimedFunction, bool>(market, new IsClaimedFunction { Leaf = leaf.Hash.ToArray() }).ConfigureAwait(false))
        {
            throw new OracleCommandException($"the leaf of {address} in market {id} ({leaf.Amount} base units) was already claimed");
        }

        await Console.Out.WriteLineAsync($"leaf: amount {leaf.Amount} (token base units), score {leaf.ScoreBps} bps, proof of {proof.Count} checked against the accepted root").ConfigureAwait(false);
        return new ClaimFunction { MarketId = id, Account = leaf.Account, Amount = leaf.Amount, ScoreBps = leaf.ScoreBps, Proof = [.. proof.Select(p => p.ToArray())] };
    }

}
