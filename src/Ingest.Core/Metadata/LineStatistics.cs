using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Ingest.Metadata;

/// <summary>
/// Streaming counters over NFC text: newline kinds, non-blank lines, characters, CJK characters, words,
/// the letters that decide the language, and the outline. Memory is fixed: one short line prefix and a capped outline.
/// </summary>
internal sealed class LineStatistics : IDisposable
{
    /// <summary>An outline longer than this is cut: a document with thousands of "headings" is a list, not an outline.</summary>
    public const int MaxOutlineEntries = 1000;

    private long _lf;
    private long _crlf;
    private long _cr;
    private bool _pendingCr;
    private char _pendingHigh;

    private long _line = 1;
    private bool _lineHasChars;
    private bool _lineHasContent;
    private long _nonBlankLines;

    private long _chars;
    private long _cjk;
    private long _words;
    private ScriptCounts _scripts;

    private bool _inWord;
    private readonly char[] _word = new char[LanguageGuesser.MaxWordLength];
    private int _wordLength;
    private bool _wordTooLong;
    private bool _wordHasCjk;
    private readonly int[] _functionWordHits = new int[LanguageGuesser.LatinLanguages.Length];

    // The start of the current line, from its first non-whitespace character up to the first 。 (or the length cap).
    private char[] _heading = ArrayPool<char>.Shared.Rent(OutlineParser.MaxTextLength * 2 + 2);
    private int _headingLength;
    private int _headingScalars;
    private bool _headingLeading = true;
    private bool _headingClosed;
    private readonly List<OutlineEntry> _outline = [];

    public void Append(ReadOnlySpan<char> text)
    {
        var i = 0;
        var nextLf = -2; // where the next LF is (-1: none left, -2: not looked for), so text is searched once
        while (i < text.Length)
        {
            if (!_lineHasChars && !_pendingCr && _pendingHigh == '\0' && SimpleLine.Enabled && nextLf != -1)
            {
                // At the start of a line: a whole line of ideographs and plain punctuation is counted at once.
                if (nextLf < i)
                {
                    var k = text[i..].IndexOf('\n');
                    nextLf = k < 0 ? -1 : i + k;
                }

                if (nextLf > i && SimpleLine.Count(text[i..nextLf]) is var han and >= 0)
                {
                    var line = text[i..nextLf];
                    AddSimpleLine(line.Length, han, line[..Math.Min(line.Length, OutlineParser.MaxTextLength)]);
                    i = nextLf + 1;
                    continue;
                }
            }

            var c = text[i];
            if (c is >= HanFirst and <= HanLast && !_pendingCr && _pendingHigh == '\0' && CharFlags.HanBlockIsLetters)
            {
                // The bulk of CJK text: a run of ideographs changes every counter the same way, so take it at once.
                var run = text[i..].IndexOfAnyExceptInRange(HanFirst, HanLast);
                if (run < 0)
                {
                    run = text.Length - i;
                }

                AddHanRun(text.Slice(i, run));
                i += run;
                continue;
            }

            Step(c);
            i++;
        }
    }

    /// <summary>True at the start of a line with nothing pending: a whole simple line may be added at once.</summary>
    public bool AtLineStart => !_lineHasChars && !_pendingCr && _pendingHigh == '\0';

    /// <summary>
    /// What the character-by-character path does for a line of <see cref="SimpleLine"/> characters and its LF:
    /// every character counts, the ideographs are CJK letters whose words never count, the heading runs to the
    /// first 。, and the line ends. Only at <see cref="AtLineStart"/>.
    /// </summary>
    /// <param name="length">The line's characters, without its LF.</param>
    /// <param name="head">Its first characters, at least <see cref="OutlineParser.MaxTextLength"/> of them (or all).</param>
    public void AddSimpleLine(int length, int han, ReadOnlySpan<char> head)
    {
        _chars += length;
        _cjk += han;
        _scripts.Letters += han;
        _scripts.Cjk += han;
        _lineHasChars = true;
        _lineHasContent = true;
        if (_outline.Count < MaxOutlineEntries)
        {
            var stop = head.IndexOf('。');
            var take = Math.Min(stop < 0 ? head.Length : stop, OutlineParser.MaxTextLength);
            head[..take].CopyTo(_heading);
            _headingLength = take;
            _headingScalars = take;
        }

        _lf++;
        EndLine();
    }

    /// <summary>
    /// <see cref="AddSimpleLine"/> for <paramref name="lines"/> simple lines in a row whose headings are not kept (none
    /// can start an outline marker): the counters move, and every line ends as it began (see <see cref="EndLine"/>).
    /// Only at <see cref="AtLineStart"/>, where no word is open.
    /// </summary>
    public void AddSimpleLines(int lines, long chars, long han)
    {
        _chars += chars;
        _cjk += han;
        _scripts.Letters += han;
        _scripts.Cjk += han;
        _lf += lines;
        _nonBlankLines += lines;
        _line += lines;
    }

    private const char HanFirst = '\u4E00';
    private const char HanLast = '\u9FFF';

    /// <summary>What <see cref="AddScalar"/> does for each of <paramref name="run"/> (Han letters, no whitespace, no 。), in bulk.</summary>
    private void AddHanRun(ReadOnlySpan<char> run)
    {
        var n = run.Length;
        _chars += n;
        _cjk += n;
        _scripts.Letters += n;
        _scripts.Cjk += n;
        _lineHasChars = true;
        _lineHasContent = true;

        if (!_headingClosed && _outline.Count < MaxOutlineEntries)
        {
            _headingLeading = false;
            var take = Math.Min(n, OutlineParser.MaxTextLength - _headingScalars);
            run[..take].CopyTo(_heading.AsSpan(_headingLength));
            _headingLength += take;
            _headingScalars += take;
            if (take < n)
            {
                _headingClosed = true; // the next character found the cap reached
            }
        }

        if (!_inWord)
        {
            _inWord = true;
            _wordLength = 0;
            _wordTooLong = false;
        }

        _wordHasCjk = true;
    }

    /// <summary>One character, the general way (line ends, surrogate pairs, everything but runs of ideographs).</summary>
    private void Step(char c)
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            if (c == '\n')
            {
                _crlf++;
                return;
            }

            _cr++;
        }

        if (c == '\r')
        {
            EndLine();
            _pendingCr = true;
            return;
        }

        if (c == '\n')
        {
            _lf++;
            EndLine();
            return;
        }

        if (char.IsHighSurrogate(c))
        {
            _pendingHigh = c;
            return;
        }

        int scalar = c;
        if (char.IsLowSurrogate(c) && _pendingHigh != '\0')
        {
            scalar = char.ConvertToUtf32(_pendingHigh, c);
        }

        var high = _pendingHigh;
        _pendingHigh = '\0';
        AddScalar(scalar, high, c);
    }

    /// <summary>Finishes the last line and returns the statistics.</summary>
    public LineFacts Complete()
    {
        if (_pendingCr)
        {
            _cr++;
            _pendingCr = false;
        }

        if (_lineHasChars)
        {
            EndLine();
        }

        var kinds = (_lf > 0 ? 1 : 0) + (_crlf > 0 ? 1 : 0) + (_cr > 0 ? 1 : 0);
        var newline = kinds switch
        {
            0 => "none",
            > 1 => "mixed",
            _ => _lf > 0 ? "lf" : _crlf > 0 ? "crlf" : "cr",
        };
        var language = LanguageGuesser.Decide(_scripts, _functionWordHits);
        return new LineFacts(newline, _nonBlankLines, _chars, _cjk, _words, language, _outline.ToArray());
    }

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(_heading);
        _heading = [];
    }

    private void AddScalar(int scalar, char high, char low)
    {
        _chars++;
        _lineHasChars = true;
        var flags = scalar < 0x10000 ? CharFlags.Table[scalar] : CharFlags.Of(scalar);
        var whitespace = (flags & CharFlags.WhiteSpace) != 0;
        if (!whitespace)
        {
            _lineHasContent = true;
        }

        CollectHeading(scalar, whitespace, high, low);

        var cjk = (CjkKind)(flags >> CharFlags.CjkShift);
        if (cjk != CjkKind.None)
        {
            _cjk++;
            _scripts.Letters++;
            _scripts.Cjk++;
            if (cjk == CjkKind.Kana)
            {
                _scripts.Kana++;
            }
            else if (cjk == CjkKind.Hangul)
            {
                _scripts.Hangul++;
            }
        }

        var isLetter = (flags & CharFlags.Letter) != 0;
        if (!isLetter && (flags & CharFlags.Number) == 0)
        {
            EndWord();
            return;
        }

        if (!_inWord)
        {
            _inWord = true;
            _wordLength = 0;
            _wordTooLong = false;
            _wordHasCjk = false;
        }

        if (cjk != CjkKind.None)
        {
            // The contract counts maximal runs of letters and digits that contain no CJK character:
            // CJK characters are letters, so they join the run and disqualify it.
            _wordHasCjk = true;
            return;
        }

        if (isLetter)
        {
            _scripts.AddLetter(scalar);
        }

        if (_wordLength < _word.Length && scalar < 0x10000)
        {
            _word[_wordLength++] = char.ToLowerInvariant((char)scalar);
        }
        else
        {
            _wordTooLong = true;
        }
    }

    private void EndWord()
    {
        if (!_inWord)
        {
            return;
        }

        _inWord = false;
        if (_wordHasCjk)
        {
            return;
        }

        _words++;
        if (!_wordTooLong)
        {
            LanguageGuesser.CountWord(_word.AsSpan(0, _wordLength), _functionWordHits);
        }
    }

    private void CollectHeading(int scalar, bool whitespace, char high, char low)
    {
        if (_headingClosed || _outline.Count >= MaxOutlineEntries)
        {
            return;
        }

        if (_headingLeading)
        {
            if (whitespace)
            {
                return;
            }

            _headingLeading = false;
        }

        if (scalar == '。' || _headingScalars == OutlineParser.MaxTextLength)
        {
            _headingClosed = true;
            return;
        }

        if (scalar >= 0x10000)
        {
            _heading[_headingLength++] = high;
        }

        _heading[_headingLength++] = low;
        _headingScalars++;
    }

    private void EndLine()
    {
        EndWord();
        if (_lineHasContent)
        {
            _nonBlankLines++;
        }

        if (_headingLength > 0 && _outline.Count < MaxOutlineEntries)
        {
            var text = _heading.AsSpan(0, _headingLength).TrimEnd();
            var level = OutlineParser.Level(text);
            if (level > 0)
            {
                _outline.Add(new OutlineEntry(level, text.ToString(), _line));
            }
        }

        _line++;
        _lineHasChars = false;
        _lineHasContent = false;
        _headingLength = 0;
        _headingScalars = 0;
        _headingLeading = true;
        _headingClosed = false;
    }
}

/// <summary>
/// Lines made only of ideographs (U+4E00–U+9FFF) and common CJK punctuation, the bulk of Chinese prose: for them every
/// counter follows from the length and the number of ideographs, counted with vectors.
/// </summary>
internal static class SimpleLine
{
    private static readonly char[] Candidates =
        ['，', '、', '。', '；', '：', '？', '！', '“', '”', '‘', '’', '（', '）', '《', '》', '—', '…', '·', '「', '」', '『', '』', '【', '】'];

    /// <summary>The punctuation of <see cref="Candidates"/> that, in this runtime's Unicode data, is neither whitespace, letter, digit nor CJK.</summary>
    internal static readonly char[] Punctuation = Candidates.Where(c => CharFlags.Table[c] == 0).ToArray();

    /// <summary>False when the bulk count cannot be exact (ideographs that are not plain letters) or has no vectors.</summary>
    public static readonly bool Enabled = CharFlags.HanBlockIsLetters && Vector256.IsHardwareAccelerated;

    /// <summary>One bit per BMP character: set for the simple punctuation.</summary>
    private static readonly uint[] PunctuationBits = BuildBits();

    private static uint[] BuildBits()
    {
        var bits = new uint[0x10000 / 32];
        foreach (var c in Punctuation)
        {
            bits[c >> 5] |= 1u << (c & 31);
        }

        return bits;
    }

    internal static bool IsPunctuation(char c) => (PunctuationBits[c >> 5] & (1u << (c & 31))) != 0;

    /// <summary>
    /// <see cref="Count"/> on UTF-8 bytes, which it also validates: the number of characters and of ideographs when
    /// every character is simple (all of them are three-byte sequences), else (-1, -1). A line that is not simple,
    /// valid or not, is left to the decoder.
    /// </summary>
    public static (int Chars, int Han) CountUtf8(ReadOnlySpan<byte> line)
    {
        if (line.Length % 3 != 0)
        {
            return (-1, -1);
        }

        var han = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && line.Length >= 33)
        {
            // Ten characters (30 bytes) a step, so every step starts on a character. The second load, one byte on, needs
            // three bytes past the step: the last step overlaps the one before and counts only its new characters,
            // which leaves one character for the scalar loop below instead of up to ten.
            for (; i + 33 <= line.Length; i += 30)
            {
                if (!CountStep(line, i, 0, ref han))
                {
                    return (-1, -1);
                }
            }

            var last = line.Length - 33;
            if (i < line.Length - 3)
            {
                if (!CountStep(line, last, i - last, ref han))
                {
                    return (-1, -1);
                }

                i = last + 30;
            }
        }

        for (; i < line.Length; i += 3)
        {
            var (lead, second, third) = (line[i], line[i + 1], line[i + 2]);
            if ((second & 0xC0) != 0x80 || (third & 0xC0) != 0x80)
            {
                return (-1, -1);
            }

            // U+4E00..U+9FFF is E4 B8 80..E9 BF BF.
            if (lead is >= 0xE5 and <= 0xE9 || (lead == 0xE4 && second >= 0xB8))
            {
                han++;
                continue;
            }

            if (!IsSimplePunctuation(lead, second, third))
            {
                return (-1, -1);
            }
        }

        return (line.Length / 3, han);
    }

    /// <summary>
    /// One vector step of <see cref="CountUtf8"/> over the ten characters at <paramref name="at"/> (33 bytes readable):
    /// leads where the offset is a multiple of 3, continuation bytes elsewhere; E5-E9 leads, and E4 leads followed by B8
    /// or more, are ideographs; the few others (about one in nine in prose) are checked one by one. The first
    /// <paramref name="counted"/> bytes were counted by the step before: they are checked again but not counted.
    /// </summary>
    private static bool CountStep(ReadOnlySpan<byte> line, int at, int counted, ref int han)
    {
        const uint leads = 0b001_001_001_001_001_001_001_001_001_001;
        const uint step = (1u << 30) - 1;
        ref var start = ref MemoryMarshal.GetReference(line);
        var v = Vector256.LoadUnsafe(ref start, (nuint)at);
        var next = Vector256.LoadUnsafe(ref start, (nuint)at + 1);
        var lead = Vector256.Equals(v & Vector256.Create((byte)0xF0), Vector256.Create((byte)0xE0)).ExtractMostSignificantBits() & step;
        var continuation = Vector256.Equals(v & Vector256.Create((byte)0xC0), Vector256.Create((byte)0x80)).ExtractMostSignificantBits() & step;
        if (lead != leads || continuation != (~leads & step))
        {
            return false;
        }

        var ideograph = (Vector256.LessThanOrEqual(v - Vector256.Create((byte)0xE5), Vector256.Create((byte)(0xE9 - 0xE5)))
            | (Vector256.Equals(v, Vector256.Create((byte)0xE4)) & Vector256.GreaterThanOrEqual(next, Vector256.Create((byte)0xB8))))
            .ExtractMostSignificantBits() & leads;
        han += BitOperations.PopCount(ideograph & ~((1u << counted) - 1));
        for (var other = leads & ~ideograph; other != 0; other &= other - 1)
        {
            var p = at + BitOperations.TrailingZeroCount(other);
            if (!IsSimplePunctuation(line[p], line[p + 1], line[p + 2]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A three-byte sequence (continuation bytes already checked) that is simple punctuation.</summary>
    private static bool IsSimplePunctuation(byte lead, byte second, byte third) =>
        // Lead bytes E0 and ED also need range checks (overlong forms, surrogates); no simple punctuation uses them.
        lead is >= 0xE1 and <= 0xEF and not 0xED && IsPunctuation(Char(lead, second, third));

    /// <summary>The character of a three-byte UTF-8 sequence (not checked).</summary>
    private static char Char(byte lead, byte second, byte third) => (char)(((lead & 0x0F) << 12) | ((second & 0x3F) << 6) | (third & 0x3F));

    /// <summary>The first character of a simple line (every character of which is a three-byte sequence).</summary>
    public static char Char(ReadOnlySpan<byte> line) => Char(line[0], line[1], line[2]);

    /// <summary>The number of ideographs when every character of <paramref name="line"/> is simple, else -1.</summary>
    public static int Count(ReadOnlySpan<char> line)
    {
        var u = MemoryMarshal.Cast<char, ushort>(line);
        ref var start = ref MemoryMarshal.GetReference(u);
        var han = 0;
        var i = 0;
        for (; i + Vector256<ushort>.Count <= u.Length; i += Vector256<ushort>.Count)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            var isHan = Vector256.LessThanOrEqual(v - Vector256.Create((ushort)0x4E00), Vector256.Create((ushort)(0x9FFF - 0x4E00)))
                .ExtractMostSignificantBits();
            han += BitOperations.PopCount(isHan);

            // The few other characters (about one in nine in prose) are looked up one by one.
            for (var other = ~isHan & 0xFFFFu; other != 0; other &= other - 1)
            {
                if (!IsPunctuation((char)u[i + BitOperations.TrailingZeroCount(other)]))
                {
                    return -1;
                }
            }
        }

        for (; i < u.Length; i++)
        {
            var c = (char)u[i];
            if (c is >= '\u4E00' and <= '\u9FFF')
            {
                han++;
            }
            else if (!IsPunctuation(c))
            {
                return -1;
            }
        }

        return han;
    }
}

/// <summary>What <see cref="LineStatistics"/> found.</summary>
internal sealed record LineFacts(
    string Newline, long NonBlankLineCount, long CharCount, long CjkCount, long WordCount, string Language, IReadOnlyList<OutlineEntry> Outline);

/// <summary>
/// The per-character facts <see cref="LineStatistics"/> needs, precomputed for the BMP (64 KB, built once) so the hot
/// loop does one load instead of Rune construction and Unicode-category calls. The same definitions as before:
/// an invalid scalar (a lone surrogate) counts as U+FFFD.
/// </summary>
internal static class CharFlags
{
    public const byte WhiteSpace = 1; // Rune.IsWhiteSpace or U+FEFF
    public const byte Letter = 2;
    public const byte Number = 4;
    public const int CjkShift = 3; // CjkKind in bits 3-4

    public static readonly byte[] Table = Build();

    /// <summary>True when every character of U+4E00–U+9FFF is a letter in this runtime's Unicode data (the bulk path relies on it).</summary>
    public static readonly bool HanBlockIsLetters = CheckHan();

    public static byte Of(int scalar)
    {
        var rune = Rune.IsValid(scalar) ? new Rune(scalar) : Rune.ReplacementChar;
        var flags = (byte)((int)CjkRanges.Classify(scalar) << CjkShift);
        if (Rune.IsWhiteSpace(rune) || scalar == 0xFEFF)
        {
            flags |= WhiteSpace;
        }

        if (Rune.IsLetter(rune))
        {
            flags |= Letter;
        }

        if (Rune.IsNumber(rune))
        {
            flags |= Number;
        }

        return flags;
    }

    private static byte[] Build()
    {
        var table = new byte[0x10000];
        for (var c = 0; c < table.Length; c++)
        {
            table[c] = Of(c);
        }

        return table;
    }

    private static bool CheckHan()
    {
        for (var c = 0x4E00; c <= 0x9FFF; c++)
        {
            if (Table[c] != (Letter | ((int)CjkKind.Han << CjkShift)))
            {
                return false;
            }
        }

        return true;
    }
}
