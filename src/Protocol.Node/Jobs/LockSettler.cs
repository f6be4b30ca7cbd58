using System.Numerics;
using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Nethereum.Web3;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;

namespace Protocol.Node.Jobs;

/// <summary>
/// Frees this oracle's bond as soon as the markets it is locked behind may settle (run by every scan): for each market
/// this node signed whose accepted report it backs, once the market's phase says it is over but the contract has not
/// recorded it yet, it sends <c>finalize</c> (challenge window over, a payout report), <c>forfeit</c> (an accepted
/// verdict) or <c>cancel</c> (a dispute the arbiter left unresolved). Nobody else has a reason to pay for these calls
/// in time, and until one is made the bond stays locked and the node cannot attest other markets.
/// </summary>
public sealed class LockSettler(IWeb3 web3, NodeOptions options, ILogger logger)
{
    /// <summary>Settles what <paramref name="me"/>'s bond is locked behind among the markets of the reports it signed (<paramref name="reports"/>).</summary>
    public async Task RunAsync(string me, IReadOnlyList<SignedRow> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reports);
        foreach (var id in reports.Select(s => s.MarketId).Distinct())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(options.MarketAddress, new MarketStateFunction { MarketId = id }).ConfigureAwait(false)).ReturnValue1;
            var status = (MarketStatus)state.Status;
            if (status is not (MarketStatus.Accepted or MarketStatus.Disputed))
            {
                continue; // nothing accepted, or already settled: no lock to free
            }

            var phase = await web3.PhaseAsync(options.MarketAddress, id).ConfigureAwait(false);
            var action = (status, phase) switch
            {
                (MarketStatus.Accepted, MarketPhase.Finalized) => "finalize",
                (MarketStatus.Accepted, MarketPhase.Forfeited) => "forfeit",
                (MarketStatus.Disputed, MarketPhase.Cancelled) => "cancel",
                _ => null,
            };
            if (action is null)
            {
                continue;
            }

            var signers = await web3.CallAsync<AcceptedSignersFunction, List<string>>(options.MarketAddress, new AcceptedSignersFunction { MarketId = id }).ConfigureAwait(false);
            if (!signers.Any(s => string.Equals(s, me, StringComparison.OrdinalIgnoreCase)))
            {
                continue; // another report was accepted: this node's bond is not locked behind it
            }

            try
            {
                var sender = new TransactionSender(web3, me);
                var receipt = action switch
                {
                    "finalize" => await sender.SendAsync(options.MarketAddress, new FinalizeFunction { MarketId = id }, cancellationToken).ConfigureAwait(false),
                    "forfeit" => await sender.SendAsync(options.MarketAddress, new ForfeitFunction { MarketId = id }, cancellationToken).ConfigureAwait(false),
                    _ => await sender.SendAsync(options.MarketAddress, new CancelFunction { MarketId = id }, cancellationToken).ConfigureAwait(false),
                };
                NodeMetrics.Settlements.WithLabels(action).Inc();
                NodeLog.Settled(logger, id, action, receipt.TransactionHash);
            }
            catch (SmartContractCustomErrorRevertException)
            {
                // Someone settled it between the read and the send (AlreadySettled): the bond is free all the same.
            }
        }
    }
}
