using System.Numerics;
using Nethereum.Util;
using Protocol.Evaluation.Attribution;

namespace Protocol.Evaluation.Tests;

public sealed class PermutationSamplerTests
{
    [Fact]
    public void Seed_is_keccak_of_abi_encoded_market_round_and_gold_hash()
    {
        var gold = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var seed = PermutationSampler.Seed(new BigInteger(0x1234), 7, gold);
        var enc = new byte[96];
        enc[30] = 0x12;
        enc[31] = 0x34;
        enc[63] = 7;
        gold.CopyTo(enc, 64);
        Assert.Equal(new Sha3Keccack().CalculateHash(enc), seed);
    }

    [Fact]
    public void Words_come_from_keccak_of_seed_and_counter()
    {
        var seed = new byte[32];
        seed[0] = 9;
        var sampler = new PermutationSampler(seed);
        var block = new byte[40];
        seed.CopyTo(block, 0);
        block[39] = 1; // second block
        var h = new Sha3Keccack().CalculateHash(block);
        for (var k = 0; k < 4; k++)
        {
            sampler.NextWord();
        }

        Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(h), sampler.NextWord());
    }

    [Fact]
    public void Permutations_are_permutations_and_reproducible()
    {
        var seed = PermutationSampler.Seed(1, 0, new byte[32]);
        var a = new PermutationSampler(seed);
        var b = new PermutationSampler(seed);
        for (var m = 0; m < 20; m++)
        {
            var p = a.NextPermutation(129);
            Assert.Equal(Enumerable.Range(0, 129), p.Order());
            Assert.Equal(p, b.NextPermutation(129));
        }
    }
}
