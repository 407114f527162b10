using Ingest.Metadata;
using System.Buffers;
using System.Text;

namespace Ingest.Tests.Metadata.Reference;

/// <summary>
/// Reference copy of the pre-optimization implementation, kept for property tests. Streaming counters over NFC text: newline kinds, non-blank lines, characters, CJK characters, words,
/// the letters that decide the language, and the outline. Memory is fixed: one short line prefix and a capped outline.
/// </summary>
internal sealed class ReferenceLineStatistics : IDisposable
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
        foreach (var c in text)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (c == '\n')
                {
                    _crlf++;
                    continue;
                }

                _cr++;
            }

            if (c == '\r')
            {
                EndLine();
                _pendingCr = true;
                continue;
            }

            if (c == '\n')
            {
                _lf++;
                EndLine();
                continue;
            }

            if (char.IsHighSurrogate(c))
            {
                _pendingHigh = c;
                continue;
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
        var rune = Rune.IsValid(scalar) ? new Rune(scalar) : Rune.ReplacementChar;
        var whitespace = Rune.IsWhiteSpace(rune) || scalar == 0xFEFF;
        if (!whitespace)
        {
            _lineHasContent = true;
        }

        CollectHeading(scalar, whitespace, high, low);

        var cjk = CjkRanges.Classify(scalar);
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

        var isLetter = Rune.IsLetter(rune);
        if (!isLetter && !Rune.IsNumber(rune))
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
