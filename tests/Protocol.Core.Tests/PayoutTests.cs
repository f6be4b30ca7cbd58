using System.Numerics;
using CsCheck;
using Protocol.Core.Merkle;
using Protocol.Core.Payouts;

namespace Protocol.Core.Tests;

public sealed class PayoutTests
{
    private static readonly System.Text.Json.JsonElement Data = Vectors.Load("payouts.json");

    [Fact]
    public void Tables_and_roots_match_the_reference_arithmetic()
    {
        var cases = Data.Items("cases").ToList();
        Assert.True(cases.Count >= 10);
        foreach (var c in cases)
        {
            var t = c.GetProperty("terms");
            var terms = new MarketTerms(t.Big("rewardPool"), t.Int("oracleFeeBps"), t.Int("slashBps"), t.Big("stakeCap"));
            var outcomes = c.Items("curators").Select(x => new CuratorOutcome(x.Str("account"), x.Big("stake"), x.Int("scoreBps"), (long)x.Big("value")));
            var table = PayoutCalculator.Compute(terms, outcomes);
            var expected = c.GetProperty("expected");

            Assert.Equal(expected.Big("fee"), table.Fee);
            Assert.Equal(expected.Big("distributable"), table.Distributable);
            // The vector key keeps its old name (contracts/test/Vectors.t.sol reads it); the leaf is the burn address's.
            Assert.Equal(expected.Big("sponsorRemainder"), table.Remainder);
            Assert.Equal(expected.Big("totalPayout"), table.TotalPayout);
            var rows = expected.Items("curators").ToList();
            Assert.Equal(rows.Count, table.Curators.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(rows[i].Str("account"), table.Curators[i].Account);
                Assert.Equal(rows[i].Big("slash"), table.Curators[i].Slash);
                Assert.Equal(rows[i].Big("reward"), table.Curators[i].Reward);
                Assert.Equal(rows[i].Big("payout"), table.Curators[i].Payout);
            }

            var root = MerkleTree.Build(table.Leaves(c.Big("marketId")).Select(l => l.Hash)).Root;
            Assert.Equal(expected.B32("root"), root);
        }
    }

    private static readonly Gen<MarketTerms> GenTerms =
        Gen.Select(Gen.Long[0, long.MaxValue / 4], Gen.Int[0, 10_000], Gen.Int[0, 10_000], Gen.Long[0, long.MaxValue / 4])
            .Select((pool, fee, slash, cap) => new MarketTerms(new BigInteger(pool) * 1_000_003, fee, slash, new BigInteger(cap)));

    private static readonly Gen<List<CuratorOutcome>> GenCurators =
        Gen.Select(Gen.Long[0, long.MaxValue / 4], Gen.Int[-10_000, 10_000], Gen.Long[-5_000_000, 5_000_000], Gen.Bool)
            .Select((stake, score, value, unrevealed) => (stake, score, value, unrevealed))
            .List[0, 40]
            .Select(list => list.Select((x, i) => x.unrevealed
                ? new CuratorOutcome($"0x{i + 1:x40}", x.stake, -10_000, 0)
                : new CuratorOutcome($"0x{i + 1:x40}", x.stake, x.score, x.value)).ToList());

    [Fact]
    public void Leaves_add_up_to_total_payout_and_nothing_is_negative() =>
        Gen.Select(GenTerms, GenCurators).Sample((terms, curators) =>
        {
            var table = PayoutCalculator.Compute(terms, curators);
            var leaves = table.Leaves(1);
            var sum = leaves.Aggregate(BigInteger.Zero, (a, l) => a + l.Amount);
            var staked = curators.Aggregate(BigInteger.Zero, (a, c) => a + c.Stake);
            return sum == table.TotalPayout
                && table.TotalPayout == staked + terms.RewardPool - table.Fee
                && leaves.All(l => l.Amount.Sign >= 0)
                && table.Curators.All(c => c.Slash <= c.Stake && c.Reward.Sign >= 0);
        });

    [Fact]
    public void Value_rule_conserves_every_token_and_never_slashes_more_than_the_cap() =>
        Gen.Select(GenTerms, GenCurators).Sample((terms, curators) =>
        {
            var table = PayoutCalculator.Compute(terms, curators, SlashRule.Value);
            var sum = table.Leaves(1).Aggregate(BigInteger.Zero, (a, l) => a + l.Amount);
            var staked = curators.Aggregate(BigInteger.Zero, (a, c) => a + c.Stake);
            return sum == table.TotalPayout
                && table.TotalPayout == staked + terms.RewardPool - table.Fee
                && table.Curators.All(c => c.Slash <= c.Stake * terms.SlashBps / 10_000 && c.Reward.Sign >= 0 && (c.Value >= 0 || c.Reward.IsZero));
        });

    [Fact]
    public void Value_rule_charges_negative_value_at_the_price_positive_value_earns()
    {
        var terms = new MarketTerms(RewardPool: 1_000, OracleFeeBps: 0, SlashBps: 5_000, StakeCap: 100);
        CuratorOutcome[] curators =
        [
            new("0x01", 100, 4_000, 300),     // earns
            new("0x02", 100, 500, -10),       // positive score but negative value: pays its value back (the score rule: nothing)
            new("0x03", 100, -2_000, -100),   // owes 1,050 · 100·100 / (100·300) = 350, capped at half its stake
            new("0x04", 100, -10_000, 0),     // invalid or unrevealed: the maximum slash, as under v1
        ];
        var byScore = PayoutCalculator.Compute(terms, curators).Curators;
        var byValue = PayoutCalculator.Compute(terms, curators, SlashRule.Value).Curators;
        Assert.Equal([0, 0, 10, 50], byScore.Select(c => (int)c.Slash));
        // price = (pool − fee + invalid slashes) / Σ w⁺ = 1,050 / 30,000 per unit of capped stake × value
        Assert.Equal([0, 1_050 * 1_000 / 30_000, 50, 50], byValue.Select(c => (int)c.Slash));
        Assert.Equal(1_000 + 35 + 50 + 50, (int)byValue[0].Reward);
        // No positive value anywhere: nothing to price against, the score rule applies.
        CuratorOutcome[] allNegative = [new("0x01", 100, -1_000, -5), new("0x02", 100, -10_000, 0)];
        Assert.Equal(PayoutCalculator.Compute(terms, allNegative).Curators.Select(c => c.Slash), PayoutCalculator.Compute(terms, allNegative, SlashRule.Value).Curators.Select(c => c.Slash));
    }

    [Fact]
    public void Burned_remainder_absorbs_all_rounding_dust() =>
        Gen.Select(GenTerms, GenCurators).Sample((terms, curators) =>
        {
            var table = PayoutCalculator.Compute(terms, curators);
            var rewarded = table.Curators.Count(c => c.Value > 0 && c.Stake > 0 && terms.StakeCap > 0);
            // With anyone to reward, floor division loses less than one token per rewarded curator.
            return rewarded == 0
                ? table.Remainder == table.Distributable
                : table.Remainder >= 0 && table.Remainder < rewarded;
        });

    /// <summary>
    /// Issue 24: a gold set with every pref flipped gives every honest label negative value. The remainder (pool − fee
    /// plus every slash) used to be the sponsor's leaf, so the sponsor was paid the honest curators' slashes and its
    /// own pool back; it is now burned, and no leaf names the sponsor.
    /// </summary>
    [Theory]
    [InlineData(SlashRule.Score)]
    [InlineData(SlashRule.Value)]
    public void With_no_positive_value_the_whole_distributable_is_burned_and_the_sponsor_has_no_leaf(SlashRule rule)
    {
        const string sponsor = "0x0000000000000000000000000000000000005a05";
        var token = BigInteger.Pow(10, 18);
        var terms = new MarketTerms(1_000 * token, 500, 5_000, 100 * token);
        var honest = Enumerable.Range(1, 30).Select(i => new CuratorOutcome($"0x{i:x40}", 100 * token, -4_000, -20_000)).ToList();
        var table = PayoutCalculator.Compute(terms, honest, rule);
        var slashes = table.Curators.Aggregate(BigInteger.Zero, (a, c) => a + c.Slash);

        Assert.True(slashes > 0);
        Assert.Equal(terms.RewardPool - table.Fee + slashes, table.Remainder);
        var leaves = table.Leaves(7);
        var remainder = Assert.Single(leaves, l => l.ScoreBps == PayoutTable.RemainderLeafScore);
        Assert.Equal("0x000000000000000000000000000000000000dead", remainder.Account);
        Assert.Equal(table.Remainder, remainder.Amount);
        Assert.DoesNotContain(leaves, l => string.Equals(l.Account, sponsor, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(table.TotalPayout, leaves.Aggregate(BigInteger.Zero, (a, l) => a + l.Amount));
    }

    [Fact]
    public void Unrevealed_curators_lose_the_full_slash_and_earn_nothing() =>
        Gen.Select(GenTerms, GenCurators).Sample((terms, curators) =>
        {
            var table = PayoutCalculator.Compute(terms, curators);
            return table.Curators.Where(c => c.ScoreBps == -10_000 && c.Value == 0)
                .All(c => c.Reward.IsZero && c.Slash == c.Stake * terms.SlashBps / 10_000 && c.Payout == c.Stake - c.Slash);
        });

    [Fact]
    public void Stake_above_the_cap_earns_no_extra_reward()
    {
        var terms = new MarketTerms(1_000_000, 0, 5_000, StakeCap: 100);
        var table = PayoutCalculator.Compute(terms,
        [
            new CuratorOutcome("0x0000000000000000000000000000000000000001", 100, 5_000, 10),
            new CuratorOutcome("0x0000000000000000000000000000000000000002", 10_000, 5_000, 10),
            new CuratorOutcome("0x0000000000000000000000000000000000000003", 50, 5_000, 10),
        ]);

        Assert.Equal(table.Curators[0].Reward, table.Curators[1].Reward);
        Assert.Equal(table.Curators[0].Reward / 2, table.Curators[2].Reward);
        Assert.Equal(400_000, table.Curators[0].Reward);
        Assert.Equal(200_000, table.Remainder + table.Curators[2].Reward);
    }

    [Fact]
    public void Bad_terms_and_duplicate_curators_are_refused()
    {
        var ok = new MarketTerms(100, 100, 100, 100);
        var alice = new CuratorOutcome("0x0000000000000000000000000000000000000001", 10, 0, 0);
        Assert.Throws<ArgumentException>(() => PayoutCalculator.Compute(ok with { OracleFeeBps = 10_001 }, [alice]));
        Assert.Throws<ArgumentException>(() => PayoutCalculator.Compute(ok with { SlashBps = -1 }, [alice]));
        Assert.Throws<ArgumentException>(() => PayoutCalculator.Compute(ok, [alice with { ScoreBps = 10_001 }]));
        Assert.Throws<ArgumentException>(() => PayoutCalculator.Compute(ok, [alice, alice with { Account = alice.Account.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal) }]));
    }
}
