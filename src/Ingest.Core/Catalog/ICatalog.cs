using Ingest.Reading;

namespace Ingest.Catalog;

/// <summary>
/// The catalog of documents, occurrences and failures. SQLite is the embedded implementation;
/// PostgreSQL (several machines) or LiteDB would be another implementation of this one type.
/// </summary>
internal interface ICatalog : IDisposable
{
    /// <summary>Identities of files recorded and left in place (Keep mode, kept failures, links), to skip them on re-scan.</summary>
    Task<HashSet<FileIdentity>> LoadInPlaceIdentitiesAsync(string source, CancellationToken ct);

    /// <summary>
    /// Records a batch in one transaction: a document plus an occurrence <c>new</c> for unseen content,
    /// an occurrence <c>duplicate</c> for known content, a failure for the rest. <paramref name="plan"/> picks
    /// each file's disposal once its status is known; the disposal is pending until <see cref="CompleteDisposalsAsync"/>.
    /// </summary>
    Task<IReadOnlyList<RecordedItem>> RecordAsync(
        IReadOnlyList<IngestRecord> batch,
        Func<IngestRecord, OccurrenceStatus?, PlannedDisposal> plan,
        TimeSpan retryFailedAfter,
        CancellationToken ct);

    /// <summary>
    /// <see cref="RecordAsync(IReadOnlyList{IngestRecord}, Func{IngestRecord, OccurrenceStatus?, PlannedDisposal}, TimeSpan, CancellationToken)"/>
    /// that also marks <paramref name="completed"/> done in the same transaction: one commit per batch instead of two.
    /// </summary>
    Task<IReadOnlyList<RecordedItem>> RecordAsync(
        IReadOnlyList<IngestRecord> batch,
        Func<IngestRecord, OccurrenceStatus?, PlannedDisposal> plan,
        TimeSpan retryFailedAfter,
        IReadOnlyList<DisposalDone> completed,
        CancellationToken ct);

    /// <summary>Paths whose last read failed transiently and whose back-off has not yet expired.</summary>
    Task<HashSet<string>> LoadBackedOffPathsAsync(string source, CancellationToken ct);

    /// <summary>Marks disposals done, with where each file really went.</summary>
    Task CompleteDisposalsAsync(IReadOnlyList<DisposalDone> done, CancellationToken ct);

    /// <summary>Committed records whose disposal never finished (a crash between commit and move).</summary>
    Task<IReadOnlyList<PendingDisposal>> GetPendingDisposalsAsync(string source, CancellationToken ct);

    Task<bool> ContainsDocumentAsync(string sha256, CancellationToken ct);

    Task<IReadOnlyList<DocumentView>> ListDocumentsAsync(int? limit, CancellationToken ct);

    Task<DocumentLookup> FindDocumentAsync(string sha256Prefix, CancellationToken ct);

    Task<CatalogStats> GetStatsAsync(CancellationToken ct);

    /// <summary>Replaces the decoded-text metadata of the document with <see cref="DocumentFacts.Sha256"/>; false when there is none.</summary>
    Task<bool> UpdateDocumentFactsAsync(DocumentFacts facts, CancellationToken ct);

    Task<IReadOnlyList<FailureView>> ListFailuresAsync(CancellationToken ct);

    /// <summary>Adds documents' text to the full-text index once their records have committed.</summary>
    Task IndexAsync(IReadOnlyList<(long DocumentId, byte[] TextUtf8)> documents, CancellationToken ct);

    /// <summary>Indexes stored text that is not indexed yet; returns how many documents.</summary>
    Task<int> IndexBacklogAsync(CancellationToken ct);

    /// <summary>Rebuilds the full-text index from the stored text; returns how many documents.</summary>
    Task<int> ReindexAsync(CancellationToken ct);

    /// <summary>Documents containing every term, best first, each once.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(Ingest.Search.SearchQuery query, int limit, CancellationToken ct);

    /// <summary>Documents within the near-duplicate distance of the given one, nearest first.</summary>
    Task<IReadOnlyList<SimilarDocument>> FindSimilarAsync(string sha256, CancellationToken ct);

    /// <summary>The near-duplicate flagged when the document was ingested, if any.</summary>
    Task<NearDuplicate?> GetNearDuplicateAsync(string sha256, CancellationToken ct);

    /// <summary>Writes a consistent copy of the catalog to a new file while others keep reading and writing.</summary>
    Task BackupAsync(string destination, CancellationToken ct);

    /// <summary>Upkeep between scans, such as reorganizing an index; returns whether there was any to do.</summary>
    Task<bool> MaintainAsync(CancellationToken ct);
}
