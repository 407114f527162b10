namespace Ingest.Metadata;

/// <summary>The metadata computed from a document's decoded, NFC-normalized text.</summary>
internal sealed record TextMetrics(
    string? Title,
    long LineCount,
    string TextSha256,
    string Newline,
    long NonBlankLineCount,
    long CharCount,
    long CjkCount,
    long WordCount,
    string Language,
    IReadOnlyList<OutlineEntry> Outline);
