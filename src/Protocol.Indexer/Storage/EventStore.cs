using Dapper;
using Npgsql;
using Protocol.Indexer.Rpc;
using Protocol.Indexer.Schema;

namespace Protocol.Indexer.Storage;

/// <summary>
/// The indexer's writes. A batch (its events, the recent block hashes and the checkpoint) goes into one
/// transaction, so a crash leaves either the whole batch or none of it; events go in through binary COPY.
/// </summary>
public sealed class EventStore(NpgsqlDataSource dataSource)
{
    public async Task<(long Number, string Hash)?> CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<(long, string)?>(
            "SELECT block_number, block_hash FROM indexer_checkpoint").ConfigureAwait(false);
        return row;
    }

    /// <summary>The checkpoint, or null also when the database has no indexer schema yet (before the migrations).</summary>
    public async Task<(long Number, string Hash)?> CheckpointIfAnyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    /// <summary>Stored hashes of recent blocks at or below <paramref name="fromBlock"/>, newest first.</summary>
    public async Task<List<(long Number, string Hash)>> RecentBlocksAsync(long fromBlock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long, string)>(
            "SELECT number, hash FROM chain_blocks WHERE number <= @fromBlock ORDER BY number DESC", new { fromBlock }).ConfigureAwait(false);
        return [.. rows];
    }

    /// <summary>Writes one batch atomically and moves the checkpoint to <paramref name="checkpoint"/>.</summary>
    public async Task WriteBatchAsync(
        IReadOnlyList<DecodedEvent> events, IReadOnlyList<BlockHeader> blocks, BlockHeader checkpoint, long pruneBelow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var group in events.GroupBy(e => e.Table))
        {
            await CopyAsync(connection, group.Key, group, cancellationToken).ConfigureAwait(false);
        }

        if (blocks.Count > 0)
        {
            await connection.ExecuteAsync(
                "INSERT INTO chain_blocks (number, hash, parent_hash, block_time) VALUES (@Number, @Hash, @ParentHash, to_timestamp(@Timestamp)) " +
                "ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, block_time = excluded.block_time",
                blocks, tx).ConfigureAwait(false);
        }

        await connection.ExecuteAsync("DELETE FROM chain_blocks WHERE number < @pruneBelow", new { pruneBelow }, tx).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO indexer_checkpoint (id, block_number, block_hash) VALUES (1, @Number, @Hash) " +
            "ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash, updated_at = now()",
            checkpoint, tx).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes everything above <paramref name="ancestor"/> (a reorg) and moves the checkpoint there.</summary>
    public async Task RollBackAsync(long ancestor, string ancestorHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in EventTables.All)
        {
            await connection.ExecuteAsync($"DELETE FROM {table.Name} WHERE block_number > @ancestor", new { ancestor }, tx).ConfigureAwait(false);
        }

        await connection.ExecuteAsync("DELETE FROM chain_blocks WHERE number > @ancestor", new { ancestor }, tx).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE indexer_checkpoint SET block_number = @ancestor, block_hash = @ancestorHash, updated_at = now()",
            new { ancestor, ancestorHash }, tx).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, EventTable table, IEnumerable<DecodedEvent> rows, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", EventTables.LogColumns.Concat(table.Columns.Select(c => c.Name)));
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(row.BlockNumber, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(row.LogIndex, NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(row.BlockTime, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(row.BlockHash, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(row.TxHash, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < table.Columns.Count; i++)
            {
                await importer.WriteAsync(row.Values[i], table.Columns[i].DbType, cancellationToken).ConfigureAwait(false);
            }
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
