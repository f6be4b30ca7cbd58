using Microsoft.Extensions.Logging;
using System.Numerics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Npgsql;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.DevChain;
using Protocol.Indexer;
using Protocol.Indexer.Consistency;
using Protocol.Indexer.Schema;
using Protocol.Indexer.Sync;
using Xunit;

namespace Protocol.TestSupport;

/// <summary>Builds indexers for a deployment and checks a database against the chain.</summary>
public static class IndexerHarness
{
    public static ChainIndexer Create(ProtocolDeployment d, NpgsqlDataSource db, string rpcUrl, int reorgDepth, TimeSpan? rpcTimeout = null, int initialRange = 2_000, int maxLogs = 20_000, ILogger<ChainIndexer>? logger = null, Action<IndexerOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new IndexerOptions
        {
            RpcUrl = rpcUrl, ConnectionString = "", MarketAddress = d.MarketAddress, RegistryAddress = d.RegistryAddress,
            StartBlock = d.StartBlock, ReorgDepth = reorgDepth, InitialBlockRange = initialRange,
            RpcTimeout = rpcTimeout ?? TimeSpan.FromSeconds(10), RpcAttempts = 8, MaxLogsPerRequest = maxLogs,
        };
        configure?.Invoke(options);
        return new ChainIndexer(options, db, new HttpClient(), logger ?? NullLogger<ChainIndexer>.Instance, clock);
    }

    /// <summary>
    /// Waits up to 60 s until the indexer's checkpoint in <paramref name="database"/> reaches the chain's head, failing as
    /// soon as <paramref name="stopped"/> says the indexer stopped; <paramref name="state"/> (its log, say) goes into
    /// either failure.
    /// </summary>
    public static async Task WaitForHeadAsync(AnvilFixture anvil, NpgsqlDataSource database, Func<bool> stopped, Func<string> state)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        ArgumentNullException.ThrowIfNull(stopped);
        ArgumentNullException.ThrowIfNull(state);
        var head = (long)(await anvil.LatestBlockAsync()).Number.Value;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (((await new Protocol.Indexer.Storage.EventStore(database).CheckpointIfAnyAsync(CancellationToken.None))?.Number ?? -1) < head)
        {
            Assert.False(stopped(), $"the indexer stopped: {state()}");
            Assert.True(DateTime.UtcNow < deadline, $"the indexer did not reach block {head} in 60 s: {state()}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Every protocol log on the chain (fetched with Nethereum, independently of the indexer's client) is
    /// a row of its event table, with the same block, position, block hash and transaction; no row is
    /// anything else; and the checkpoint is the chain's block with the chain's hash.
    /// </summary>
    public static async Task AssertRowsAreTheChainsLogsAsync(AnvilFixture anvil, ProtocolDeployment d, NpgsqlDataSource db)
    {
        var logs = await anvil.Web3.Eth.Filters.GetLogs.SendRequestAsync(new NewFilterInput
        {
            FromBlock = new BlockParameter(new HexBigInteger(d.StartBlock)),
            ToBlock = BlockParameter.CreateLatest(),
            Address = [d.MarketAddress, d.RegistryAddress],
        });
        var expected = logs
            .Select(l => $"{l.BlockNumber.Value}/{l.LogIndex.Value}/{l.BlockHash.ToLowerInvariant()}/{l.TransactionHash.ToLowerInvariant()}/{l.Topics[0].ToString()!.ToLowerInvariant()}")
            .Order(StringComparer.Ordinal).ToList();

        await using var connection = await db.OpenConnectionAsync();
        var actual = new List<string>();
        foreach (var table in EventTables.All)
        {
            var rows = await connection.QueryAsync<(long, int, string, string)>($"SELECT block_number, log_index, block_hash, tx_hash FROM {table.Name}");
            actual.AddRange(rows.Select(r => $"{r.Item1}/{r.Item2}/{r.Item3}/{r.Item4}/{table.Topic0}"));
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual.Order(StringComparer.Ordinal).ToList());

        var (number, hash) = await connection.QuerySingleAsync<(long, string)>("SELECT block_number, block_hash FROM indexer_checkpoint");
        var chain = await anvil.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new HexBigInteger(number));
        Assert.Equal(chain.BlockHash.ToLowerInvariant(), hash);
        Assert.Equal((long)(await anvil.LatestBlockAsync()).Number.Value, number);
    }

    /// <summary>The views agree with the contracts' own state (the indexer's consistency check finds nothing).</summary>
    public static async Task AssertViewsMatchContractStateAsync(AnvilFixture anvil, ProtocolDeployment d, NpgsqlDataSource db)
    {
        var differences = await new ConsistencyCheck(db, anvil.Web3, d.MarketAddress, d.RegistryAddress).RunAsync(CancellationToken.None);
        Assert.Empty(differences);
    }
}
