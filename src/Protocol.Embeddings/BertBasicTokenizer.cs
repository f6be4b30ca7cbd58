using System.Text;

namespace Protocol.Embeddings;

/// <summary>
/// BERT uncased's basic tokenizer in one pass: clean, isolate CJK ideographs, split on whitespace,
/// lowercase, strip accents, split off punctuation. Yields the words WordPiece then splits.
/// </summary>
internal static class BertBasicTokenizer
{
    /// <summary>The words of <paramref name="text"/>, lazily, so truncated encodings stop early.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        var folded = new List<Rune>(4);
        var utf16 = new char[2];
        foreach (Rune r in text.EnumerateRunes()) // lone surrogates arrive as U+FFFD and are dropped
        {
            if (BertCharacters.IsWhitespace(r))
            {
                if (word.Length > 0)
                {
                    yield return Take(word);
                }

                continue;
            }

            if (BertCharacters.IsDropped(r))
            {
                continue; // joins its neighbours, as BERT's clean_text does
            }

            folded.Clear();
            AccentFolding.AppendFolded(r, folded);
            bool ideograph = BertCharacters.IsCjkIdeograph(r);
            foreach (Rune f in folded)
            {
                if (ideograph || BertCharacters.IsPunctuation(f))
                {
                    if (word.Length > 0)
                    {
                        yield return Take(word);
                    }

                    yield return f.ToString();
                }
                else
                {
                    word.Append(utf16, 0, f.EncodeToUtf16(utf16));
                }
            }
        }

        if (word.Length > 0)
        {
            yield return Take(word);
        }
    }

    private static string Take(StringBuilder word)
    {
        string s = word.ToString();
        word.Clear();
        return s;
    }
}
