using System.Globalization;
using System.Numerics;

namespace Protocol.Client.Chain;

/// <summary>
/// Token amounts on the command line: whole tokens by default (<c>1000</c>, <c>12.5</c>; the token's
/// <c>decimals()</c> apply), base units with a <c>wei</c> suffix (<c>1000000000000000000000wei</c>).
/// </summary>
public static class TokenAmount
{
    /// <summary>The amount in base units.</summary>
    /// <param name="text">What was typed.</param>
    /// <param name="decimals">The token's decimals; null when it has none (only the wei form is accepted).</param>
    /// <param name="option">The option's name, for the error message.</param>
    /// <exception cref="FormatException">Neither form, or more decimal places than the token has.</exception>
    public static BigInteger Parse(string text, int? decimals, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.Length == 0)
        {
            throw new FormatException($"{option} is required: {option} 1000 (whole tokens) or {option} 1000000000000000000000wei (base units)");
        }

        if (t.EndsWith("wei", StringComparison.OrdinalIgnoreCase))
        {
            var digits = t[..^3];
            return digits.Length > 0 && digits.All(char.IsAsciiDigit)
                ? BigInteger.Parse(digits, CultureInfo.InvariantCulture)
                : throw new FormatException($"{option} {text}: the wei form is digits only, e.g. 1000000000000000000000wei");
        }

        var parts = t.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || !parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
        {
            throw new FormatException($"{option} {text}: give whole tokens (1000 or 12.5) or base units with a wei suffix (1000000000000000000000wei)");
        }

        if (decimals is not { } d)
        {
            throw new FormatException($"{option} {text}: the token has no decimals(), so amounts must be given in base units with a wei suffix");
        }

        var fraction = parts.Length == 2 ? parts[1].TrimEnd('0') : "";
        if (fraction.Length > d)
        {
            throw new FormatException($"{option} {text}: the token has {d} decimal places; that is finer than 1 wei");
        }

        return (BigInteger.Parse(parts[0], CultureInfo.InvariantCulture) * BigInteger.Pow(10, d))
            + (fraction.Length == 0 ? 0 : BigInteger.Parse(fraction.PadRight(d, '0'), CultureInfo.InvariantCulture));
    }

    /// <summary>Base units as a decimal number of tokens, exact, without trailing zeros (<c>12.5</c>, <c>1000</c>).</summary>
    public static string Format(BigInteger wei, int decimals)
    {
        var negative = wei.Sign < 0;
        var digits = BigInteger.Abs(wei).ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        var whole = digits[..^decimals];
        var fraction = decimals == 0 ? "" : digits[^decimals..].TrimEnd('0');
        return (negative ? "-" : "") + whole + (fraction.Length > 0 ? "." + fraction : "");
    }
}
