namespace Ingest.Metadata;

/// <summary>The metadata computed from a document's decoded, NFC-normalized text.</summary>
internal sealed record TextMetrics(string? Title, long LineCount, string TextSha256);
