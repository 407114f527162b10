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
}

/// <summary>
/// Chooses the encoding of a file from its first bytes. This is the seam for charset detection:
/// the analyzer calls <see cref="Detect"/> once with the head of the file and decodes the rest strictly.
/// </summary>
internal static class EncodingDetector
{
    public const string EmptyFile = "empty file";
    public const string BinaryContent = "binary content";
    public const string Undecodable = "undecodable";
    public const string TooLarge = "too large";

    internal static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    internal static readonly Encoding StrictUtf16Le = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    internal static readonly Encoding StrictUtf16Be = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    /// <param name="head">The first bytes of the file (all of it when <paramref name="isWholeFile"/>).</param>
    /// <param name="isWholeFile">True when <paramref name="head"/> is the entire file.</param>
    public static Detection Detect(ReadOnlySpan<byte> head, bool isWholeFile)
    {
        _ = isWholeFile;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new(new DetectedEncoding("utf-8", StrictUtf8, 3, 1.0), null);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new(new DetectedEncoding("utf-16le", StrictUtf16Le, 2, 1.0), null);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new(new DetectedEncoding("utf-16be", StrictUtf16Be, 2, 1.0), null);
        }

        if (head.Contains((byte)0))
        {
            return Detection.Fail(BinaryContent + ": NUL bytes in a file that is not UTF-16");
        }

        return new(new DetectedEncoding("utf-8", StrictUtf8, 0, 1.0), null);
    }
}
