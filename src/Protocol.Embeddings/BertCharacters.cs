using System.Globalization;
using System.Text;

namespace Protocol.Embeddings;

/// <summary>The character classes of BERT's basic tokenizer (tokenization.py / HuggingFace BertTokenizer).</summary>
internal static class BertCharacters
{
    /// <summary>Dropped during cleaning: NUL, U+FFFD and every "other" (C*) category.</summary>
    public static bool IsDropped(Rune r)
    {
        if (r.Value == 0 || r.Value == 0xFFFD)
        {
            return true;
        }

        return Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate;
    }

    /// <summary>
    /// Word separators, as the reference tokenizer has them (so features recomputed in Python match): space, \t \n \r
    /// and the Unicode space separators (Zs), plus line and paragraph separators (Zl, Zp), which Python's str.split
    /// splits on. Checked before <see cref="IsDropped"/>; other controls (\v \f U+0085) are dropped, as BERT does.
    /// </summary>
    public static bool IsWhitespace(Rune r) => r.Value is ' ' or '\t' or '\n' or '\r'
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>ASCII symbols count as punctuation even where Unicode calls them symbols (e.g. $ ^ `).</summary>
    public static bool IsPunctuation(Rune r)
    {
        int cp = r.Value;
        if (cp is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideographs blocks BERT splits into single-character words (not Hangul or kana).</summary>
    public static bool IsCjkIdeograph(Rune r)
    {
        int cp = r.Value;
        return cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
    }
}
