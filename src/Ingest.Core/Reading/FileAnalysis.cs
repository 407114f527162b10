using Ingest.Metadata;
using Ingest.Scanning;

namespace Ingest.Reading;

/// <summary>How the read of one file ended.</summary>
internal enum AnalysisKind
{
    /// <summary>Decoded: a document, new or duplicate.</summary>
    Document,
    /// <summary>Permanently rejected (empty, binary, undecodable, too large); follows OnFailure.</summary>
    Rejected,
    /// <summary>Recorded as a failure once but always left in place (symbolic links).</summary>
    LeftInPlace,
    /// <summary>Could not be read now (permissions, sharing); recorded once, left in place, retried later.</summary>
    Transient,
    /// <summary>Changed or vanished while being read; not recorded, picked up on the next pass.</summary>
    Skipped,
}

/// <summary>What the catalog needs to know about a document's bytes and text.</summary>
internal sealed record DocumentFacts(
    string Sha256,
    long SizeBytes,
    string Encoding,
    bool HasBom,
    double Confidence,
    string? Title,
    long LineCount,
    string TextSha256,
    TextDetails? Details = null,
    Ingest.Search.SearchPayload? Search = null);

/// <summary>The text metadata of the decoding issue; null for documents recorded before it was computed.</summary>
internal sealed record TextDetails(
    string Newline,
    long NonBlankLineCount,
    long CharCount,
    long CjkCount,
    long WordCount,
    string Language,
    IReadOnlyList<OutlineEntry> Outline)
{
    public static TextDetails From(TextMetrics m) => new(m.Newline, m.NonBlankLineCount, m.CharCount, m.CjkCount, m.WordCount, m.Language, m.Outline);
}

/// <summary>The outcome of reading one candidate file.</summary>
internal sealed record FileAnalysis(ScanCandidate Candidate, AnalysisKind Kind, DocumentFacts? Facts, string? Reason)
{
    public static FileAnalysis Ok(ScanCandidate c, DocumentFacts facts) => new(c, AnalysisKind.Document, facts, null);

    public static FileAnalysis Fail(ScanCandidate c, AnalysisKind kind, string reason) => new(c, kind, null, reason);
}
