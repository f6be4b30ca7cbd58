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

    // The last lookup: one range's logs mostly repeat an event, and the parser hands out one string per run
    // of equal topics, so a reference check saves hashing two strings per log.
    // (An object, replaced whole: ranges are decoded on concurrent tasks.)
    private Lookup? _last;

    private sealed record Lookup(string Address, string Topic0, EventTable Table);

    /// <exception cref="InvalidDataException">A log of a known event that does not decode: the bindings and the chain disagree.</exception>
    public DecodedEvent? Decode(RawLog log, long blockTimestamp)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Removed || log.Topics.Length == 0 || Table(log.Address, log.Topics[0]) is not { } table)
        {
            Interlocked.Increment(ref _unknown); // backfill decodes on background tasks
            return null;
        }

        object?[] values;
        try
        {
            values = table.FastDecode is { } fast ? fast(log.Topics, log.Data) : DecodeWithNethereum(table, log);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{table.EventName} log {log.TransactionHash}#{log.LogIndex} in block {log.BlockNumber} does not decode: {e.GetBaseException().Message}", e);
        }

        return new DecodedEvent(table, log.BlockNumber, log.LogIndex, DateTimeOffset.FromUnixTimeSeconds(blockTimestamp), log.BlockHash, log.TransactionHash, values);
    }

    private EventTable? Table(string address, string topic0)
    {
        if (_last is { } last && ReferenceEquals(last.Address, address) && ReferenceEquals(last.Topic0, topic0))
        {
            return last.Table;
        }

        var contract = address == _market ? "FeedbackMarket" : address == _registry ? "OracleRegistry" : null;
        if (contract is null || !EventTables.ByTopic.TryGetValue((contract, topic0), out var table))
        {
            return null;
        }

        _last = new Lookup(address, topic0, table);
        return table;
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
            Data = "0x" + Convert.ToHexStringLower(log.Data),
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
