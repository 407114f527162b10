namespace Ingest.Decoding;

/// <summary>
/// How plausible a decoded text is for the language family of a legacy charset, from -1 (mojibake) to 1
/// (every non-ASCII character is one the language commonly uses). Like universalchardet's distribution
/// analysis, it relies on real text drawing most characters from a small common set, while bytes of
/// another charset land on rare characters, private-use code points or stray symbols.
/// </summary>
internal static class CharsetScorer
{
    private enum Family : byte { Chinese, Japanese, Korean, Western }

    /// <summary>Scores <paramref name="text"/> (decoded with <paramref name="label"/>); ASCII is neutral.</summary>
    public static double Score(string label, ReadOnlySpan<char> text)
    {
        // Resolved once: the loop below runs over up to 64K characters per candidate.
        var family = label switch
        {
            TextEncodings.Gb18030 or TextEncodings.Big5 => Family.Chinese,
            TextEncodings.ShiftJis => Family.Japanese,
            TextEncodings.EucKr => Family.Korean,
            _ => Family.Western,
        };
        double sum = 0;
        var count = 0;
        var run = 0;
        double runSum = 0;
        var western = family == Family.Western;
        foreach (var c in text)
        {
            if (c < 0x80)
            {
                if (run > 0)
                {
                    sum += western ? WesternRun(runSum, run) : runSum;
                    run = 0;
                    runSum = 0;
                }

                continue;
            }

            count++;
            run++;
            runSum += family switch
            {
                Family.Chinese => Chinese(c),
                Family.Japanese => Japanese(c),
                Family.Korean => Korean(c),
                _ => Western(c),
            };
        }

        if (run > 0)
        {
            sum += western ? WesternRun(runSum, run) : runSum;
        }

        return count == 0 ? 0 : sum / count;
    }

    // Western prose has one or two accented letters or quotes in a row; longer runs are CJK bytes read as Latin-1.
    private static double WesternRun(double runSum, int run) => run <= 2 ? runSum : -0.5 * run;

    private static double Western(char c) =>
        WesternFrequency.IsLetter(c) || WesternFrequency.IsPunctuation(c) ? 1
        : c < 0xA0 ? -1 // C1 controls
        : -0.3;

    private static double Chinese(char c)
    {
        if (ChineseFrequency.IsCommon(c) || ChineseFrequency.IsPunctuation(c))
        {
            return 1;
        }

        if (IsUnifiedIdeograph(c))
        {
            return 0;
        }

        // Kana, PUA, Latin, vertical forms, box drawing: typical of Big5 read as GBK and the reverse.
        return -1;
    }

    private static double Japanese(char c)
    {
        if (JapaneseFrequency.IsKana(c) || ChineseFrequency.IsPunctuation(c) || JapaneseFrequency.IsCommonKanji(c))
        {
            return 1;
        }

        if (ChineseFrequency.IsCommon(c))
        {
            return 0.7;
        }

        if (IsUnifiedIdeograph(c))
        {
            return 0;
        }

        // Half-width katakana are what GB or Big5 lead bytes become in Shift_JIS.
        return JapaneseFrequency.IsHalfWidthKatakana(c) ? -0.7 : -1;
    }

    private static double Korean(char c)
    {
        if (KoreanFrequency.IsCommon(c) || ChineseFrequency.IsPunctuation(c))
        {
            return 1;
        }

        if (KoreanFrequency.IsSyllable(c))
        {
            return 0.3;
        }

        // Hanja are rare in modern Korean.
        return IsUnifiedIdeograph(c) ? -0.3 : -1;
    }

    private static bool IsUnifiedIdeograph(char c) => c is >= '\u4E00' and <= '\u9FFF';
}
