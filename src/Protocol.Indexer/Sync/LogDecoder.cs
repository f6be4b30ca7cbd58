using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Protocol.Indexer.Rpc;
using Protocol.Indexer.Schema;
using Protocol.Indexer.Storage;

namespace Protocol.Indexer.Sync;

/// <summary>Turns raw logs of the two protocol contracts into rows of their event tables.</summary>
public sealed class LogDecoder(string marketAddress, string registryAddress)
{
    private readonly string _market = marketAddress.ToLowerInvariant();
    private readonly string _registry = registryAddress.ToLowerInvariant();

    /// <summary>Logs skipped because no table knows their topic (e.g. events of a newer contract version).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    private long _unknown;

    /// <exception cref="InvalidDataException">A log of a known event that does not decode: the bindings and the chain disagree.</exception>
    public DecodedEvent? Decode(RawLog log, long blockTimestamp)
    {
        ArgumentNullException.ThrowIfNull(log);
        var contract = log.Address == _market ? "FeedbackMarket" : log.Address == _registry ? "OracleRegistry" : null;
        if (contract is null || log.Removed || log.Topics.Length == 0 || !EventTables.ByTopic.TryGetValue((contract, log.Topics[0]), out var table))
        {
            Interlocked.Increment(ref _unknown); // backfill decodes on a background task
            return null;
        }

        object?[] values;
        try
        {
            values = table.FastDecode is { } fast ? fast(log.Topics, Convert.FromHexString(log.Data.AsSpan(2))) : DecodeWithNethereum(table, log);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{table.EventName} log {log.TransactionHash}#{log.LogIndex} in block {log.BlockNumber} does not decode: {e.GetBaseException().Message}", e);
        }

        return new DecodedEvent(table, log.BlockNumber, log.LogIndex, DateTimeOffset.FromUnixTimeSeconds(blockTimestamp), log.BlockHash, log.TransactionHash, values);
    }

    /// <summary>The reflection-based decoding through the Nethereum bindings (structs; and the reference the fast path is tested against).</summary>
    public static object?[] DecodeWithNethereum(EventTable table, RawLog log)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(log);
        var dto = table.Decode(new FilterLog
        {
            Address = log.Address,
            Topics = [.. log.Topics.Cast<object>()],
            Data = log.Data,
            BlockNumber = new HexBigInteger(log.BlockNumber),
            BlockHash = log.BlockHash,
            TransactionHash = log.TransactionHash,
            LogIndex = new HexBigInteger(log.LogIndex),
        });

        var values = new object?[table.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = table.Columns[i].Read(dto);
        }

        return values;
    }
}
