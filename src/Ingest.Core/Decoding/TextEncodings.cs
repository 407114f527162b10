using System.Text;

namespace Ingest.Decoding;

/// <summary>The strict (throwing) encodings behind every label the detector can return.</summary>
internal static class TextEncodings
{
    public const string Utf8 = "utf-8";
    public const string Utf16Le = "utf-16le";
    public const string Utf16Be = "utf-16be";
    public const string Utf32Le = "utf-32le";
    public const string Utf32Be = "utf-32be";
    public const string Gb18030 = "gb18030";
    public const string Big5 = "big5";
    public const string ShiftJis = "shift_jis";
    public const string EucKr = "euc-kr";
    public const string Windows1252 = "windows-1252";

    /// <summary>The legacy candidates, in the order that breaks ties.</summary>
    public static readonly string[] LegacyLabels = [Gb18030, Big5, ShiftJis, EucKr, Windows1252];

    public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    public static readonly Encoding StrictUtf16Le = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    public static readonly Encoding StrictUtf16Be = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
    public static readonly Encoding StrictUtf32Le = new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true);
    public static readonly Encoding StrictUtf32Be = new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);

    private static readonly Dictionary<string, Encoding> Legacy = CreateLegacy();

    private static Dictionary<string, Encoding> CreateLegacy()
    {
        // The code pages live in the shared framework but are only reachable once the provider is registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var map = new Dictionary<string, Encoding>(StringComparer.Ordinal);
        foreach (var label in LegacyLabels)
        {
            map[label] = Encoding.GetEncoding(label, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }

        return map;
    }

    /// <summary>The strict encoding for a label; throws for an unknown label.</summary>
    public static Encoding Get(string label) => label switch
    {
        Utf8 => StrictUtf8,
        Utf16Le => StrictUtf16Le,
        Utf16Be => StrictUtf16Be,
        Utf32Le => StrictUtf32Le,
        Utf32Be => StrictUtf32Be,
        _ => Legacy.TryGetValue(label, out var e) ? e : throw new ArgumentException($"Unknown encoding label '{label}'.", nameof(label)),
    };
}
