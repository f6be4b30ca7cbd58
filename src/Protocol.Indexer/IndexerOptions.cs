using System.ComponentModel.DataAnnotations;

namespace Protocol.Indexer;

/// <summary>Configuration of one indexer (section <c>Indexer</c>).</summary>
public sealed class IndexerOptions
{
    [Display(ShortName = "--rpc", Prompt = "URL", Description = "the chain's JSON-RPC endpoint.")]
    [Required]
    public string RpcUrl { get; set; } = "";

    [Display(ShortName = "--db", Prompt = "CONNECTION", Description = "the PostgreSQL database to fill.")]
    [Required]
    public string ConnectionString { get; set; } = "";

    [Display(ShortName = "--market", Prompt = "ADDRESS", Description = "the FeedbackMarket contract.")]
    [Required]
    public string MarketAddress { get; set; } = "";

    [Display(ShortName = "--registry", Prompt = "ADDRESS", Description = "the OracleRegistry contract.")]
    [Required]
    public string RegistryAddress { get; set; } = "";

    [Display(ShortName = "--start-block", Prompt = "N", Description = "the first block to index: the contracts' deployment block (default 0).")]
    [Range(0, long.MaxValue)]
    public long StartBlock { get; set; }

    [Display(ShortName = "--reorg-depth", Prompt = "N", Description = "blocks behind the head that can still be reorganised (default 64): followed block by block, their hashes kept, rolled back to the common ancestor when the chain replaces them (Ponder uses 30-250 blocks by chain; rindexer 20-200).")]
    [Range(1, 10_000)]
    public int ReorgDepth { get; set; } = 64;

    /// <summary>First eth_getLogs range when backfilling; it grows on success and halves on errors.</summary>
    [Range(1, 1_000_000)]
    public int InitialBlockRange { get; set; } = 2_000;

    /// <summary>Largest eth_getLogs range.</summary>
    [Range(1, 10_000_000)]
    public int MaxBlockRange { get; set; } = 100_000;

    /// <summary>
    /// Logs per backfill batch: ranges are sized to hold about 80% of this, and an answer with more is
    /// written in parts at block boundaries (a single block is never split).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxLogsPerRequest { get; set; } = 20_000;

    /// <summary>Wait between polls of the head once caught up.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of one JSON-RPC request.</summary>
    public TimeSpan RpcTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cron schedule of the consistency check (a Hangfire recurring job); empty turns it off.</summary>
    public string ConsistencyCheckCron { get; set; } = "*/10 * * * *";

    /// <summary>Cron schedule of the materialised-view refresh (a Hangfire recurring job); empty turns it off.</summary>
    public string RefreshViewsCron { get; set; } = "*/5 * * * *";

    /// <summary>Attempts per JSON-RPC request (transient errors are retried with backoff) before the step counts as an outage.</summary>
    [Range(1, 100)]
    public int RpcAttempts { get; set; } = 6;

    /// <summary>
    /// Longest wait between retries while the chain or the database is unreachable after start (the wait doubles from
    /// one second up to this; the indexer never gives up on an outage, only on errors at start or non-transient ones).
    /// </summary>
    public TimeSpan OutageBackoffCap { get; set; } = TimeSpan.FromSeconds(30);
}
