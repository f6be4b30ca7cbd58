using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Protocol.Client.Chain;
using Protocol.Client.Fetching;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Hashing;
using Protocol.Node.Inputs;

namespace Protocol.Node.Chain;

/// <summary>Everything the node reads from the chain to evaluate one market.</summary>
public sealed record MarketSnapshot(
    BigInteger MarketId,
    MarketConfig Config,
    MarketState State,
    MarketPhase Phase,
    string TaskPoolUri,
    string EvalSpecUri,
    string? GoldUri,
    IReadOnlyList<RevealedSubmission> Submissions)
{
    public Bytes32 TaskPoolHash => new(Config.TaskPoolHash);

    public Bytes32 EvalSpecHash => new(Config.EvalSpecHash);

    public Bytes32? GoldHash => State.GoldRevealed ? new Bytes32(State.GoldHash) : null;

    /// <summary>Reads the market's views and its events (URIs live only in events).</summary>
    public static async Task<MarketSnapshot> ReadAsync(IWeb3 web3, string market, BigInteger marketId, LogWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(web3);
        cancellationToken.ThrowIfCancellationRequested();
        var config = (await web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(market, new MarketConfigFunction { MarketId = marketId }).ConfigureAwait(false)).ReturnValue1;
        var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(market, new MarketStateFunction { MarketId = marketId }).ConfigureAwait(false)).ReturnValue1;
        var phase = await web3.PhaseAsync(market, marketId).ConfigureAwait(false);

        var logs = await MarketLogs.ReadAsync(web3, market, marketId, window, cancellationToken).ConfigureAwait(false);
        var created = MarketLogs.Decode<MarketCreatedEvent>(logs);
        var gold = MarketLogs.Decode<GoldRevealedEvent>(logs);
        var commits = MarketLogs.Decode<CommittedEvent>(logs);
        var reveals = MarketLogs.Decode<RevealedEvent>(logs).ToDictionary(r => r.Curator.ToLowerInvariant());
        var parameters = created.SingleOrDefault()?.Params
            ?? throw new InvalidOperationException($"market {marketId} has no MarketCreated event at {market} from block {window.StartBlock}");

        var submissions = commits
            .Select(c => reveals.TryGetValue(c.Curator.ToLowerInvariant(), out var r)
                ? new RevealedSubmission(c.Curator.ToLowerInvariant(), c.Stake, new Bytes32(r.LabelsHash), r.Uri)
                : new RevealedSubmission(c.Curator.ToLowerInvariant(), c.Stake, null, null))
            .OrderBy(s => s.Curator, StringComparer.Ordinal)
            .ToList();
        return new MarketSnapshot(marketId, config, state, phase, parameters.TaskPoolURI, parameters.EvalSpecURI, gold.LastOrDefault()?.Uri, submissions);
    }
}
