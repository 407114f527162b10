namespace Ingest.Metadata;

/// <summary>
/// Recognizes heading markers at the start of a line (after leading whitespace): the GB/T 9704 outline
/// markers 一、 （一） 1. 1、 （1） with half-width parentheses too, and Markdown # to ######.
/// </summary>
internal static class OutlineParser
{
    /// <summary>The longest heading text kept, in characters (scalar values).</summary>
    public const int MaxTextLength = 200;

    /// <summary>
    /// False when no line starting with <paramref name="first"/> (not whitespace) can have a marker other than Markdown's
    /// # or a digit: every marker of a line without them starts with a Chinese numeral or an opening parenthesis.
    /// </summary>
    public static bool CanStartChineseMarker(char first) => first is '（' or '(' || IsChineseNumeral(first);

    /// <summary>The level of the marker that starts <paramref name="line"/>, or 0 when there is none.</summary>
    /// <param name="line">The line with its leading whitespace removed.</param>
    public static int Level(ReadOnlySpan<char> line)
    {
        if (line.IsEmpty)
        {
            return 0;
        }

        if (line[0] == '#')
        {
            var hashes = line.IndexOfAnyExcept('#');
            if (hashes < 0)
            {
                hashes = line.Length;
            }

            // CommonMark: at most six, then a space, a tab or the end of the line.
            return hashes <= 6 && (hashes == line.Length || line[hashes] is ' ' or '\t') ? hashes : 0;
        }

        var numerals = CountChineseNumerals(line);
        if (numerals > 0)
        {
            return numerals < line.Length && line[numerals] == '、' ? 1 : 0;
        }

        var digits = CountDigits(line);
        if (digits > 0)
        {
            if (digits >= line.Length)
            {
                return 0;
            }

            var after = line[digits];
            if (after == '、')
            {
                return 3;
            }

            // "1." but not a decimal number such as "1.5".
            return after is '.' or '．' && (digits + 1 == line.Length || !IsDigit(line[digits + 1])) ? 3 : 0;
        }

        if (line[0] is '（' or '(')
        {
            var inner = line[1..];
            var n = CountChineseNumerals(inner);
            var level = 2;
            if (n == 0)
            {
                n = CountDigits(inner);
                level = 4;
            }

            return n > 0 && n < inner.Length && inner[n] is '）' or ')' ? level : 0;
        }

        return 0;
    }

    private static int CountChineseNumerals(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length && i < 5 && IsChineseNumeral(s[i]))
        {
            i++;
        }

        return i < s.Length && IsChineseNumeral(s[i]) ? 0 : i;
    }

    private static int CountDigits(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length && i < 4 && IsDigit(s[i]))
        {
            i++;
        }

        return i < s.Length && IsDigit(s[i]) ? 0 : i;
    }

    internal static bool IsChineseNumeral(char c) => c is '一' or '二' or '三' or '四' or '五' or '六' or '七' or '八' or '九' or '十' or '百' or '零' or '〇' or '两';

    private static bool IsDigit(char c) => char.IsAsciiDigit(c) || c is >= '０' and <= '９';
}
