using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Ingest.Metadata;

/// <summary>
/// Streams decoded text through NFC normalization and computes the exact metadata of the contract:
/// title, line count and text hash, plus the counts, language and outline of <see cref="LineStatistics"/>. Memory is bounded by the chunk size, whatever the document's size.
/// </summary>
/// <remarks>
/// NFC can only be applied to a chunk that ends before a character that never combines with what precedes it,
/// so each chunk is cut at the last such boundary and the tail is carried into the next one.
/// </remarks>
internal sealed class TextMetricsBuilder : IDisposable
{
    public const int MaxTitleLength = 200;
    private const int MaxCarry = 1 << 16;

    // Created only when the text hash is computed here: UTF-8 files that stay in raw mode (most) never need it.
    private IncrementalHash? _textHashState;

    private IncrementalHash TextHash => _textHashState ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    // Search capture: the first bytes of the normalized UTF-8 text and its fingerprint (Search:MaxIndexedBytes).
    private readonly int _captureLimit;
    private byte[]? _capture;
    private int _captured;
    private readonly LineStatistics _statistics = new();
    private readonly Encoder _utf8 = new UTF8Encoding(false, false).GetEncoder();
    private char[] _carry = ArrayPool<char>.Shared.Rent(1024);
    private int _carryLength;
    private char[] _normalized = ArrayPool<char>.Shared.Rent(4096);
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(4096 * 3);

    // Line counting and CR/LF folding.
    private long _terminators;
    private bool _any;
    private bool _endsWithTerminator;
    private bool _previousWasCr;

    // Raw mode (see UseRawUtf8AsText): while it holds, the text hash is the file's byte hash and is not computed here.
    private Action<long, IncrementalHash>? _replayRawPrefix;
    private long _rawBytes;

    // Title: the first line with a non-whitespace character.
    private TitleState _titleState = TitleState.SeekingLine;
    private readonly StringBuilder _title = new();
    private int _titleScalars;

    private enum TitleState { SeekingLine, Collecting, Overflow, Done }

    /// <param name="captureBytes">How many bytes of normalized UTF-8 text to keep for search (0: none).</param>
    public TextMetricsBuilder(int captureBytes = 0)
    {
        _captureLimit = captureBytes;
        if (captureBytes > 0)
        {
            _capture = ArrayPool<byte>.Shared.Rent(Math.Min(captureBytes, 64 * 1024));
        }
    }

    /// <summary>After <see cref="Complete"/>: the captured text, cut on a character boundary.</summary>
    public ReadOnlySpan<byte> CapturedText
    {
        get
        {
            var end = _captured;
            if (CaptureTruncated)
            {
                while (end > 0 && (_capture![end] & 0xC0) == 0x80)
                {
                    end--; // the next byte continues a character: drop the partial one
                }
            }

            return _capture.AsSpan(0, end);
        }
    }

    /// <summary>After <see cref="Complete"/>: true when the text went on beyond the capture.</summary>
    public bool CaptureTruncated { get; private set; }

    /// <summary>
    /// After <see cref="Complete"/>: the fingerprint of <see cref="CapturedText"/>, when capturing (null for text
    /// without a non-whitespace character). Computed on first use, so a caller may compute it elsewhere instead.
    /// </summary>
    public Ingest.Search.Fingerprint? Fingerprint => _captureLimit > 0
        ? (_fingerprintResult ??= new(Ingest.Search.FingerprintBuilder.OfUtf8(CapturedText))).Value
        : null;

    private StrongBox<Ingest.Search.Fingerprint?>? _fingerprintResult;

    /// <summary>
    /// Declares that the text comes from BOM-free UTF-8 bytes that the caller hashes itself. While the text stays
    /// CR-free and NFC, its normalized UTF-8 form is exactly those bytes, so the text hash is not computed here and
    /// <see cref="Complete"/> takes the byte hash. At the first CR or non-NFC segment the mode ends:
    /// <paramref name="replayPrefix"/> must append the first N bytes of the file to the given hash (the text so far).
    /// </summary>
    public void UseRawUtf8AsText(Action<long, IncrementalHash> replayPrefix)
    {
        if (_any || _carryLength > 0)
        {
            throw new InvalidOperationException("Raw mode must be chosen before any text is appended.");
        }

        _replayRawPrefix = replayPrefix;
    }

    /// <summary>Adds decoded text; the BOM must already be removed.</summary>
    public void Append(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return;
        }

        EnsureCarry(_carryLength + chars.Length);
        chars.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength += chars.Length;

        var pending = _carry.AsSpan(0, _carryLength);
        var cut = LastBoundary(pending);
        if (cut <= 0)
        {
            if (_carryLength < MaxCarry)
            {
                return;
            }

            // Pathological text with no safe boundary in 64K characters: cut anywhere but inside a surrogate pair.
            cut = char.IsHighSurrogate(pending[^1]) ? pending.Length - 1 : pending.Length;
        }

        Process(pending[..cut]);
        pending[cut..].CopyTo(_carry);
        _carryLength = pending.Length - cut;
    }

    // AppendUtf8: the decoder holds part of a line (a segment without its LF went through it).
    private bool _midLine;
    private readonly char[] _head = new char[OutlineParser.MaxTextLength];

    /// <summary>
    /// Adds BOM-free UTF-8 bytes. Whole lines of <see cref="SimpleLine"/> characters (most lines of Chinese prose) are
    /// validated and counted straight from the bytes, with no decoding; everything else goes through the strict
    /// <paramref name="decoder"/> and <see cref="Append"/>, exactly as before. Throws the decoder's
    /// <see cref="DecoderFallbackException"/>, its index relative to <paramref name="bytes"/>.
    /// </summary>
    /// <param name="scratch">Room for the characters of <paramref name="bytes"/>.</param>
    /// <returns>True when the text holds a NUL character.</returns>
    public bool AppendUtf8(ReadOnlySpan<byte> bytes, Decoder decoder, bool flush, Span<char> scratch)
    {
        var nul = false;
        var i = 0;

        // Consecutive simple lines without a heading to keep are added in one step (their bytes are contiguous).
        var run = new SimpleRun(-1, 0, 0, 0);
        while (i < bytes.Length)
        {
            var rest = bytes[i..];
            var lf = rest.IndexOf((byte)'\n');
            if (lf < 0)
            {
                AddRun(bytes, ref run);
                nul |= DecodeAndAppend(rest, decoder, flush: false, i, scratch);
                _midLine = true;
                break;
            }

            var line = rest[..lf];
            if (!_midLine && _titleState == TitleState.Done && SimpleLine.Enabled && !line.IsEmpty && SimpleLine.CountUtf8(line) is ( >= 0, var han) counts)
            {
                if (run.Start >= 0 && !CanStartMarker(line))
                {
                    run = new SimpleRun(run.Start, run.Lines + 1, run.Chars + counts.Chars, run.Han + han);
                    i += lf + 1;
                    continue;
                }

                AddRun(bytes, ref run);

                // Everything before is complete text ending in LF, and the line starts with a stable boundary.
                Process(_carry.AsSpan(0, _carryLength));
                _carryLength = 0;
                if (_statistics.AtLineStart)
                {
                    if (CanStartMarker(line))
                    {
                        AddSimpleLine(rest[..(lf + 1)], counts.Chars, han);
                    }
                    else
                    {
                        run = new SimpleRun(i, 1, counts.Chars, han);
                    }

                    i += lf + 1;
                    continue;
                }
            }

            AddRun(bytes, ref run);
            nul |= DecodeAndAppend(rest[..(lf + 1)], decoder, flush: false, i, scratch);
            _midLine = false;
            i += lf + 1;
        }

        AddRun(bytes, ref run);
        if (flush)
        {
            nul |= DecodeAndAppend([], decoder, flush: true, bytes.Length, scratch);
        }

        return nul;
    }

    /// <summary>A run of simple lines from byte <see cref="Start"/> of the input (-1: none), not yet added.</summary>
    private readonly record struct SimpleRun(int Start, int Lines, long Chars, long Han);

    /// <summary>True when a simple line's first character can start an outline marker (a Chinese numeral or "（").</summary>
    private static bool CanStartMarker(ReadOnlySpan<byte> line) => OutlineParser.CanStartChineseMarker(SimpleLine.Char(line));

    /// <summary>What <see cref="AddSimpleLine"/> does for each line of the run, at once; then no run is pending.</summary>
    private void AddRun(ReadOnlySpan<byte> bytes, ref SimpleRun run)
    {
        if (run.Start < 0)
        {
            return;
        }

        _statistics.AddSimpleLines(run.Lines, run.Chars, run.Han);
        AddLines(bytes.Slice(run.Start, (int)(run.Chars * 3) + run.Lines), run.Lines); // three bytes a character, and each LF
        run = new SimpleRun(-1, 0, 0, 0);
    }

    /// <summary>The rest of what <see cref="Append"/> does for whole simple lines, from their bytes with their LFs.</summary>
    private void AddLines(ReadOnlySpan<byte> text, int lines)
    {
        _any = true;
        _terminators += lines;
        if (_replayRawPrefix is not null)
        {
            _rawBytes += text.Length;
        }
        else
        {
            TextHash.AppendData(text);
        }

        if (_capture is not null && !CaptureTruncated)
        {
            Capture(text);
        }

        _endsWithTerminator = true;
        _previousWasCr = false;
    }

    private bool DecodeAndAppend(ReadOnlySpan<byte> bytes, Decoder decoder, bool flush, int offset, Span<char> scratch)
    {
        int count;
        try
        {
            count = decoder.GetChars(bytes, scratch, flush);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DecoderFallbackException(ex.Message, ex.BytesUnknown, ex.Index + offset);
        }

        var text = scratch[..count];
        Append(text);
        return text.Contains('\0');
    }

    /// <summary>What <see cref="Append"/> does for a simple line and its LF, from its bytes (valid, CR-free and NFC), when it can start an outline marker.</summary>
    private void AddSimpleLine(ReadOnlySpan<byte> lineWithLf, int chars, int han)
    {
        // Called for a line that can start an outline marker (a simple line has no # nor digits): OutlineParser tells
        // from its first seven characters (up to the first 。), and only a marker's heading is decoded in full.
        var line = lineWithLf[..^1];
        var head = _head.AsSpan();
        var headChars = 0;
        var prefix = head[..Encoding.UTF8.GetChars(line[..Math.Min(line.Length, 3 * 8)], head)];
        var stop = prefix.IndexOf('。');
        if (OutlineParser.Level(stop < 0 ? prefix : prefix[..stop]) > 0)
        {
            headChars = Encoding.UTF8.GetChars(line[..Math.Min(line.Length, 3 * OutlineParser.MaxTextLength)], head);
        }

        _statistics.AddSimpleLine(chars, han, head[..headChars]);
        AddLines(lineWithLf, 1);
    }

    /// <summary>Flushes the remaining text and returns the metrics.</summary>
    /// <param name="rawBytesSha256">In raw mode: the SHA-256 of all the bytes, which is the text hash if the mode held.</param>
    public TextMetrics Complete(ReadOnlySpan<byte> rawBytesSha256 = default)
    {
        Process(_carry.AsSpan(0, _carryLength));
        _carryLength = 0;
        EncodeUtf8([], flush: true);

        var lineCount = _terminators + (_any && !_endsWithTerminator ? 1 : 0);
        string? title = _titleState switch
        {
            TitleState.Collecting or TitleState.Overflow => TrimEndTitle(),
            TitleState.Done => _title.ToString(),
            _ => null,
        };
        Span<byte> hash = stackalloc byte[32];
        if (_replayRawPrefix is not null)
        {
            if (rawBytesSha256.Length != hash.Length)
            {
                throw new InvalidOperationException("Raw mode needs the byte hash to complete.");
            }

            rawBytesSha256.CopyTo(hash);
        }
        else
        {
            TextHash.GetHashAndReset(hash);
        }

        var s = _statistics.Complete();
        return new TextMetrics(title, lineCount, Convert.ToHexStringLower(hash), s.Newline, s.NonBlankLineCount, s.CharCount, s.CjkCount, s.WordCount, s.Language, s.Outline);
    }

    public void Dispose()
    {
        _textHashState?.Dispose();
        _statistics.Dispose();
        ArrayPool<char>.Shared.Return(_carry);
        ArrayPool<char>.Shared.Return(_normalized);
        ArrayPool<byte>.Shared.Return(_bytes);
        if (_capture is not null)
        {
            ArrayPool<byte>.Shared.Return(_capture);
            _capture = null;
        }

        _carry = _normalized = [];
        _bytes = [];
    }

    /// <summary>Characters that never combine with a preceding character, so NFC may cut before them.</summary>
    internal static bool IsStableBoundary(char c) =>
        c < '\u0300'
        || (c >= '\u4E00' && c <= '\u9FFF')
        || (c >= '\u2010' && c <= '\u2027') // dashes, quotes “” ‘’, …
        || (c >= '\u3000' && c <= '\u3029')
        || (c >= '\u3041' && c <= '\u3096')
        || (c >= '\u30A1' && c <= '\u30FA')
        || (c >= '\uAC00' && c <= '\uD7A3')
        || (c >= '\uFF01' && c <= '\uFF5E');

    /// <summary>
    /// True when every character is a stable boundary: each is then NFC on its own (quick check Yes, combining class 0)
    /// and none combines with its neighbour, so the text is NFC without asking ICU. Vectorized: most CJK text passes.
    /// </summary>
    internal static bool AllStable(ReadOnlySpan<char> text)
    {
        var u = MemoryMarshal.Cast<char, ushort>(text);
        var i = 0;
        if (Vector.IsHardwareAccelerated && u.Length >= Vector<ushort>.Count)
        {
            var all = Vector<ushort>.AllBitsSet;
            for (; i <= u.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                var v = new Vector<ushort>(u[i..]);
                var ok = Vector.LessThan(v, new Vector<ushort>(0x0300))
                    | Vector.LessThanOrEqual(v - new Vector<ushort>(0x4E00), new Vector<ushort>(0x9FFF - 0x4E00))
                    | Vector.LessThanOrEqual(v - new Vector<ushort>(0x2010), new Vector<ushort>(0x2027 - 0x2010))
                    | Vector.LessThanOrEqual(v - new Vector<ushort>(0x3000), new Vector<ushort>(0x3029 - 0x3000))
                    | Vector.LessThanOrEqual(v - new Vector<ushort>(0x3041), new Vector<ushort>(0x3096 - 0x3041))
                    | Vector.LessThanOrEqual(v - new Vector<ushort>(0x30A1), new Vector<ushort>(0x30FA - 0x30A1))
                    | Vector.LessThanOrEqual(v - new Vector<ushort>(0xAC00), new Vector<ushort>(0xD7A3 - 0xAC00))
                    | Vector.LessThanOrEqual(v - new Vector<ushort>(0xFF01), new Vector<ushort>(0xFF5E - 0xFF01));
                if (ok != all)
                {
                    return false;
                }
            }
        }

        for (; i < text.Length; i++)
        {
            if (!IsStableBoundary(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static int LastBoundary(ReadOnlySpan<char> text)
    {
        for (var i = text.Length - 1; i > 0; i--)
        {
            if (IsStableBoundary(text[i]))
            {
                return i;
            }
        }

        return 0;
    }

    private void Process(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty)
        {
            return;
        }

        var isNfc = AllStable(segment) || segment.IsNormalized(NormalizationForm.FormC);
        if (_replayRawPrefix is not null && (!isNfc || segment.Contains('\r')))
        {
            // Raw mode ends here: the text so far is the first _rawBytes bytes of the file; hash them as text.
            _replayRawPrefix(_rawBytes, TextHash);
            _replayRawPrefix = null;
        }

        if (!isNfc)
        {
            var length = segment.GetNormalizedLength(NormalizationForm.FormC);
            if (_normalized.Length < length)
            {
                ArrayPool<char>.Shared.Return(_normalized);
                _normalized = ArrayPool<char>.Shared.Rent(length);
            }

            if (!segment.TryNormalize(_normalized, out var written, NormalizationForm.FormC))
            {
                throw new InvalidOperationException("NFC normalization did not fit the buffer it measured.");
            }

            segment = _normalized.AsSpan(0, written);
        }

        _any = true;
        CountLinesAndHash(segment);
        _statistics.Append(segment);

        if (_titleState is not TitleState.Done)
        {
            FeedTitle(segment);
        }
    }

    private void CountLinesAndHash(ReadOnlySpan<char> text)
    {
        if (_replayRawPrefix is not null)
        {
            // Raw mode: no CR, the text is its bytes; only the search capture needs the UTF-8 form.
            _terminators += text.Count('\n');
            _rawBytes += Encoding.UTF8.GetByteCount(text);
            if (_capture is not null && !CaptureTruncated)
            {
                EncodeUtf8(text, flush: false);
            }

            _endsWithTerminator = text[^1] == '\n';
            return;
        }

        // Lines end at \n, \r\n or \r; the text hash sees each of them as one \n.
        var start = 0;
        if (_previousWasCr && text[0] == '\n')
        {
            start = 1; // second half of a \r\n split across chunks: already counted and hashed.
        }

        while (start < text.Length)
        {
            var rest = text[start..];
            var i = rest.IndexOfAny('\r', '\n');
            if (i < 0)
            {
                EncodeUtf8(rest, flush: false);
                break;
            }

            EncodeUtf8(rest[..i], flush: false);
            EncodeUtf8("\n", flush: false);
            _terminators++;
            start += i + 1;
            if (rest[i] == '\r' && start < text.Length && text[start] == '\n')
            {
                start++;
            }
        }

        var last = text[^1];
        _endsWithTerminator = last is '\n' or '\r';
        _previousWasCr = last == '\r';
    }

    private void EncodeUtf8(ReadOnlySpan<char> chars, bool flush)
    {
        while (!chars.IsEmpty || flush)
        {
            _utf8.Convert(chars, _bytes, flush, out var used, out var produced, out var completed);
            if (_replayRawPrefix is null)
            {
                TextHash.AppendData(_bytes.AsSpan(0, produced));
            }

            if (_capture is not null && produced > 0)
            {
                Capture(_bytes.AsSpan(0, produced));
            }

            chars = chars[used..];
            if (completed && chars.IsEmpty)
            {
                break;
            }
        }
    }

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        // One byte past the limit is kept so that CapturedText can tell a cut character from a complete one.
        if (CaptureTruncated)
        {
            return;
        }

        var room = _captureLimit + 1 - _captured;
        var take = Math.Min(room, bytes.Length);
        if (_capture!.Length < _captured + take)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_captureLimit + 1, Math.Max(_capture.Length * 2, _captured + take)));
            _capture.AsSpan(0, _captured).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_capture);
            _capture = bigger;
        }

        bytes[..take].CopyTo(_capture.AsSpan(_captured));
        _captured += take;
        if (_captured > _captureLimit)
        {
            _captured = _captureLimit;
            CaptureTruncated = true;
        }
    }

    private static bool IsTitleWhitespace(char c) => char.IsWhiteSpace(c) || c == '\uFEFF';

    private void FeedTitle(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            switch (_titleState)
            {
                case TitleState.SeekingLine:
                    if (!IsTitleWhitespace(c))
                    {
                        _titleState = TitleState.Collecting;
                        AddTitleChar(c);
                    }

                    break;
                case TitleState.Collecting:
                    if (c is '\n' or '\r')
                    {
                        var trimmed = TrimEndTitle();
                        _title.Clear().Append(trimmed);
                        _titleState = TitleState.Done;
                        return;
                    }

                    AddTitleChar(c);
                    break;
                case TitleState.Overflow:
                    // 200 characters are kept; they stand as they are unless the rest of the line is whitespace.
                    if (c is '\n' or '\r')
                    {
                        var trimmed = TrimEndTitle();
                        _title.Clear().Append(trimmed);
                        _titleState = TitleState.Done;
                        return;
                    }

                    if (!IsTitleWhitespace(c))
                    {
                        _titleState = TitleState.Done;
                        return;
                    }

                    break;
            }
        }
    }

    private void AddTitleChar(char c)
    {
        if (char.IsLowSurrogate(c))
        {
            _title.Append(c); // completes a scalar already counted
            return;
        }

        if (_titleScalars == MaxTitleLength)
        {
            _titleState = IsTitleWhitespace(c) ? TitleState.Overflow : TitleState.Done;
            return;
        }

        _title.Append(c);
        _titleScalars++;
    }

    private string TrimEndTitle()
    {
        var end = _title.Length;
        while (end > 0 && IsTitleWhitespace(_title[end - 1]))
        {
            end--;
        }

        return _title.ToString(0, end);
    }

    private void EnsureCarry(int size)
    {
        if (_carry.Length >= size)
        {
            return;
        }

        var bigger = ArrayPool<char>.Shared.Rent(size);
        _carry.AsSpan(0, _carryLength).CopyTo(bigger);
        ArrayPool<char>.Shared.Return(_carry);
        _carry = bigger;
    }
}
