using System.Globalization;
using System.Numerics;
using Dapper;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Npgsql;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.OracleRegistryBindings;

namespace Protocol.Indexer.Consistency;

/// <summary>One value the database and the chain disagree on.</summary>
public sealed record Difference(string Subject, string Field, string Indexed, string OnChain)
{
    public override string ToString() => $"{Subject}.{Field}: indexed {Indexed}, chain {OnChain}";
}

/// <summary>
/// Compares what the database says with the contracts' own state at the indexer's checkpoint block:
/// every market's parameters, status, round and claimed total; every submission's stake, commitment and
/// reveal; every credit still owed; every oracle's bond; and the number of markets.
/// </summary>
public sealed class ConsistencyCheck(NpgsqlDataSource db, IWeb3 web3, string marketAddress, string registryAddress)
{
    public async Task<IReadOnlyList<Difference>> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var migrated = await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('indexer_checkpoint') IS NOT NULL").ConfigureAwait(false);
        var checkpoint = migrated ? await connection.QuerySingleOrDefaultAsync<long?>("SELECT block_number FROM indexer_checkpoint").ConfigureAwait(false) : null;
        if (checkpoint is null)
        {
            return [];
        }

        var at = new BlockParameter(new HexBigInteger(checkpoint.Value));
        var differences = new List<Difference>();
        void Compare(string subject, string field, object? indexed, object? chain)
        {
            var a = Text(indexed);
            var b = Text(chain);
            if (a != b)
            {
                differences.Add(new Difference(subject, field, a, b));
            }
        }

        var count = await web3.CallAsync<MarketCountFunction, BigInteger>(marketAddress, new MarketCountFunction(), at).ConfigureAwait(false);
        Compare("markets", "count", await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM market_created").ConfigureAwait(false), count);

        foreach (var m in await connection.QueryAsync(
            "SELECT market_id::text AS market_id, sponsor, token, reward_pool::text AS reward_pool, min_stake::text AS min_stake, stake_cap::text AS stake_cap, " +
            "commit_deadline, reveal_deadline, gold_deadline, challenge_period, gold_commitment, status, round FROM markets ORDER BY markets.market_id").ConfigureAwait(false))
        {
            var id = BigInteger.Parse((string)m.market_id, CultureInfo.InvariantCulture);
            var subject = $"market {id}";
            var config = (await web3.QueryAsync<MarketConfigFunction, MarketConfigOutput>(marketAddress, new MarketConfigFunction { MarketId = id }, at).ConfigureAwait(false)).ReturnValue1;
            var state = (await web3.QueryAsync<MarketStateFunction, MarketStateOutput>(marketAddress, new MarketStateFunction { MarketId = id }, at).ConfigureAwait(false)).ReturnValue1;
            Compare(subject, "sponsor", m.sponsor, config.Sponsor.ToLowerInvariant());
            Compare(subject, "token", m.token, config.Token.ToLowerInvariant());
            Compare(subject, "reward_pool", m.reward_pool, config.RewardPool);
            Compare(subject, "min_stake", m.min_stake, config.MinStake);
            Compare(subject, "stake_cap", m.stake_cap, config.StakeCap);
            Compare(subject, "commit_deadline", m.commit_deadline, config.CommitDeadline);
            Compare(subject, "reveal_deadline", m.reveal_deadline, config.RevealDeadline);
            Compare(subject, "gold_deadline", m.gold_deadline, config.GoldDeadline);
            Compare(subject, "challenge_period", m.challenge_period, config.ChallengePeriod);
            Compare(subject, "gold_commitment", m.gold_commitment, Hex(config.GoldCommitment));
            Compare(subject, "status", m.status, Enum.IsDefined((MarketStatus)state.Status) ? ((MarketStatus)state.Status).Name() : state.Status);
            Compare(subject, "round", m.round, state.Round);
            var key = new { id = (string)m.market_id };
            Compare(subject, "claimed", await connection.ExecuteScalarAsync<string>(
                "SELECT COALESCE(sum(amount), 0)::text FROM claimed WHERE market_id = @id::numeric", key).ConfigureAwait(false), state.Claimed);

            foreach (var s in await connection.QueryAsync("SELECT curator, stake::text AS stake, commitment, revealed FROM submissions WHERE market_id = @id::numeric", key).ConfigureAwait(false))
            {
                var onChain = (await web3.QueryAsync<SubmissionFunction, SubmissionOutput>(marketAddress, new SubmissionFunction { MarketId = id, Curator = (string)s.curator }, at).ConfigureAwait(false)).ReturnValue1;
                var who = $"{subject} curator {s.curator}";
                Compare(who, "stake", s.stake, onChain.Stake);
                Compare(who, "commitment", s.commitment, Hex(onChain.Commitment));
                Compare(who, "revealed", s.revealed, onChain.Revealed);
            }
        }

        foreach (var c in await connection.QueryAsync(
            "SELECT token, account, (sum(amount) - COALESCE((SELECT sum(w.amount) FROM credit_withdrawn w WHERE w.token = c.token AND w.account = c.account), 0))::text AS owed FROM credited c GROUP BY token, account").ConfigureAwait(false))
        {
            var owed = await web3.CallAsync<CreditFunction, BigInteger>(marketAddress, new CreditFunction { Token = (string)c.token, Account = (string)c.account }, at).ConfigureAwait(false);
            Compare($"credit {c.account}", "owed", c.owed, owed);
        }

        foreach (var o in await connection.QueryAsync("SELECT oracle, bond::text AS bond FROM oracles").ConfigureAwait(false))
        {
            var entry = (await web3.QueryAsync<OracleFunction, OracleOutput>(registryAddress, new OracleFunction { Account = (string)o.oracle }, at).ConfigureAwait(false)).ReturnValue1;
            Compare($"oracle {o.oracle}", "bond", o.bond, entry.Bond);
        }

        return differences;
    }

    private static string Text(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);
}
