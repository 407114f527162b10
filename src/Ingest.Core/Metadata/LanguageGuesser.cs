using System.Collections.Frozen;

namespace Ingest.Metadata;

/// <summary>
/// The <c>language</c> rule of the contract: CJK share and kana/Hangul shares first, then function words for
/// Latin script, then scripts that name a single language; otherwise <c>und</c>.
/// </summary>
internal static class LanguageGuesser
{
    public const string Undetermined = "und";

    /// <summary>Languages told apart by function words, in tie order.</summary>
    internal static readonly string[] LatinLanguages = ["en", "fr", "de", "es", "it", "pt", "nl"];

    // Words shared by several languages (de, la, que, …) count for each; the distinctive ones decide.
    private static readonly string[][] FunctionWords =
    [
        ["the", "and", "of", "to", "is", "in", "that", "it", "was", "for", "with", "as", "on", "are", "this", "be", "by", "have", "from", "not", "but", "or", "which", "you", "were", "they", "his", "her", "at", "an", "will", "would", "has", "had", "we", "our", "their", "there", "been", "can"],
        ["le", "la", "les", "et", "des", "du", "est", "une", "un", "dans", "que", "qui", "pour", "pas", "sur", "avec", "ce", "il", "elle", "sont", "au", "aux", "nous", "vous", "mais", "ou", "été", "être", "cette", "leur", "très", "où"],
        ["der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "den", "dem", "mit", "von", "sich", "auf", "für", "im", "des", "auch", "es", "ich", "wir", "sie", "wird", "sind", "war", "dass", "oder", "aber", "nach", "über", "bei"],
        ["el", "la", "los", "las", "y", "de", "que", "en", "un", "una", "es", "por", "con", "para", "del", "se", "no", "su", "al", "lo", "como", "más", "pero", "está", "son", "muy", "también"],
        ["il", "la", "di", "che", "e", "è", "un", "una", "per", "non", "del", "della", "sono", "con", "gli", "le", "si", "al", "nel", "anche", "come", "ma", "più", "questo", "delle"],
        ["o", "os", "as", "de", "que", "e", "do", "da", "em", "um", "uma", "para", "com", "não", "por", "se", "na", "no", "mais", "dos", "das", "é", "são", "também", "muito"],
        ["de", "het", "een", "en", "van", "is", "dat", "niet", "op", "te", "zijn", "voor", "met", "ik", "ook", "maar", "er", "bij", "wordt", "naar", "om"],
    ];

    private static readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> Lookup = BuildLookup();

    /// <summary>The longest function word, so longer words need not be looked up.</summary>
    public const int MaxWordLength = 8;

    private static FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> BuildLookup()
    {
        var map = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var lang = 0; lang < FunctionWords.Length; lang++)
        {
            foreach (var w in FunctionWords[lang])
            {
                if (!map.TryGetValue(w, out var list))
                {
                    map[w] = list = [];
                }

                list.Add(lang);
            }
        }

        return map.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Counts a lowercase word towards every language it is a function word of.</summary>
    public static void CountWord(ReadOnlySpan<char> lowercaseWord, Span<int> hits)
    {
        if (Lookup.TryGetValue(lowercaseWord, out var languages))
        {
            foreach (var lang in languages)
            {
                hits[lang]++;
            }
        }
    }

    /// <summary>Applies the rule to the counts gathered over the whole text.</summary>
    public static string Decide(in ScriptCounts counts, ReadOnlySpan<int> functionWordHits)
    {
        if (counts.Letters == 0)
        {
            return Undetermined;
        }

        if (counts.Cjk > 0 && counts.Cjk * 2 >= counts.Letters)
        {
            if (counts.Kana * 20 >= counts.Cjk)
            {
                return "ja";
            }

            return counts.Hangul * 20 >= counts.Cjk ? "ko" : "zh";
        }

        if (counts.Latin * 2 >= counts.Letters)
        {
            return ByFunctionWords(functionWordHits);
        }

        // Scripts used by one language only.
        return Dominant(counts.Greek, "el", counts) ?? Dominant(counts.Hebrew, "he", counts) ?? Dominant(counts.Thai, "th", counts)
            ?? Dominant(counts.Armenian, "hy", counts) ?? Dominant(counts.Georgian, "ka", counts) ?? Undetermined;
    }

    private static string? Dominant(long n, string code, in ScriptCounts counts) => n * 2 >= counts.Letters && n > 0 ? code : null;

    private static string ByFunctionWords(ReadOnlySpan<int> hits)
    {
        var best = -1;
        var bestHits = 0;
        var second = 0;
        for (var i = 0; i < hits.Length; i++)
        {
            if (hits[i] > bestHits)
            {
                second = bestHits;
                (best, bestHits) = (i, hits[i]);
            }
            else if (hits[i] > second)
            {
                second = hits[i];
            }
        }

        // Two function words at least, and a clear lead over the runner-up.
        return best >= 0 && bestHits >= 2 && bestHits > second ? LatinLanguages[best] : Undetermined;
    }
}

/// <summary>Letter counts by script, gathered while streaming.</summary>
internal struct ScriptCounts
{
    public long Letters;
    public long Cjk;
    public long Kana;
    public long Hangul;
    public long Latin;
    public long Greek;
    public long Hebrew;
    public long Thai;
    public long Armenian;
    public long Georgian;

    public void AddLetter(int c)
    {
        Letters++;
        switch (c)
        {
            case <= 0x024F or (>= 0x1E00 and <= 0x1EFF):
                Latin++;
                break;
            case >= 0x0370 and <= 0x03FF or (>= 0x1F00 and <= 0x1FFF):
                Greek++;
                break;
            case >= 0x0531 and <= 0x058F:
                Armenian++;
                break;
            case >= 0x05D0 and <= 0x05FF:
                Hebrew++;
                break;
            case >= 0x0E00 and <= 0x0E7F:
                Thai++;
                break;
            case >= 0x10A0 and <= 0x10FF:
                Georgian++;
                break;
        }
    }
}
