using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Protocol.Embeddings;

/// <summary>
/// BERT uncased's lowercase + strip-accents step: lowercase, canonical decomposition (NFD), then drop
/// nonspacing marks (Mn). string.Normalize does nothing under InvariantGlobalization (which every app of
/// this solution runs with), so the decompositions come from an embedded table generated from Unicode data.
/// </summary>
internal static class AccentFolding
{
    private const int HangulBase = 0xAC00, HangulCount = 11172, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int VowelCount = 21, TrailCount = 28;

    private static readonly FrozenDictionary<int, Rune[]> Decompositions = LoadTable();

    /// <summary>Appends the lowercased, accent-free form of <paramref name="r"/> (zero or more runes) to <paramref name="output"/>.</summary>
    public static void AppendFolded(Rune r, List<Rune> output)
    {
        Rune lower = r.Value == 0x130 ? new Rune('i') : Rune.ToLowerInvariant(r); // İ: invariant casing keeps it; Unicode lowers it to i + U+0307
        int cp = lower.Value;
        if (cp - HangulBase is >= 0 and < HangulCount)
        {
            // Hangul syllables decompose by formula into their jamo (Unicode ch. 3.12); jamo are letters, so all stay.
            int index = cp - HangulBase;
            output.Add(new Rune(LeadBase + (index / (VowelCount * TrailCount))));
            output.Add(new Rune(VowelBase + (index % (VowelCount * TrailCount) / TrailCount)));
            if (index % TrailCount != 0)
            {
                output.Add(new Rune(TrailBase + (index % TrailCount)));
            }

            return;
        }

        if (Decompositions.TryGetValue(cp, out Rune[]? parts))
        {
            foreach (Rune part in parts)
            {
                AddUnlessMark(part, output);
            }
        }
        else
        {
            AddUnlessMark(lower, output);
        }
    }

    private static void AddUnlessMark(Rune r, List<Rune> output)
    {
        if (Rune.GetUnicodeCategory(r) != UnicodeCategory.NonSpacingMark)
        {
            output.Add(r);
        }
    }

    private static FrozenDictionary<int, Rune[]> LoadTable()
    {
        using Stream stream = typeof(AccentFolding).Assembly.GetManifestResourceStream("Protocol.Embeddings.canonical-decompositions.txt")
            ?? throw new InvalidOperationException("The canonical decomposition table is not embedded in Protocol.Embeddings.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var table = new Dictionary<int, Rune[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] columns = line.Split('\t');
            table[ParseHex(columns[0])] = columns[1].Split(' ').Select(hex => new Rune(ParseHex(hex))).ToArray();
        }

        return table.ToFrozenDictionary();
    }

    private static int ParseHex(string hex) => int.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
