using Protocol.Indexer.Schema;

namespace Protocol.Indexer.Storage;

/// <summary>A protocol log decoded into its table's column values.</summary>
public sealed record DecodedEvent(EventTable Table, long BlockNumber, int LogIndex, DateTimeOffset BlockTime, string BlockHash, string TxHash, object?[] Values);
