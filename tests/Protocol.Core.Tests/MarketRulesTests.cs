using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Protocol.Core.Contracts;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Core.Tests;

/// <summary>MarketRules mirrors ConstantsLib.sol (the tools refuse early by it) and finds each reason createMarket reverts.</summary>
public sealed partial class MarketRulesTests
{
    [Theory]
    [InlineData("MIN_CHALLENGE_PERIOD", MarketRules.MinChallengePeriod)]
    [InlineData("MAX_CHALLENGE_PERIOD", MarketRules.MaxChallengePeriod)]
    [InlineData("MIN_EVALUATION_WINDOW", MarketRules.MinEvaluationWindow)]
    [InlineData("MAX_EVALUATION_PERIOD", MarketRules.MaxEvaluationPeriod)]
    [InlineData("RESOLUTION_PERIOD", MarketRules.ResolutionPeriod)]
    [InlineData("CLAIM_PERIOD", MarketRules.ClaimPeriod)]
    [InlineData("MAX_ROUNDS", MarketRules.MaxRounds)]
    [InlineData("MIN_DISPUTE_BOND_BPS", (ulong)MarketRules.MinDisputeBondBps)]
    [InlineData("BPS", (ulong)MarketRules.Bps)]
    [InlineData("MAX_MARKET_LOCK_BPS", (ulong)MarketRules.MaxMarketLockBps)]
    public void Each_constant_equals_the_contracts(string name, ulong value)
    {
        var source = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "contracts", "src", "libraries", "ConstantsLib.sol"));
        var match = Regex.Match(source, $@"constant {name} = ([0-9_]+)(?: (hours|days))?;");
        Assert.True(match.Success, $"{name} not found in ConstantsLib.sol");
        var number = ulong.Parse(match.Groups[1].Value.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        Assert.Equal(value, number * match.Groups[2].Value switch { "hours" => 3_600UL, "days" => 86_400UL, _ => 1UL });
    }

    [Fact]
    public void Burn_address_equals_the_contracts()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "contracts", "src", "libraries", "ConstantsLib.sol"));
        var match = Regex.Match(source, @"constant BURN_ADDRESS = (?:address\()?(0x[0-9a-fA-F]{40})\)?;");
        Assert.True(match.Success, "BURN_ADDRESS not found in ConstantsLib.sol");
        Assert.Equal(Protocol.Core.Payouts.ProtocolConstants.BurnAddress, match.Groups[1].Value.ToLowerInvariant());
    }

    [Fact]
    public void Every_broken_rule_is_named_and_a_valid_market_has_none()
    {
        const ulong now = 1_000_000;
        MarketParams Valid() => new()
        {
            RewardPool = 1_000, DisputeBond = 10, CommitDeadline = now + 10, RevealDeadline = now + 20, GoldDeadline = now + 30,
            EvaluationDeadline = now + 30 + MarketRules.MinEvaluationWindow, ChallengePeriod = 3_600, MinStake = 1, StakeCap = 5, SlashBps = 10_000, OracleFeeBps = 0,
        };
        Assert.Empty(MarketRules.Problems(Valid(), now));

        var broken = Valid();
        broken.DisputeBond = 9;
        broken.EvaluationDeadline -= 1;
        broken.ChallengePeriod = 3_599;
        broken.MinStake = 6;
        broken.RewardPool = (BigInteger.One << 96) + 5;
        var problems = MarketRules.Problems(broken, now);
        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.Contains("dispute bond", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("12 h after the gold deadline", StringComparison.Ordinal));

        var late = Valid();
        Assert.Single(MarketRules.Problems(late, late.CommitDeadline));

        // Another token than the registry's bond token is refused by name (the lock would be in the wrong unit).
        var other = Valid();
        other.Token = "0x00000000000000000000000000000000000000aa";
        Assert.Empty(MarketRules.Problems(other, now, "0x00000000000000000000000000000000000000AA"));
        var unit = Assert.Single(MarketRules.Problems(other, now, "0x00000000000000000000000000000000000000bb"));
        Assert.Contains("bond token 0x00000000000000000000000000000000000000bb", unit, StringComparison.Ordinal);
    }
}
