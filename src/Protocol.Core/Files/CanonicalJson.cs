using System.Globalization;
using System.Numerics;
using System.Text;

namespace Protocol.Core.Files;

/// <summary>
/// Canonical JSON Lines output: two honest writers must produce the same bytes. One object per line,
/// fields in the order written, no spaces, <c>\n</c> after every line, UTF-8 without BOM. Strings are
/// escaped exactly as JavaScript's <c>JSON.stringify</c> escapes them (<c>\"</c>, <c>\\</c>, <c>\b \f \n \r \t</c>,
/// other control characters as lower-case <c>\u00xx</c>, everything else literal), so an implementation
/// in any language can match. Token amounts (uint256) are decimal strings; other integers are JSON
/// numbers; reals are fixed-point decimal strings.
/// </summary>
public sealed class CanonicalLine
{
    private readonly StringBuilder _text = new("{");

    public CanonicalLine Text(string name, string? value)
    {
        Name(name);
        if (value is null)
        {
            _text.Append("null");
        }
        else
        {
            AppendString(_text, value);
        }

        return this;
    }

    public CanonicalLine Number(string name, long value)
    {
        Name(name);
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>A token amount: a decimal string, since JSON numbers lose precision beyond 2^53 in many readers.</summary>
    public CanonicalLine Amount(string name, BigInteger value) => Text(name, value.ToString(CultureInfo.InvariantCulture));

    public CanonicalLine Flag(string name, bool value)
    {
        Name(name);
        _text.Append(value ? "true" : "false");
        return this;
    }

    /// <summary>A real as a decimal string with exactly <paramref name="decimals"/> places (correctly rounded from the double).</summary>
    public CanonicalLine FixedPoint(string name, double value, int decimals)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{name} must be finite");
        }

        var text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        // "-0.000" would make two equal values print differently.
        return Text(name, text.TrimStart('-').All(c => c is '0' or '.') ? text.TrimStart('-') : text);
    }

    /// <summary>The line, with its newline.</summary>
    public override string ToString() => _text.ToString() + "}\n";

    private void Name(string name)
    {
        if (_text.Length > 1)
        {
            _text.Append(',');
        }

        AppendString(_text, name);
        _text.Append(':');
    }

    internal static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }
}

/// <summary>Writes canonical lines as UTF-8 (no BOM).</summary>
public static class CanonicalWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes the lines in the order given.</summary>
    public static async Task WriteAsync(Stream stream, IEnumerable<CanonicalLine> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines)
        {
            await stream.WriteAsync(Utf8.GetBytes(line.ToString()), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The exact bytes of the lines (what a report hashes).</summary>
    public static byte[] ToBytes(IEnumerable<CanonicalLine> lines) =>
        Utf8.GetBytes(string.Concat(lines.Select(l => l.ToString())));
}
