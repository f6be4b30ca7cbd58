namespace Protocol.Embeddings.Tests;

public sealed class BertTokenizerTests
{
    private static readonly BertTokenizer Tokenizer = MiniLmEmbedder.LoadTokenizer();

    [Fact]
    public void Encode_HelloWorld_GivesBertUncasedIds()
    {
        int[] ids = Tokenizer.Encode("Hello, world!", 256);

        Assert.Equal(["[CLS]", "hello", ",", "world", "!", "[SEP]"], ids.Select(Tokenizer.GetToken));
        Assert.Equal([101, 7592, 1010, 2088, 999, 102], ids);
    }

    [Fact]
    public void Tokenize_TabsAndNewlines_SeparateWordsLikeSpaces()
    {
        Assert.Equal(["a", "b", "c"], Tokenizer.Tokenize("a\nb\tc"));
        Assert.Equal(Tokenizer.Encode("a b c", 256), Tokenizer.Encode("a\r\nb\tc\u00A0", 256));
        Assert.Equal(["a", "b"], Tokenizer.Tokenize("a\u2028b"));
    }

    [Fact]
    public void Tokenize_OtherControlCharacters_AreDeletedAsTheReferenceDoes()
    {
        // HuggingFace's BertTokenizer: _clean_text drops \v \f U+0085 (category Cc), so the words join.
        Assert.Equal(Tokenizer.Tokenize("hello"), Tokenizer.Tokenize("hel\flo"));
        Assert.Equal(Tokenizer.Tokenize("hello"), Tokenizer.Tokenize("hel\vl\u0085o"));
    }

    [Fact]
    public void Tokenize_Accents_AreStripped()
    {
        Assert.Equal(["cafe", "naive"], Tokenizer.Tokenize("Café naïve"));
        Assert.Equal(["ecole"], Tokenizer.Tokenize("ÉCOLE"));
    }

    [Fact]
    public void Tokenize_WordOver100Characters_IsOneUnk()
    {
        Assert.Equal(["[UNK]"], Tokenizer.Tokenize(new string('a', 120)));
        Assert.DoesNotContain("[UNK]", Tokenizer.Tokenize(new string('a', 100)));
    }

    [Fact]
    public void Tokenize_WordMissingFromVocabulary_SplitsIntoContinuationPieces()
    {
        IReadOnlyList<string> pieces = Tokenizer.Tokenize("unaffable");

        Assert.True(pieces.Count > 1, string.Join(" ", pieces));
        Assert.False(pieces[0].StartsWith("##", StringComparison.Ordinal));
        Assert.All(pieces.Skip(1), p => Assert.StartsWith("##", p, StringComparison.Ordinal));
        Assert.Equal("unaffable", string.Concat(pieces.Select(p => p.TrimStart('#'))));
    }

    [Fact]
    public void Tokenize_UnspellableWord_IsOneUnk()
    {
        Assert.Equal(["a", "[UNK]", "b"], Tokenizer.Tokenize("a \U0001F9EC\U0001F9EC b"));
    }

    [Fact]
    public void Tokenize_PunctuationAndIdeographs_BecomeTheirOwnWords()
    {
        Assert.Equal(["«", "hi", "»", "$", "5", "中", "文"], Tokenizer.Tokenize("«hi»$5中文"));
        Assert.Equal(["ab"], Tokenizer.Tokenize("a\u0000b\u200B"));
    }

    [Fact]
    public void Encode_LongText_IsTruncatedTo256EndingInSep()
    {
        string text = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"word{i % 7}"));

        int[] ids = Tokenizer.Encode(text, 256);

        Assert.Equal(256, ids.Length);
        Assert.Equal(Tokenizer.ClsId, ids[0]);
        Assert.Equal(Tokenizer.SepId, ids[^1]);
        Assert.Equal(Tokenizer.Encode(text, 10_000)[..255], ids[..255]);
    }

    [Fact]
    public void Encode_EmptyText_IsClsSep()
    {
        Assert.Equal([101, 102], Tokenizer.Encode("", 256));
        Assert.Equal([101, 102], Tokenizer.Encode(" \n\t", 256));
    }
}
