using System.Numerics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Npgsql;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Indexer.Schema;
using Protocol.Indexer.Sync;
using Protocol.TestSupport;

namespace Protocol.Indexer.Tests;

/// <summary>Builds indexers for a deployment and checks a database against the chain.</summary>
internal static class IndexerHarness
{
    public static ChainIndexer Create(ProtocolDeployment d, NpgsqlDataSource db, string rpcUrl, int reorgDepth, TimeSpan? rpcTimeout = null, int initialRange = 2_000, int maxLogs = 20_000)
    {
        var options = new IndexerOptions
        {
            RpcUrl = rpcUrl, ConnectionString = "", MarketAddress = d.MarketAddress, RegistryAddress = d.RegistryAddress,
            StartBlock = d.StartBlock, ReorgDepth = reorgDepth, InitialBlockRange = initialRange,
            RpcTimeout = rpcTimeout ?? TimeSpan.FromSeconds(10), RpcAttempts = 8, MaxLogsPerRequest = maxLogs,
        };
        return new ChainIndexer(options, db, new HttpClient(), NullLogger<ChainIndexer>.Instance);
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

    /// <summary>The views agree with the contracts' own state for every market and curator.</summary>
    public static async Task AssertViewsMatchContractStateAsync(AnvilFixture anvil, ProtocolDeployment d, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var markets = (await connection.QueryAsync("SELECT * FROM markets ORDER BY market_id")).ToList();
        Assert.NotEmpty(markets);
        foreach (var m in markets)
        {
            var id = new BigInteger((decimal)m.market_id);
            var config = (await anvil.Web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(d.MarketAddress, new MarketConfigFunction { MarketId = id })).ReturnValue1;
            var state = (await anvil.Web3.QueryAsync<MarketStateFunction, MarketStateOutput>(d.MarketAddress, new MarketStateFunction { MarketId = id })).ReturnValue1;
            Assert.Equal(config.Sponsor.ToLowerInvariant(), (string)m.sponsor);
            Assert.Equal(config.RewardPool, new BigInteger((decimal)m.reward_pool));
            Assert.Equal(config.StakeCap, new BigInteger((decimal)m.stake_cap));
            Assert.Equal((long)config.CommitDeadline, (long)m.commit_deadline);
            Assert.Equal((long)config.ChallengePeriod, (long)m.challenge_period);
            Assert.Equal("0x" + Convert.ToHexStringLower(config.GoldCommitment), (string)m.gold_commitment);
            Assert.Equal((long)state.Round, (long)m.round);
            Assert.Equal(StatusName(state.Status), (string)m.status);

            var claimed = await connection.ExecuteScalarAsync<decimal>("SELECT COALESCE(sum(amount), 0) FROM claimed WHERE market_id = @id", new { id = (decimal)id });
            Assert.Equal(state.Claimed, new BigInteger(claimed));

            foreach (var s in await connection.QueryAsync("SELECT * FROM submissions WHERE market_id = @id", new { id = (decimal)id }))
            {
                var onChain = (await anvil.Web3.QueryAsync<SubmissionFunction, SubmissionOutput>(d.MarketAddress, new SubmissionFunction { MarketId = id, Curator = (string)s.curator })).ReturnValue1;
                Assert.Equal(onChain.Stake, new BigInteger((decimal)s.stake));
                Assert.Equal("0x" + Convert.ToHexStringLower(onChain.Commitment), (string)s.commitment);
                Assert.Equal(onChain.Revealed, (bool)s.revealed);
            }
        }

        // Credits: what was credited minus what was withdrawn is what the contract still owes.
        foreach (var c in await connection.QueryAsync(
            "SELECT token, account, sum(amount) AS credited, COALESCE((SELECT sum(w.amount) FROM credit_withdrawn w WHERE w.token = c.token AND w.account = c.account), 0) AS withdrawn FROM credited c GROUP BY token, account"))
        {
            var owed = await anvil.Web3.CallAsync<CreditFunction, BigInteger>(d.MarketAddress, new CreditFunction { Token = (string)c.token, Account = (string)c.account });
            Assert.Equal(owed, new BigInteger((decimal)c.credited - (decimal)c.withdrawn));
        }

        // Oracles: the bond the view computes from events is the registry's bond.
        foreach (var o in await connection.QueryAsync("SELECT oracle, bond FROM oracles"))
        {
            var entry = await anvil.Web3.QueryAsync<Protocol.Core.Contracts.OracleRegistryBindings.OracleFunction, Protocol.Core.Contracts.OracleRegistryBindings.OracleOutput>(
                d.RegistryAddress, new Protocol.Core.Contracts.OracleRegistryBindings.OracleFunction { Account = (string)o.oracle });
            Assert.Equal(entry.ReturnValue1.Bond, new BigInteger((decimal)o.bond));
        }
    }

    private static string StatusName(byte status) => status switch
    {
        0 => "active",
        1 => "accepted",
        2 => "disputed",
        3 => "finalized",
        4 => "cancelled",
        5 => "forfeited",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
