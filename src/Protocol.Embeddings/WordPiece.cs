namespace Protocol.Embeddings;

/// <summary>WordPiece: greedy longest-match-first over the vocabulary, "##" marking a piece inside a word.</summary>
internal sealed class WordPiece
{
    /// <summary>BERT's max_input_chars_per_word: longer words (in code points) become [UNK] whole.</summary>
    public const int MaxCharsPerWord = 100;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _unkId;

    public WordPiece(Dictionary<string, int> vocabulary, int unkId)
    {
        _lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _unkId = unkId;
    }

    /// <summary>Appends the piece ids of one basic-tokenizer word; a word with any unmatched rest is one [UNK].</summary>
    public void AppendIds(string word, List<int> ids)
    {
        if (word.Length > MaxCharsPerWord && word.EnumerateRunes().Count() > MaxCharsPerWord)
        {
            ids.Add(_unkId);
            return;
        }

        int first = ids.Count;
        var continuation = new char[word.Length + 2];
        continuation[0] = '#';
        continuation[1] = '#';
        int start = 0;
        while (start < word.Length)
        {
            word.AsSpan(start).CopyTo(continuation.AsSpan(2));
            int id = LongestMatch(word, start, continuation, out int end);
            if (id < 0)
            {
                ids.RemoveRange(first, ids.Count - first);
                ids.Add(_unkId);
                return;
            }

            ids.Add(id);
            start = end;
        }
    }

    private int LongestMatch(string word, int start, char[] continuation, out int end)
    {
        for (end = word.Length; end > start; end--)
        {
            if (end < word.Length && char.IsLowSurrogate(word[end]))
            {
                continue; // never cut a surrogate pair
            }

            ReadOnlySpan<char> piece = start == 0 ? word.AsSpan(0, end) : continuation.AsSpan(0, end - start + 2);
            if (_lookup.TryGetValue(piece, out int id))
            {
                return id;
            }
        }

        return -1;
    }
}
