using System.Globalization;
using System.Text;

namespace Protocol.Core.Arrays;

/// <summary>A Python tuple or list from a literal; kept apart because NumPy's shape must be a tuple.</summary>
internal sealed record PythonSequence(bool IsTuple, IReadOnlyList<object?> Items);

/// <summary>
/// Parses the Python literal of an .npy header: a dict of str keys whose values are str, int, bool, None,
/// tuples, lists or dicts, as <c>repr</c> writes them (trailing commas and spaces allowed). Values come back
/// as string, long, bool, null, <see cref="PythonSequence"/> or a dictionary. Throws <see cref="FormatException"/>
/// with the position of the first thing it does not understand.
/// </summary>
internal sealed class PythonLiteral
{
    // Structured dtypes nest a few levels; a hostile header must not exhaust the stack.
    private const int MaxDepth = 32;

    private readonly string _text;
    private int _pos;

    private PythonLiteral(string text) => _text = text;

    internal static Dictionary<string, object?> ParseDict(string text)
    {
        var parser = new PythonLiteral(text);
        parser.SkipSpace();
        if (parser.Peek() != '{')
            throw parser.Error("expected '{'");
        var dict = (Dictionary<string, object?>)parser.Value(0)!;
        parser.SkipSpace();
        if (parser._pos < text.Length)
            throw parser.Error("unexpected text after the dict");
        return dict;
    }

    private object? Value(int depth)
    {
        if (depth > MaxDepth)
            throw Error("nested too deeply");
        SkipSpace();
        var c = Peek();
        return c switch
        {
            '{' => Dict(depth),
            '(' => Sequence(')', depth),
            '[' => Sequence(']', depth),
            '\'' or '"' => Str(),
            '-' or (>= '0' and <= '9') => Int(),
            _ => Word(),
        };
    }

    private Dictionary<string, object?> Dict(int depth)
    {
        _pos++;
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
                break;
            var at = _pos;
            if (Value(depth + 1) is not string key)
            {
                _pos = at;
                throw Error("expected a string key");
            }

            SkipSpace();
            Expect(':');
            if (!dict.TryAdd(key, Value(depth + 1)))
            {
                _pos = at;
                throw Error($"duplicate key '{key}'");
            }

            if (!Separator('}'))
                break;
        }

        Expect('}');
        return dict;
    }

    private object? Sequence(char close, int depth)
    {
        _pos++;
        var items = new List<object?>();
        var trailingComma = false;
        while (true)
        {
            SkipSpace();
            if (Peek() == close)
                break;
            items.Add(Value(depth + 1));
            trailingComma = Separator(close);
            if (!trailingComma)
                break;
        }

        Expect(close);
        // In Python "(3)" is just 3 in parentheses; only "(3,)" is a one-element tuple.
        if (close == ')' && items.Count == 1 && !trailingComma)
            return items[0];
        return new PythonSequence(close == ')', items);
    }

    /// <summary>After an item: true when a comma follows (more may come), false when the closing bracket does.</summary>
    private bool Separator(char close)
    {
        SkipSpace();
        if (Peek() == ',')
        {
            _pos++;
            return true;
        }

        if (Peek() != close)
            throw Error($"expected ',' or '{close}'");
        return false;
    }

    private string Str()
    {
        var quote = _text[_pos++];
        var sb = new StringBuilder();
        while (_pos < _text.Length && _text[_pos] != quote)
        {
            var c = _text[_pos++];
            if (c == '\n')
                throw Error("line break inside a string");
            if (c == '\\' && _pos < _text.Length)
            {
                var e = _text[_pos++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
            }
            else
            {
                sb.Append(c);
            }
        }

        Expect(quote);
        return sb.ToString();
    }

    private long Int()
    {
        var start = _pos;
        if (Peek() == '-')
            _pos++;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            _pos++;
        if (!long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            _pos = start;
            throw Error("expected an integer that fits in 64 bits");
        }

        // Python 2 wrote long integers as 3L; old .npy files still carry them.
        if (Peek() is 'L' or 'l')
            _pos++;
        return value;
    }

    /// <summary>True, False or None (null).</summary>
    private bool? Word()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos]))
            _pos++;
        switch (_text[start.._pos])
        {
            case "True": return true;
            case "False": return false;
            case "None": return null;
        }

        _pos = start;
        throw Error("expected a string, an integer, True, False, None, a tuple, a list or a dict");
    }

    private void Expect(char c)
    {
        if (Peek() != c)
            throw Error($"expected '{c}'");
        _pos++;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
            _pos++;
    }

    private FormatException Error(string what) =>
        new(_pos < _text.Length ? $"{what} at character {_pos + 1}" : $"{what} at the end of the header");
}
