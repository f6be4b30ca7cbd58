using System.Globalization;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Protocol.Client.Chain;

/// <summary>
/// Where a client or the node reads the market's logs: from <paramref name="StartBlock"/> (the contract's deployment
/// block) to the head, in <c>eth_getLogs</c> requests of at most <paramref name="MaxRange"/> blocks,
/// since public providers refuse long ranges (commonly 1,000 to 10,000 blocks).
/// </summary>
public sealed record LogWindow(long StartBlock, long MaxRange)
{
    /// <summary>From genesis in ranges of 10,000 blocks.</summary>
    public static LogWindow Default { get; } = new(0, 10_000);
}

/// <summary>Reads every log of one market (all of the contract's market events index the market id first).</summary>
public static class MarketLogs
{
    /// <summary>
    /// The contract's logs whose first indexed argument is <paramref name="marketId"/>, in chain order;
    /// with <paramref name="eventTopic"/> (and <paramref name="secondIndexed"/>) only that event (with that
    /// second indexed argument). A range the provider refuses is halved and tried again; a single block
    /// that still fails is an error.
    /// </summary>
    public static async Task<List<FilterLog>> ReadAsync(
        IWeb3 web3, string contract, BigInteger marketId, LogWindow window, CancellationToken cancellationToken, string? eventTopic = null, BigInteger? secondIndexed = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(window);
        var head = (long)(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().ConfigureAwait(false)).Value;
        object?[] topics = secondIndexed is { } second ? [eventTopic, Word(marketId), Word(second)] : [eventTopic, Word(marketId)];
        var logs = new List<FilterLog>();
        var range = Math.Max(1, window.MaxRange);
        for (var from = window.StartBlock; from <= head;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var to = Math.Min(head, from + range - 1);
            try
            {
                logs.AddRange(await web3.Eth.Filters.GetLogs.SendRequestAsync(new NewFilterInput
                {
                    Address = [contract],
                    FromBlock = new BlockParameter(new HexBigInteger(from)),
                    ToBlock = new BlockParameter(new HexBigInteger(to)),
                    Topics = topics!,
                }).ConfigureAwait(false));
                from = to + 1;
            }
            catch (RpcResponseException) when (to > from)
            {
                range = Math.Max(1, (to - from + 1) / 2);
            }
        }

        return logs;
    }

    /// <summary>The logs of one event among <paramref name="logs"/>, decoded, in order.</summary>
    public static List<T> Decode<T>(IEnumerable<FilterLog> logs)
        where T : class, IEventDTO, new() =>
        [.. logs.Where(l => l.IsLogForEvent<T>()).Select(l => l.DecodeEvent<T>().Event)];

    // An indexed uint as its topic: 32 bytes, hex.
    private static string Word(BigInteger value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(64, '0');
}
