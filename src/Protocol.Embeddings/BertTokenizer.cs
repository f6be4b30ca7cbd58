using System.Text;

namespace Protocol.Embeddings;

/// <summary>
/// The standard BERT uncased tokenizer (Google's tokenization.py, HuggingFace BertTokenizer with
/// do_lower_case=True): basic tokenization, then WordPiece over a vocab.txt vocabulary.
/// </summary>
public sealed class BertTokenizer
{
    private readonly string[] _tokens;
    private readonly WordPiece _wordPiece;

    /// <summary>Creates a tokenizer over <paramref name="vocabulary"/>, where a token's index is its id.</summary>
    /// <exception cref="ArgumentException">A special token ([CLS], [SEP], [PAD], [UNK]) is missing.</exception>
    public BertTokenizer(IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _tokens = [.. vocabulary];
        var ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < _tokens.Length; i++)
        {
            ids[_tokens[i]] = i; // a repeated line takes the later id, as HuggingFace's load_vocab does
        }

        ClsId = Special(ids, "[CLS]");
        SepId = Special(ids, "[SEP]");
        PadId = Special(ids, "[PAD]");
        UnkId = Special(ids, "[UNK]");
        _wordPiece = new WordPiece(ids, UnkId);
    }

    /// <summary>Reads a vocab.txt (UTF-8, one token a line, line number = id).</summary>
    public static BertTokenizer FromVocabulary(Stream vocabTxt)
    {
        ArgumentNullException.ThrowIfNull(vocabTxt);
        using var reader = new StreamReader(vocabTxt, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var lines = new List<string>(32_000);
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return new BertTokenizer(lines);
    }

    /// <summary>Number of tokens in the vocabulary.</summary>
    public int VocabularySize => _tokens.Length;

    /// <summary>Id of [CLS], which opens every encoding.</summary>
    public int ClsId { get; }

    /// <summary>Id of [SEP], which closes every encoding.</summary>
    public int SepId { get; }

    /// <summary>Id of [PAD], used to fill a batch to its longest encoding.</summary>
    public int PadId { get; }

    /// <summary>Id of [UNK], for words the vocabulary cannot spell.</summary>
    public int UnkId { get; }

    /// <summary>The token with id <paramref name="id"/>.</summary>
    public string GetToken(int id) => _tokens[id];

    /// <summary>The WordPiece tokens of <paramref name="text"/>, without [CLS]/[SEP] and without truncation.</summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        List<int> ids = PieceIds(text, int.MaxValue);
        return ids.ConvertAll(id => _tokens[id]);
    }

    /// <summary>
    /// [CLS], the first <paramref name="maxTokens"/> − 2 token ids of <paramref name="text"/>, [SEP].
    /// Text that looks like a special token ("[SEP]") is tokenized as plain text.
    /// </summary>
    public int[] Encode(string text, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        List<int> pieces = PieceIds(text, maxTokens - 2);
        var ids = new int[pieces.Count + 2];
        ids[0] = ClsId;
        pieces.CopyTo(ids, 1);
        ids[^1] = SepId;
        return ids;
    }

    private List<int> PieceIds(string text, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach (string word in BertBasicTokenizer.Words(text))
        {
            if (ids.Count >= limit)
            {
                break;
            }

            _wordPiece.AppendIds(word, ids);
        }

        if (ids.Count > limit)
        {
            ids.RemoveRange(limit, ids.Count - limit);
        }

        return ids;
    }

    private static int Special(Dictionary<string, int> ids, string token) =>
        ids.TryGetValue(token, out int id) ? id : throw new ArgumentException($"The vocabulary has no {token} token.", nameof(ids));
}
