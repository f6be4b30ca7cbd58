namespace Protocol.Indexer.Rpc;

/// <summary>A log as eth_getLogs returns it: hex fields kept as lower-case hex strings, except its data, decoded to bytes.</summary>
public sealed record RawLog(
    string Address,
    string[] Topics,
    byte[] Data,
    long BlockNumber,
    string BlockHash,
    long? BlockTimestamp,
    string TransactionHash,
    int LogIndex,
    bool Removed);

/// <summary>The header fields the indexer needs.</summary>
public sealed record BlockHeader(long Number, string Hash, string ParentHash, long Timestamp);
