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

    /// <summary>The text for the trigram index: each CJK run becomes one U+0001, so CJK text costs no trigrams there.</summary>
    public static string TrigramBody(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(text.Length);
        var inCjk = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                if (!inCjk)
                {
                    sb.Append('\u0001');
                }

                inCjk = true;
                continue;
            }

            inCjk = false;
            sb.Append(rune.ToString());
        }

        return sb.ToString();
    }

    /// <summary>Every CJK character once as a unigram and every adjacent CJK pair once as a bigram.</summary>
    public static string Build(ReadOnlySpan<char> text)
    {
        // Scalars and pairs as numbers: no string per gram until the distinct ones are written out.
        var unigrams = new HashSet<int>();
        var bigrams = new HashSet<long>();
        var previous = -1;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsCjk(rune))
            {
                previous = -1;
                continue;
            }

            unigrams.Add(rune.Value);
            if (previous >= 0)
            {
                bigrams.Add(((long)previous << 21) | (uint)rune.Value);
            }

            previous = rune.Value;
        }

        var sb = new StringBuilder((unigrams.Count * 2) + (bigrams.Count * 3));
        Span<char> buffer = stackalloc char[2];
        foreach (var u in unigrams)
        {
            sb.Append(buffer[..new Rune(u).EncodeToUtf16(buffer)]).Append(' ');
        }

        foreach (var b in bigrams)
        {
            sb.Append(buffer[..new Rune((int)(b >> 21)).EncodeToUtf16(buffer)]);
            sb.Append(buffer[..new Rune((int)(b & 0x1FFFFF)).EncodeToUtf16(buffer)]).Append(' ');
        }

        return sb.Length > 0 ? sb.ToString(0, sb.Length - 1) : string.Empty;
    }
}
