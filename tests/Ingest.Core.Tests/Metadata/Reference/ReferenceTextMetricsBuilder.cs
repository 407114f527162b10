using Ingest.Metadata;
using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Ingest.Tests.Metadata.Reference;

/// <summary>
/// Reference copy of the pre-optimization implementation, kept for property tests. Streams decoded text through NFC normalization and computes the exact metadata of the contract:
/// title, line count and text hash, plus the counts, language and outline of <see cref="ReferenceLineStatistics"/>. Memory is bounded by the chunk size, whatever the document's size.
/// </summary>
/// <remarks>
/// NFC can only be applied to a chunk that ends before a character that never combines with what precedes it,
/// so each chunk is cut at the last such boundary and the tail is carried into the next one.
/// </remarks>
internal sealed class ReferenceTextMetricsBuilder : IDisposable
{
    public const int MaxTitleLength = 200;
    private const int MaxCarry = 1 << 16;

    private readonly IncrementalHash _textHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    // Search capture: the first bytes of the normalized UTF-8 text and its fingerprint (Search:MaxIndexedBytes).
    private readonly int _captureLimit;
    private byte[]? _capture;
    private int _captured;
    private readonly ReferenceLineStatistics _statistics = new();
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

    // Title: the first line with a non-whitespace character.
    private TitleState _titleState = TitleState.SeekingLine;
    private readonly StringBuilder _title = new();
    private int _titleScalars;

    private enum TitleState { SeekingLine, Collecting, Overflow, Done }

    /// <param name="captureBytes">How many bytes of normalized UTF-8 text to keep for search (0: none).</param>
    public ReferenceTextMetricsBuilder(int captureBytes = 0)
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

    /// <summary>After <see cref="Complete"/>: the fingerprint of the captured text, when capturing.</summary>
    public Ingest.Search.Fingerprint? Fingerprint { get; private set; }

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

    /// <summary>Flushes the remaining text and returns the metrics.</summary>
    public TextMetrics Complete()
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
        _textHash.GetHashAndReset(hash);
        var s = _statistics.Complete();
        // The fingerprint is that of the captured text (it was of the segments appended while capturing).
        Fingerprint = _captureLimit > 0 ? Ingest.Search.FingerprintBuilder.OfUtf8(CapturedText) : null;
        return new TextMetrics(title, lineCount, Convert.ToHexStringLower(hash), s.Newline, s.NonBlankLineCount, s.CharCount, s.CjkCount, s.WordCount, s.Language, s.Outline);
    }

    public void Dispose()
    {
        _textHash.Dispose();
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
        || (c >= '\u3000' && c <= '\u3029')
        || (c >= '\u3041' && c <= '\u3096')
        || (c >= '\u30A1' && c <= '\u30FA')
        || (c >= '\uAC00' && c <= '\uD7A3')
        || (c >= '\uFF01' && c <= '\uFF5E');

    private static int LastBoundary(ReadOnlySpan<char> text)
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

        if (!segment.IsNormalized(NormalizationForm.FormC))
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
            _textHash.AppendData(_bytes.AsSpan(0, produced));
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
