namespace Ingest.Metadata;

/// <summary>Which CJK script a code point belongs to, by the code-point ranges of the contract.</summary>
internal enum CjkKind : byte { None, Han, Kana, Hangul }

internal static class CjkRanges
{
    public static CjkKind Classify(int c) => c switch
    {
        < 0x1100 => CjkKind.None,
        <= 0x11FF => CjkKind.Hangul, // Hangul Jamo
        < 0x3040 => CjkKind.None,
        <= 0x30FF => CjkKind.Kana, // Hiragana, Katakana
        >= 0x3130 and <= 0x318F => CjkKind.Hangul, // Hangul Compatibility Jamo
        >= 0x31F0 and <= 0x31FF => CjkKind.Kana, // Katakana Phonetic Extensions
        >= 0x3400 and <= 0x4DBF => CjkKind.Han, // Extension A
        >= 0x4E00 and <= 0x9FFF => CjkKind.Han, // CJK Unified Ideographs
        >= 0xA960 and <= 0xA97F => CjkKind.Hangul, // Jamo Extended-A
        >= 0xAC00 and <= 0xD7AF => CjkKind.Hangul, // Syllables
        >= 0xD7B0 and <= 0xD7FF => CjkKind.Hangul, // Jamo Extended-B
        >= 0xF900 and <= 0xFAFF => CjkKind.Han, // Compatibility Ideographs
        >= 0xFF66 and <= 0xFF9F => CjkKind.Kana, // Half-width Katakana
        >= 0xFFA0 and <= 0xFFDC => CjkKind.Hangul, // Half-width Hangul jamo
        >= 0x1B000 and <= 0x1B16F => CjkKind.Kana, // Kana Supplement, Extended-A, Small Kana Extension
        >= 0x20000 and <= 0x2FA1F => CjkKind.Han, // Extensions B–F, I and the Compatibility Supplement
        >= 0x30000 and <= 0x323AF => CjkKind.Han, // Extensions G and H
        _ => CjkKind.None,
    };
}
