using Hangfire;
using Microsoft.Extensions.Logging;
using Nethereum.Web3;
using Npgsql;
using Protocol.Indexer.Consistency;

namespace Protocol.Indexer.Jobs;

/// <summary>The database disagrees with the chain; the job fails so the Hangfire dashboard shows it.</summary>
public sealed class InconsistentDatabaseException(IReadOnlyList<Difference> differences)
    : Exception($"{differences.Count} difference(s) between the database and the chain: {string.Join("; ", differences.Take(10))}")
{
    public IReadOnlyList<Difference> Differences { get; } = differences;
}

/// <summary>
/// Hangfire recurring job: the consistency check of the indexed database against the contracts. Each
/// difference is logged; any difference fails the job (no automatic retry: the next run checks again).
/// </summary>
public sealed class ConsistencyJob(NpgsqlDataSource db, IndexerOptions options, ILogger<ConsistencyJob> logger)
{
    public const string Id = "consistency-check";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var differences = await new ConsistencyCheck(db, new Web3(options.RpcUrl), options.MarketAddress, options.RegistryAddress)
            .RunAsync(cancellationToken).ConfigureAwait(false);
        foreach (var difference in differences)
        {
            Log.Inconsistent(logger, difference.Subject, difference.Field, difference.Indexed, difference.OnChain);
        }

        if (differences.Count > 0)
        {
            throw new InconsistentDatabaseException(differences);
        }

        Log.Consistent(logger);
    }
}
