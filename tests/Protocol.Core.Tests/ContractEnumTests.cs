using System.Text.Json;
using System.Text.RegularExpressions;
using Protocol.Core.Contracts;
using Protocol.Core.Contracts.FeedbackMarketBindings;
using Protocol.Core.Contracts.OracleRegistryBindings;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Core.Tests;

/// <summary>The C# enums are the contracts' enums, member for member in declaration order, and the phase helpers say what the contract does.</summary>
public sealed partial class ContractEnumTests
{
    public static TheoryData<string, string, Type> Enums => new()
    {
        { "interfaces/IFeedbackMarket.sol", "Phase", typeof(MarketPhase) },
        { "interfaces/IFeedbackMarket.sol", "MarketStatus", typeof(MarketStatus) },
        { "interfaces/IFeedbackMarket.sol", "CreditReason", typeof(CreditReason) },
        { "interfaces/IOracleRegistry.sol", "OracleStatus", typeof(OracleStatus) },
    };

    [Theory]
    [MemberData(nameof(Enums))]
    public void Each_enum_has_the_contracts_members_in_the_contracts_order(string file, string solidityName, Type type)
    {
        var declared = SolidityEnums(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "contracts", "src", file)));
        Assert.True(declared.ContainsKey(solidityName), $"enum {solidityName} not found in contracts/src/{file}");
        var members = Enum.GetValues(type).Cast<object>().Select(v => (Name: v.ToString()!, Ordinal: Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(declared[solidityName], members.Select(m => m.Name));
        Assert.Equal(Enumerable.Range(0, members.Count), members.Select(m => m.Ordinal));
        Assert.Equal(typeof(byte), Enum.GetUnderlyingType(type)); // uint8 in the ABI
    }

    [Fact]
    public void Every_enum_the_abis_use_has_a_csharp_enum()
    {
        var known = Enums.Select(row => (string)row[1]).ToHashSet();
        var used = new[] { FeedbackMarketAbi.Json, OracleRegistryAbi.Json }
            .SelectMany(json => EnumTypes(JsonDocument.Parse(json).RootElement))
            .ToHashSet();
        Assert.Equal(known.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Phase_names_are_the_lower_case_member_names_and_parse_back()
    {
        Assert.Equal(
            ["none", "open", "reveal", "evaluation", "challenge", "disputed", "finalized", "cancelled", "forfeited"],
            Enum.GetValues<MarketPhase>().Select(p => p.Name()));
        Assert.Equal(["active", "accepted", "disputed", "finalized", "cancelled", "forfeited"], Enum.GetValues<MarketStatus>().Select(s => s.Name()));
        Assert.Equal(Enum.GetValues<MarketPhase>().Skip(1), MarketPhases.Reachable);
        foreach (var phase in Enum.GetValues<MarketPhase>())
        {
            Assert.True(MarketPhases.TryParse(phase.Name(), out var parsed));
            Assert.Equal(phase, parsed);
        }

        Assert.False(MarketPhases.TryParse("Open", out _));
        Assert.False(MarketPhases.TryParse("settled", out _));
        Assert.Equal("9", ((MarketPhase)9).Name());
    }

    [Fact]
    public void Settled_failed_and_recorded_follow_the_contract()
    {
        Assert.Equal([MarketPhase.Finalized, MarketPhase.Cancelled, MarketPhase.Forfeited], Enum.GetValues<MarketPhase>().Where(p => p.IsSettled()));
        Assert.Equal([MarketPhase.Cancelled, MarketPhase.Forfeited], Enum.GetValues<MarketPhase>().Where(p => p.IsFailed()));
        Assert.Equal([MarketStatus.Cancelled, MarketStatus.Forfeited], Enum.GetValues<MarketStatus>().Where(s => s.IsFailed()));
        foreach (var phase in Enum.GetValues<MarketPhase>())
        {
            // A settled phase is stored as the status of the same name; the others are derived, never stored.
            Assert.Equal(phase.IsSettled() ? Enum.Parse<MarketStatus>(phase.ToString()) : null, phase.StoredAs());
            foreach (var status in Enum.GetValues<MarketStatus>())
            {
                Assert.Equal(!phase.IsSettled() || status.ToString() == phase.ToString(), phase.IsRecorded(status));
            }
        }
    }

    [Fact]
    public void Each_phase_ends_at_its_own_deadline()
    {
        var config = new MarketConfig { CommitDeadline = 100, RevealDeadline = 200, GoldDeadline = 300, ChallengePeriod = 3_600 };
        var state = new MarketState { EvaluationDeadline = 400, AcceptedAt = 500, DisputedAt = 600 };
        Assert.Equal(100UL, MarketPhase.Open.Deadline(config, state));
        Assert.Equal(200UL, MarketPhase.Reveal.Deadline(config, state));
        Assert.Equal(300UL, MarketPhase.Evaluation.Deadline(config, state)); // gold not revealed yet: the gold deadline
        Assert.Equal(4_100UL, MarketPhase.Challenge.Deadline(config, state));
        Assert.Equal(600 + MarketRules.ResolutionPeriod, MarketPhase.Disputed.Deadline(config, state));
        state.GoldRevealed = true;
        Assert.Equal(400UL, MarketPhase.Evaluation.Deadline(config, state));
        Assert.All([MarketPhase.None, MarketPhase.Finalized, MarketPhase.Cancelled, MarketPhase.Forfeited], p => Assert.Null(p.Deadline(config, state)));
    }

    // enum Name { A, // comment
    //   B, C }: the member names in order, comments stripped.
    private static Dictionary<string, List<string>> SolidityEnums(string source)
    {
        var code = LineComment().Replace(BlockComment().Replace(source, ""), "");
        return EnumDeclaration().Matches(code).ToDictionary(
            m => m.Groups[1].Value,
            m => m.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList());
    }

    private static IEnumerable<string> EnumTypes(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name == "internalType" && p.Value.GetString() is { } t && t.StartsWith("enum ", StringComparison.Ordinal)
                ? [t["enum ".Length..].Split('.')[^1]]
                : EnumTypes(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(EnumTypes),
        _ => [],
    };

    [GeneratedRegex(@"\benum\s+(\w+)\s*\{([^}]*)\}")]
    private static partial Regex EnumDeclaration();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();
}
