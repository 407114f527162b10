using System.Buffers;
namespace Ingest.Decoding;

/// <summary>Tells binary content from text by control characters, as the contract defines it.</summary>
internal static class BinarySniffer
{
    /// <summary>How much of the head is inspected for control characters.</summary>
    public const int Window = 64 * 1024;

    /// <summary>More than this share of control characters (other than tab, CR, LF, FF) means binary.</summary>
    public const double MaxControlShare = 0.05;

    public static bool IsControl(int c) => (c < 0x20 && c is not ('\t' or '\n' or '\r' or '\f')) || c == 0x7F;

    private static readonly SearchValues<byte> ControlBytes =
        SearchValues.Create(Enumerable.Range(0, 0x80).Where(IsControl).Select(c => (byte)c).ToArray());

    private static readonly SearchValues<char> ControlChars =
        SearchValues.Create(Enumerable.Range(0, 0x80).Where(IsControl).Select(c => (char)c).ToArray());

    /// <summary>True when the first <see cref="Window"/> bytes hold too many control bytes (single-byte view).</summary>
    public static bool TooManyControlBytes(ReadOnlySpan<byte> head)
    {
        // Text has none or a few: a vectorized search from one to the next instead of a test per byte.
        var window = head[..Math.Min(head.Length, Window)];
        var controls = 0;
        for (var rest = window; rest.IndexOfAny(ControlBytes) is var i and >= 0; rest = rest[(i + 1)..])
        {
            controls++;
        }

        return controls > window.Length * MaxControlShare;
    }

    /// <summary>True when decoded text holds too many control characters (for UTF-16/32, where bytes mislead).</summary>
    public static bool TooManyControlChars(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        var controls = 0;
        for (var rest = text; rest.IndexOfAny(ControlChars) is var i and >= 0; rest = rest[(i + 1)..])
        {
            controls++;
        }

        return controls > text.Length * MaxControlShare;
    }
}
