using System.Numerics;
using Protocol.Cli.Commands;
using Protocol.Client.Chain;

namespace Protocol.Node.Tests;

/// <summary>The amount and time conventions of <c>fmp oracle</c>: whole tokens or an explicit wei form; times local and relative.</summary>
public sealed class OracleAmountTests
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);

    [Theory]
    [InlineData("1000", "1000000000000000000000")]
    [InlineData("12.5", "12500000000000000000")]
    [InlineData("0.000000000000000001", "1")]
    [InlineData("7.10", "7100000000000000000")]
    [InlineData("1000000000000000000000wei", "1000000000000000000000")]
    [InlineData("5wei", "5")]
    public void Amounts_are_whole_tokens_unless_written_in_wei(string typed, string wei) =>
        Assert.Equal(BigInteger.Parse(wei, System.Globalization.CultureInfo.InvariantCulture), TokenAmount.Parse(typed, 18, "--bond"));

    [Theory]
    [InlineData("1.0000000000000000001", "18 decimal places")]
    [InlineData("ten", "wei suffix")]
    [InlineData("1e21", "wei suffix")]
    [InlineData("-5", "wei suffix")]
    [InlineData(" ", "--bond is required")]
    [InlineData("12.5wei", "digits only")]
    public void A_malformed_amount_is_refused_with_the_forms_that_work(string typed, string hint)
    {
        var e = Assert.Throws<FormatException>(() => TokenAmount.Parse(typed, 18, "--bond"));
        Assert.Contains("--bond", e.Message, StringComparison.Ordinal);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_without_decimals_takes_only_the_wei_form()
    {
        Assert.Equal(new BigInteger(42), TokenAmount.Parse("42wei", null, "--bond"));
        Assert.Contains("no decimals()", Assert.Throws<FormatException>(() => TokenAmount.Parse("42", null, "--bond")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_amounts_print_exactly_without_trailing_zeros()
    {
        Assert.Equal("1000", TokenAmount.Format(1000 * Token, 18));
        Assert.Equal("12.5", TokenAmount.Format(125 * Token / 10, 18));
        Assert.Equal("0.000000000000000001", TokenAmount.Format(1, 18));
        Assert.Equal("0", TokenAmount.Format(0, 18));
        Assert.Equal("7", TokenAmount.Format(7, 0));
    }

    [Fact]
    public void Durations_and_times_are_said_in_two_units_relative_to_the_chain_clock()
    {
        Assert.Equal("45 d", ChainTime.Span(45 * 86_400));
        Assert.Equal("44 d 23 h", ChainTime.Span((45 * 86_400) - 3_600));
        Assert.Equal("3 h 5 min", ChainTime.Span((3 * 3_600) + 300 + 7));
        Assert.Equal("59 s", ChainTime.Span(59));
        const ulong now = 1_800_000_000;
        Assert.EndsWith("(in 3 h)", ChainTime.Describe(now + (3 * 3_600), now), StringComparison.Ordinal);
        Assert.EndsWith("(2 min ago)", ChainTime.Describe(now - 120, now), StringComparison.Ordinal);
        Assert.StartsWith(DateTimeOffset.FromUnixTimeSeconds((long)now).ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), ChainTime.Describe(now, now), StringComparison.Ordinal);
    }
}
