using Ingest.Configuration;
using Ingest.Reading;

namespace Ingest.Catalog;

/// <summary>Whether an occurrence brought new content or repeated known content.</summary>
internal enum OccurrenceStatus { New, Duplicate }

/// <summary>Identity of a file left in a drop folder: same source, path, size and last write means "already recorded".</summary>
internal readonly record struct FileIdentity(string Source, string Path, long Size, long LastWriteTicks);

/// <summary>What happens to a file after its record commits.</summary>
internal readonly record struct PlannedDisposal(Disposition Disposition, string? Destination);

/// <summary>One file to record in a batch: a document (with <see cref="Facts"/>) or a failure (with <see cref="Reason"/>).</summary>
internal sealed record IngestRecord(string Source, string Path, long Size, DateTime LastWriteUtc, DocumentFacts? Facts, string? Reason, AnalysisKind Kind)
{
    public static IngestRecord From(string source, FileAnalysis a) =>
        new(source, a.Candidate.RelativePath, a.Candidate.Size, a.Candidate.LastWriteUtc, a.Facts, a.Reason, a.Kind);
}

/// <summary>What the catalog committed for one <see cref="IngestRecord"/>.</summary>
internal sealed record RecordedItem(IngestRecord Record, long Id, bool IsFailure, OccurrenceStatus? Status, PlannedDisposal Disposal, bool AlreadyRecorded, long? DocumentId = null);

/// <summary>A committed record whose file has not yet been moved or deleted.</summary>
internal sealed record PendingDisposal(long Id, bool IsFailure, string Source, string Path, long Size, long LastWriteTicks, Disposition Disposition, string? Destination);

/// <summary>The final state of a disposal; <see cref="Destination"/> is where the file really went.</summary>
internal readonly record struct DisposalDone(long Id, bool IsFailure, string? Destination);

internal sealed record OccurrenceView(string Source, string Path, string Status, DateTime IngestedUtc, DateTime LastWriteUtc, long SizeBytes, string Disposition, string? Destination, bool Pending);

internal sealed record DocumentView(
    string Sha256,
    long SizeBytes,
    string Encoding,
    bool HasBom,
    double Confidence,
    string? Title,
    long LineCount,
    string TextSha256,
    DateTime FirstSeenUtc,
    IReadOnlyList<OccurrenceView> Occurrences,
    TextDetails? Details = null,
    NearDuplicate? NearDuplicateOf = null);

internal sealed record FailureView(string Source, string Path, string Reason, DateTime FailedUtc, string Kind, long SizeBytes, string? Destination, long Attempts, bool Resolved);

internal sealed record CatalogStats(long Documents, long Occurrences, long Duplicates, long Failures, long DocumentBytes, long OccurrenceBytes);

/// <summary>The result of looking a document up by SHA-256 prefix.</summary>
internal sealed record DocumentLookup(DocumentView? Document, int Matches);

/// <summary>A catalog problem with a message meant for the operator (unreadable file, newer schema, missing database).</summary>
internal sealed class CatalogException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One search hit: each matching document once.</summary>
internal sealed record SearchHit(string Sha256, string? Title, string Snippet, double Score);

/// <summary>A document whose SimHash is within the near-duplicate distance of another's.</summary>
internal sealed record SimilarDocument(string Sha256, string? Title, int Distance, double Similarity);

/// <summary>The near-duplicate recorded for a document at ingest.</summary>
internal sealed record NearDuplicate(string Sha256, int Distance);
