using System.Text;

namespace Ingest.Search;

/// <summary>
/// Turns text into CJK unigrams and bigrams separated by spaces, for an FTS5 index that answers one- and
/// two-character Chinese and Japanese queries exactly (the trigram tokenizer matches nothing shorter than three).
/// </summary>
internal static class CjkGrams
{
    public static bool IsCjk(Rune r)
    {
        var v = r.Value;
        return v is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x3134F)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x3040 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF) or (>= 0xFF66 and <= 0xFF9F)
            or (>= 0xAC00 and <= 0xD7AF) or (>= 0x1100 and <= 0x11FF) or (>= 0x3130 and <= 0x318F);
    }

    /// <summary>Every CJK character once as a unigram and every adjacent CJK pair once as a bigram.</summary>
    public static string Build(ReadOnlySpan<char> text)
    {
        var grams = new HashSet<string>(StringComparer.Ordinal);
        Rune? previous = null;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsCjk(rune))
            {
                previous = null;
                continue;
            }

            grams.Add(rune.ToString());
            if (previous is { } p)
            {
                grams.Add(p.ToString() + rune.ToString());
            }

            previous = rune;
        }

        return string.Join(' ', grams);
    }
}
