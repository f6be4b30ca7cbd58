using System.Text;
using Protocol.Core.Hashing;

namespace Protocol.Core.Tests;

public sealed class HashingVectorTests
{
    private static readonly System.Text.Json.JsonElement Data = Vectors.Load("commitments.json");

    [Fact]
    public void Label_commitments_match_the_reference()
    {
        var cases = Data.Items("labels").ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var commitment = Commitments.Labels(c.Big("marketId"), c.Str("curator"), c.B32("labelsHash"), c.B32("salt"));
            Assert.Equal(c.B32("commitment"), commitment);
        }
    }

    [Fact]
    public void Gold_commitments_match_the_reference()
    {
        foreach (var c in Data.Items("gold"))
        {
            Assert.Equal(c.B32("commitment"), Commitments.Gold(c.B32("goldHash"), c.B32("salt")));
        }
    }

    [Fact]
    public async Task File_hashes_are_keccak_of_the_exact_bytes()
    {
        foreach (var c in Data.Items("files"))
        {
            var bytes = Encoding.UTF8.GetBytes(c.Str("utf8"));
            Assert.Equal(c.B32("hash"), Keccak.Hash(bytes));
            using var stream = new MemoryStream(bytes);
            Assert.Equal(c.B32("hash"), await Keccak.HashAsync(stream));
        }
    }

    [Fact]
    public void Commitment_binds_market_curator_and_salt()
    {
        var c = Data.Items("labels").Skip(2).First();
        var original = Commitments.Labels(c.Big("marketId"), c.Str("curator"), c.B32("labelsHash"), c.B32("salt"));
        Assert.NotEqual(original, Commitments.Labels(c.Big("marketId") + 1, c.Str("curator"), c.B32("labelsHash"), c.B32("salt")));
        Assert.NotEqual(original, Commitments.Labels(c.Big("marketId"), "0x000000000000000000000000000000000000dEaD", c.B32("labelsHash"), c.B32("salt")));
        Assert.NotEqual(original, Commitments.Labels(c.Big("marketId"), c.Str("curator"), c.B32("labelsHash"), Bytes32.Zero));
    }

    [Fact]
    public void Bytes32_parses_prints_and_orders_like_solidity()
    {
        var low = Bytes32.Parse("0x00000000000000000000000000000000000000000000000000000000000000ff");
        var high = Bytes32.Parse("8000000000000000000000000000000000000000000000000000000000000000");
        Assert.True(low < high);
        Assert.Equal("0x00000000000000000000000000000000000000000000000000000000000000ff", low.ToString());
        Assert.Throws<FormatException>(() => Bytes32.Parse("0x1234"));
    }
}
