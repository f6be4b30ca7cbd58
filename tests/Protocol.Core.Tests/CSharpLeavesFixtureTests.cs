using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Protocol.Core.Merkle;
using Protocol.Core.Payouts;
using Protocol.DevChain;
using Protocol.TestSupport;

namespace Protocol.Core.Tests;

/// <summary>
/// tests/vectors/csharp-leaves.json: a payout table, its leaves, Merkle root and proofs as the C# code computes them,
/// for the TypeScript client's tests (clients/ts/test/anvil.test.ts verifies these proofs with @openzeppelin/merkle-tree
/// and claims them on anvil). The market is the one that test creates: market 1, anvil's dev accounts 3–5 as curators;
/// the remainder leaf is the burn address's, so the committed file must stay what C# computes today.
/// </summary>
public sealed class CSharpLeavesFixtureTests
{
    private const string FixturePath = "tests/vectors/csharp-leaves.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NewLine = "\n" };

    private static readonly BigInteger Ether = BigInteger.Pow(10, 18);

    private static readonly BigInteger MarketId = 1;

    private static readonly MarketTerms Terms = new(RewardPool: 1000 * Ether, OracleFeeBps: 500, SlashBps: 5000, StakeCap: 100 * Ether);

    private static readonly CuratorOutcome[] Outcomes =
    [
        new("0x90f79bf6eb2c4f870365e785982e1f101e93b906", 100 * Ether, 8000, 300_000),
        new("0x15d34aaf54267db7d7c367839aaf71a00a2c6a65", 50 * Ether, 2000, 100_000),
        new("0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc", 40 * Ether, -6000, -50_000),
    ];

    [Fact]
    public void Committed_fixture_is_what_the_csharp_payouts_and_merkle_tree_produce()
    {
        var expected = Render();
        var path = Path.Combine(RepositoryLayout.Root, FixturePath);
        var committed = File.Exists(path) ? File.ReadAllText(path) : null;
        if (committed != expected)
        {
            var outPath = Path.Combine(RepositoryLayout.Root, "out", "expected-csharp-leaves.json");
            Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
            File.WriteAllText(outPath, expected);
            Assert.Fail($"{FixturePath} is {(committed is null ? "missing" : "out of date with the C# payout and Merkle code")}; the expected file is at {outPath}");
        }
    }

    [Fact]
    public void Fixture_case_pays_out_exactly_the_total_and_every_proof_verifies()
    {
        var table = PayoutCalculator.Compute(Terms, Outcomes);
        var leaves = table.Leaves(MarketId);
        var tree = MerkleTree.Build(leaves.Select(l => l.Hash));

        Assert.Equal(table.TotalPayout, leaves.Aggregate(BigInteger.Zero, (sum, l) => sum + l.Amount));
        Assert.All(leaves, l => Assert.True(MerkleTree.Verify(tree.Root, l.Hash, tree.Proof(l.Hash))));
        Assert.Contains(table.Curators, c => c.Slash > 0); // the case exercises a slash
        Assert.True(table.Remainder > 0); // and a non-zero remainder leaf (burned)
    }

    private static string Render()
    {
        var table = PayoutCalculator.Compute(Terms, Outcomes);
        var leaves = table.Leaves(MarketId);
        var tree = MerkleTree.Build(leaves.Select(l => l.Hash));
        static string Dec(BigInteger v) => v.ToString(CultureInfo.InvariantCulture);
        var fixture = new
        {
            description = "Written by tests/Protocol.Core.Tests/CSharpLeavesFixtureTests.cs (PayoutCalculator.Compute, PayoutTable.Leaves, MerkleTree.Build/Proof); do not edit.",
            marketId = Dec(MarketId),
            remainderAccount = ProtocolConstants.BurnAddress,
            terms = new { rewardPool = Dec(Terms.RewardPool), oracleFeeBps = Terms.OracleFeeBps, slashBps = Terms.SlashBps, stakeCap = Dec(Terms.StakeCap) },
            curators = Outcomes.Select(o => new { account = o.Account, stake = Dec(o.Stake), scoreBps = o.ScoreBps, value = o.Value }),
            fee = Dec(table.Fee),
            totalStaked = Dec(table.TotalStaked),
            totalPayout = Dec(table.TotalPayout),
            root = tree.Root.ToString(),
            leaves = leaves.Select(l => new
            {
                account = l.Account,
                amount = Dec(l.Amount),
                scoreBps = l.ScoreBps,
                hash = l.Hash.ToString(),
                proof = tree.Proof(l.Hash).Select(p => p.ToString()),
            }),
        };
        return JsonSerializer.Serialize(fixture, JsonOptions) + "\n";
    }
}
