using System.Buffers;
using System.Text;

namespace Ingest.Decoding;

/// <summary>The encoding chosen for a file, with a strict (throwing) decoder.</summary>
internal sealed record DetectedEncoding(string Label, Encoding Encoding, int BomLength, double Confidence)
{
    public bool HasBom => BomLength > 0;

    /// <summary>UTF-16/32 legitimately contain NUL bytes; every other encoding treats them as binary.</summary>
    public bool AllowsNulBytes => Label.StartsWith("utf-16", StringComparison.Ordinal) || Label.StartsWith("utf-32", StringComparison.Ordinal);
}

/// <summary>Either an encoding or the reason the content is rejected.</summary>
internal readonly record struct Detection(DetectedEncoding? Encoding, string? FailureReason)
{
    public static Detection Fail(string reason) => new(null, reason);

    public static Detection Ok(string label, int bomLength, double confidence) =>
        new(new DetectedEncoding(label, TextEncodings.Get(label), bomLength, Math.Clamp(confidence, 0, 1)), null);
}

/// <summary>
/// Chooses the encoding of a file from its first bytes: a BOM, then binary checks, UTF-16 without a BOM
/// (NUL pattern), strict UTF-8, and finally the legacy charsets ranked by strict validity and statistics.
/// The analyzer calls <see cref="Detect"/> with the head of the file and decodes the rest strictly; when the
/// rest proves the choice wrong it calls again, excluding the labels that failed.
/// </summary>
internal static class EncodingDetector
{
    public const string EmptyFile = "empty file";
    public const string BinaryContent = "binary content";
    public const string Undecodable = "undecodable";
    public const string TooLarge = "too large";

    /// <summary>Statistics look at this many decoded characters; validity is checked on the whole head.</summary>
    private const int StatisticsChars = 64 * 1024;

    /// <summary>A score below this is no better than mojibake; the best candidate still wins, with low confidence.</summary>
    private const double PlausibleScore = 0.3;

    internal static readonly Encoding StrictUtf8 = TextEncodings.StrictUtf8;
    internal static readonly Encoding StrictUtf16Le = TextEncodings.StrictUtf16Le;
    internal static readonly Encoding StrictUtf16Be = TextEncodings.StrictUtf16Be;

    /// <param name="head">The first bytes of the file (all of it when <paramref name="isWholeFile"/>).</param>
    /// <param name="isWholeFile">True when <paramref name="head"/> is the entire file.</param>
    /// <param name="excluded">Labels already proven invalid further into the file.</param>
    public static Detection Detect(ReadOnlySpan<byte> head, bool isWholeFile, IReadOnlySet<string>? excluded = null)
    {
        if (head.IsEmpty)
        {
            return Detection.Fail(EmptyFile);
        }

        if (DetectBom(head) is { } bom)
        {
            return excluded?.Contains(bom.Label) == true
                ? Detection.Fail($"{Undecodable}: invalid {bom.Label} after a {bom.Label} byte order mark")
                : CheckUnicode(head, isWholeFile, bom.Label, bom.Length, 1.0);
        }

        if (head.Contains((byte)0))
        {
            return DetectUtf16WithoutBom(head, isWholeFile, excluded);
        }

        if (BinarySniffer.TooManyControlBytes(head))
        {
            return Detection.Fail(BinaryContent + ": more than 5% control characters");
        }

        if (excluded?.Contains(TextEncodings.Utf8) != true && IsValidUtf8(head, isWholeFile))
        {
            return Detection.Ok(TextEncodings.Utf8, 0, 1.0);
        }

        return DetectLegacy(head, isWholeFile, excluded);
    }

    private static (string Label, int Length)? DetectBom(ReadOnlySpan<byte> head)
    {
        // UTF-32LE starts with the UTF-16LE BOM, so it is checked first.
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return (TextEncodings.Utf32Le, 4);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return (TextEncodings.Utf32Be, 4);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (TextEncodings.Utf8, 3);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (TextEncodings.Utf16Le, 2);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (TextEncodings.Utf16Be, 2);
        }

        return null;
    }

    /// <summary>A Unicode encoding is either valid or undecodable; its text must still not look binary.</summary>
    private static Detection CheckUnicode(ReadOnlySpan<byte> head, bool isWholeFile, string label, int bomLength, double confidence)
    {
        var body = head[bomLength..];
        if (label == TextEncodings.Utf8)
        {
            if (body.Contains((byte)0))
            {
                return Detection.Fail(BinaryContent + ": NUL bytes in a UTF-8 file");
            }

            if (BinarySniffer.TooManyControlBytes(body))
            {
                return Detection.Fail(BinaryContent + ": more than 5% control characters");
            }

            return IsValidUtf8(body, isWholeFile) ? Detection.Ok(label, bomLength, confidence) : Detection.Fail($"{Undecodable}: invalid UTF-8 after a UTF-8 byte order mark");
        }

        var window = body[..Math.Min(body.Length, BinarySniffer.Window)];
        var chars = ArrayPool<char>.Shared.Rent(window.Length + 2);
        try
        {
            if (!TryDecode(TextEncodings.Get(label), window, isWholeFile && window.Length == body.Length, chars, out var count))
            {
                return Detection.Fail($"{Undecodable}: invalid {label}");
            }

            return BinarySniffer.TooManyControlChars(chars.AsSpan(0, count))
                ? Detection.Fail(BinaryContent + ": more than 5% control characters")
                : Detection.Ok(label, bomLength, confidence);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>NUL bytes outside UTF-16 are binary; inside it, they are the high half of ASCII characters.</summary>
    private static Detection DetectUtf16WithoutBom(ReadOnlySpan<byte> head, bool isWholeFile, IReadOnlySet<string>? excluded)
    {
        var window = head[..Math.Min(head.Length, BinarySniffer.Window)];
        var chars = ArrayPool<char>.Shared.Rent(window.Length / 2 + 2);
        try
        {
            string? best = null;
            double bestScore = -1;
            foreach (var label in (ReadOnlySpan<string>)[TextEncodings.Utf16Le, TextEncodings.Utf16Be])
            {
                if (excluded?.Contains(label) == true
                    || !TryDecode(TextEncodings.Get(label), window, isWholeFile && window.Length == head.Length, chars, out var count))
                {
                    continue;
                }

                var text = chars.AsSpan(0, count);
                if (text.Contains('\0') || BinarySniffer.TooManyControlChars(text))
                {
                    continue;
                }

                var score = Utf16Plausibility(text);
                if (score > bestScore)
                {
                    (best, bestScore) = (label, score);
                }
            }

            return best is not null && bestScore >= 0.5
                ? Detection.Ok(best, 0, Math.Round(bestScore, 3))
                : Detection.Fail(BinaryContent + ": NUL bytes in a file that is not UTF-16");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The share of characters that real text is made of; byte-swapped UTF-16 lands elsewhere.</summary>
    private static double Utf16Plausibility(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        var good = 0;
        foreach (var c in text)
        {
            if ((c >= 0x20 && c < 0x7F) || c is '\t' or '\n' or '\r' or '\f'
                || WesternFrequency.IsLetter(c) || WesternFrequency.IsPunctuation(c)
                || ChineseFrequency.IsCommon(c) || ChineseFrequency.IsPunctuation(c)
                || JapaneseFrequency.IsKana(c) || KoreanFrequency.IsSyllable(c))
            {
                good++;
            }
        }

        return (double)good / text.Length;
    }

    /// <summary>Strict UTF-8; an incomplete sequence cut off at the end of a partial head is not an error.</summary>
    internal static bool IsValidUtf8(ReadOnlySpan<byte> bytes, bool isWholeFile)
    {
        if (!isWholeFile)
        {
            bytes = bytes[..CompleteUtf8Length(bytes)];
        }

        return System.Text.Unicode.Utf8.IsValid(bytes);
    }

    private static int CompleteUtf8Length(ReadOnlySpan<byte> bytes)
    {
        // Look back over at most three continuation bytes for the lead byte of the last sequence.
        for (var back = 1; back <= Math.Min(4, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? bytes.Length - back : bytes.Length;
        }

        return bytes.Length;
    }

    private static Detection DetectLegacy(ReadOnlySpan<byte> head, bool isWholeFile, IReadOnlySet<string>? excluded)
    {
        var chars = ArrayPool<char>.Shared.Rent(head.Length + 2);
        try
        {
            string? best = null;
            double bestScore = double.NegativeInfinity;
            double secondScore = double.NegativeInfinity;
            foreach (var label in TextEncodings.LegacyLabels)
            {
                if (excluded?.Contains(label) == true || !TryDecode(TextEncodings.Get(label), head, isWholeFile, chars, out var count))
                {
                    continue;
                }

                var score = CharsetScorer.Score(label, chars.AsSpan(0, Math.Min(count, StatisticsChars)));
                if (score > bestScore)
                {
                    secondScore = bestScore;
                    (best, bestScore) = (label, score);
                }
                else if (score > secondScore)
                {
                    secondScore = score;
                }
            }

            if (best is null)
            {
                return Detection.Fail($"{Undecodable}: no candidate encoding decodes it strictly");
            }

            return Detection.Ok(best, 0, Confidence(bestScore, secondScore));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>High when the winner looks like real text and clearly beats the runner-up.</summary>
    private static double Confidence(double best, double second)
    {
        var plausibility = Math.Clamp(best, 0, 1);
        if (best < PlausibleScore)
        {
            plausibility *= 0.5;
        }

        var margin = double.IsNegativeInfinity(second) ? 1 : Math.Clamp(0.5 + (best - second), 0, 1);
        return Math.Round(plausibility * margin, 3);
    }

    /// <summary>Decodes strictly; an incomplete trailing sequence is kept by the decoder unless this is the whole file.</summary>
    private static bool TryDecode(Encoding encoding, ReadOnlySpan<byte> bytes, bool flush, char[] chars, out int count)
    {
        try
        {
            count = encoding.GetDecoder().GetChars(bytes, chars, flush);
            return true;
        }
        catch (DecoderFallbackException)
        {
            count = 0;
            return false;
        }
    }
}
