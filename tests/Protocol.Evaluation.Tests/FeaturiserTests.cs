using System.Text;
using Protocol.Evaluation.Model;

namespace Protocol.Evaluation.Tests;

public sealed class FeaturiserTests
{
    [Fact]
    public void Fnv1a64_matches_the_published_test_vectors()
    {
        Assert.Equal(0xcbf29ce484222325UL, Featuriser.Fnv1a64([]));
        Assert.Equal(0xaf63dc4c8601ec8cUL, Featuriser.Fnv1a64("a"u8));
        Assert.Equal(0x85944171f73967e8UL, Featuriser.Fnv1a64("foobar"u8));
    }

    [Fact]
    public void Tokens_are_lower_cased_alphanumeric_runs_keeping_non_ascii_bytes()
    {
        var tokens = Featuriser.Tokenise("Hello, WORLD-42! Café x").Select(Encoding.UTF8.GetString).ToArray();
        Assert.Equal(["hello", "world", "42", "café", "x"], tokens);
    }

    [Fact]
    public void Counts_hash_unigrams_and_bigrams_with_a_sign()
    {
        var f = new Featuriser(1024);
        var c = f.Counts("to be");
        var expected = new int[1024];
        foreach (var gram in new[] { "to", "be", "to be" })
        {
            var h = Featuriser.Fnv1a64(Encoding.UTF8.GetBytes(gram));
            expected[(int)(h % 1024)] += (h >> 63) == 0 ? 1 : -1;
        }

        Assert.Equal(expected, c);
    }

    [Fact]
    public void Comparison_is_the_quantised_difference_of_unit_vectors()
    {
        var f = new Featuriser(256);
        Assert.All(f.Comparison("same text", "same text"), v => Assert.Equal(0, v));
        var x = f.Comparison("one two three four", string.Empty);
        var norm = Math.Sqrt(x.Sum(v => (double)v * v)) / 32768;
        Assert.InRange(norm, 0.9999, 1.0001);
        var y = f.Comparison(string.Empty, "one two three four");
        Assert.Equal(x.Select(v => -v), y);
    }
}
