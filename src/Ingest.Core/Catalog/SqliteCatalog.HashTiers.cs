using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Ingest.Catalog;

/// <summary>
/// The SHA-256 index in three tiers (schema v9). Documents up to the boundary id are in a settled partial unique index
/// on <c>document</c>; later ones in two small tables of (hash, id): <c>document_sha256_fresh</c>, which each new
/// document joins, and <c>document_sha256_recent</c>, into which the record path folds the fresh tier a few thousand
/// at a time. A batch of new keys lands in a fresh tier of a few dozen pages, instead of at random leaves of an index
/// over every document (a page per document in a catalog of a million, v6) or over the recent ones (some 220 of 750
/// pages per batch of 250 at the end of a merge cycle, v8); a fold rewrites the recent tier's pages once for thousands.
/// Exact and prefix lookups search all three; <see cref="MaintainAsync"/> merges the two small tiers into the settled one.
/// </summary>
/// <remarks>
/// The settled index enforces uniqueness within its tier and the tables' primary keys within theirs. Across tiers, the
/// writer looks a hash up before inserting it, inside the write transaction (SQLite has one writer at a time); a fold
/// fails on a hash already in the recent tier, and rebuilding the settled index at a merge checks the whole catalog
/// again and fails, changing nothing, if a hash were ever recorded twice.
/// </remarks>
internal sealed partial class SqliteCatalog
{
    /// <summary>The small tiers are merged once they hold more than this many documents and more than an eighth of the settled ones.</summary>
    internal const long DefaultMergeMinRecent = 65_536;

    /// <summary>Lowered by tests to merge small catalogs.</summary>
    internal long MergeMinRecent { get; set; } = DefaultMergeMinRecent;

    /// <summary>The boundary id: read again before each use, as another process may have merged since.</summary>
    private long ShaBoundary()
    {
        // Raw: also inside a transaction, which a SqliteCommand would have to be handed.
        using var query = new RawStatement(_connection, "SELECT boundary FROM document_sha256_tier");
        return query.Step() ? query.Int64(0) : throw new CatalogException($"Catalog '{Path}' has no hash index boundary (table document_sha256_tier is empty).");
    }

    /// <summary>
    /// A query for the ids of documents whose <c>sha256</c> meets <paramref name="condition"/>, one part per tier. The
    /// boundary is written into the text: SQLite uses a partial index only for a query that repeats its condition.
    /// </summary>
    /// <param name="limit">At most this many ids from each tier, in hash order.</param>
    internal static string DocumentIdsBySha(long boundary, string condition, int? limit = null)
    {
        var b = boundary.ToString(CultureInfo.InvariantCulture);
        var order = limit is { } n ? $" ORDER BY sha256 LIMIT {n.ToString(CultureInfo.InvariantCulture)}" : "";
        return $"SELECT id FROM (SELECT id FROM document WHERE {condition} AND id <= {b}{order}) " +
               $"UNION ALL SELECT id FROM (SELECT document_id AS id FROM document_sha256_recent WHERE {condition}{order}) " +
               $"UNION ALL SELECT id FROM (SELECT document_id AS id FROM document_sha256_fresh WHERE {condition}{order})";
    }

    private string DocumentIdsBySha(string condition, int? limit = null) => DocumentIdsBySha(ShaBoundary(), condition, limit);

    /// <summary>The id of the document with hash <c>?1</c> in the two small tiers, if any: for a hash the settled tier's filter rules out.</summary>
    internal const string UnsettledDocumentIdBySha =
        "SELECT document_id FROM document_sha256_fresh WHERE sha256 = ?1 UNION ALL SELECT document_id FROM document_sha256_recent WHERE sha256 = ?1 LIMIT 1";

    /// <summary>The id of the document with hash <c>?1</c> in the fresh tier, if any: for a hash both filters rule out.</summary>
    internal const string FreshDocumentIdBySha = "SELECT document_id FROM document_sha256_fresh WHERE sha256 = ?1";

    /// <summary>The fresh tier is folded into the recent one once a batch leaves it with more than this many documents.</summary>
    internal const long DefaultFoldMinFresh = 8_192;

    /// <summary>Lowered by tests to fold small catalogs.</summary>
    internal long FoldMinFresh { get; set; } = DefaultFoldMinFresh;

    /// <summary>
    /// Inside the record transaction: moves the fresh tier into the recent one when it has outgrown <see cref="FoldMinFresh"/>.
    /// Read in hash order, so the recent tier's pages are each written once: a batch that folds 8,192 documents into a recent
    /// tier of 110,000 takes 34-39 ms with its commit, one that does not 0.7 ms (`-- merge 1000000` in tests/Ingest.Benchmarks). The recent
    /// tier's filter takes the fresh hashes in the same transaction (built from the whole tier at the first fold after a
    /// merge or the v9 migration), and its version moves on, so that other writers read it again.
    /// </summary>
    private void FoldFreshTierIfDue(WriteStatements s)
    {
        var count = s.CountFresh.Start().Step() ? s.CountFresh.Int64(0) : 0;
        s.CountFresh.Start();
        if (count <= FoldMinFresh)
        {
            return;
        }

        var filter = s.RecentFilter;
        if (filter is not null)
        {
            // Added before the fold: if it fails, the extra bits only make some later look-ups search the recent tier.
            for (s.FreshHashes.Start(); s.FreshHashes.Step();)
            {
                filter.AddUtf8(s.FreshHashes.Blob(0));
            }

            s.FreshHashes.Start();
        }

        // OR ROLLBACK: a multi-row insert that may abort halfway makes SQLite journal every page it changes first; a hash
        // already in the recent tier (never, as the writer looks each one up) fails the whole batch instead.
        s.FoldFresh.Start().Execute();
        s.ClearFresh.Start().Execute();
        filter ??= BuildRecentFilter(s.Boundary);
        s.StoreRecentFilter.Start().Bind(1, filter.ToBytes()).Execute();
        s.RecentFilter = filter;
        s.RecentVersion++; // read inside this transaction; if the commit fails, the next batch sees another version and reads it again
    }

    /// <summary>
    /// A filter of every hash in the recent tier, sized for the tier at its merge (<see cref="MergeMinRecent"/> or an
    /// eighth of the settled tier) and a fold beyond: past that it answers "maybe" more often, never "no" wrongly.
    /// </summary>
    private Sha256Filter BuildRecentFilter(long boundary)
    {
        long count;
        using (var query = new RawStatement(_connection, "SELECT count(*) FROM document_sha256_recent"))
        {
            count = query.Step() ? query.Int64(0) : 0;
        }

        var filter = Sha256Filter.Create(Math.Max(count, Math.Max(MergeMinRecent, boundary / 8)) + FoldMinFresh);
        using var hashes = new RawStatement(_connection, "SELECT sha256 FROM document_sha256_recent");
        while (hashes.Step())
        {
            filter.AddUtf8(hashes.Blob(0));
        }

        return filter;
    }

    /// <summary>The recent tier's filter, or null until its first fold; and its version, which each fold and merge moves on.</summary>
    internal const string RecentFilterSql = "SELECT version, filter FROM document_sha256_recent_filter";

    /// <summary>Stores the recent tier's filter (<c>?1</c>) and moves its version on: by a fold, or for a tier that had none.</summary>
    private const string StoreRecentFilterSql = "UPDATE document_sha256_recent_filter SET filter = ?1, version = version + 1";

    /// <summary>
    /// Merges the two small tiers into the settled one when they have outgrown <see cref="MergeMinRecent"/> and an eighth of
    /// the settled tier: its index is rebuilt, sorted and dense, at the largest id, with its filter, and the small tiers
    /// emptied. A million documents take 1.2-1.8 s (16 KiB pages), once per 125,000 new ones. Also builds a missing
    /// filter: the settled tier's of a catalog upgraded from v7, the recent tier's of one upgraded from v8. Returns whether
    /// it did any of these.
    /// </summary>
    public Task<bool> MaintainAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            ct.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed, this);
            bool changed;
            try
            {
                changed = MergeHashTiersIfDue() || (BuildSettledFilterIfMissing() | BuildRecentFilterIfMissing());
            }
            catch (SqliteException ex)
            {
                // The transaction rolled back: the tiers and the boundary are as they were (a busy or full disk, or a
                // hash found in both tiers).
                throw new CatalogException($"Catalog '{Path}': merging the SHA-256 index tiers failed ({ex.Message.TrimEnd('.')}); the catalog is unchanged.", ex);
            }

            return Task.FromResult(SaveSimHashSnapshotIfDue() | changed);
        }
    }

    private bool MergeHashTiersIfDue()
    {
        using var tx = _connection.BeginTransaction();
        var boundary = ShaBoundary();
        long max;
        using (var query = new RawStatement(_connection, "SELECT coalesce(max(id), 0) FROM document"))
        {
            max = query.Step() ? query.Int64(0) : 0;
        }

        if (max - boundary <= Math.Max(MergeMinRecent, boundary / 8))
        {
            return false;
        }

        // The write statements, prepared at the old boundary, are prepared again by the next record (WritesAtCurrentBoundary).
        var b = max.ToString(CultureInfo.InvariantCulture);
        using (var cmd = _connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = $"""
                DROP INDEX ux_document_sha256_settled;
                CREATE UNIQUE INDEX ux_document_sha256_settled ON document(sha256) WHERE id <= {b};
                DELETE FROM document_sha256_recent;
                DELETE FROM document_sha256_fresh;
                UPDATE document_sha256_tier SET boundary = {b};
                UPDATE document_sha256_recent_filter SET filter = NULL, version = version + 1;
                """;
            cmd.ExecuteNonQuery();
        }

        WriteSettledFilter(max);
        tx.Commit();
        return true;
    }

    /// <summary>A catalog upgraded from v7 (or whose filter cannot be read) gets its settled tier's filter once.</summary>
    private bool BuildSettledFilterIfMissing() => BuildFilterIfMissing(SettledFilterMissing, () => WriteSettledFilter(ShaBoundary()));

    /// <summary>
    /// A recent tier without a filter (upgraded from v8, or filled by hand) gets one now instead of at its next fold: until
    /// then every new document's look-up reads one of its leaves.
    /// </summary>
    private bool BuildRecentFilterIfMissing() => BuildFilterIfMissing(RecentFilterMissing, () =>
    {
        using var store = new RawStatement(_connection, StoreRecentFilterSql);
        store.Start().Bind(1, BuildRecentFilter(ShaBoundary()).ToBytes()).Execute();
    });

    /// <summary>Runs <paramref name="build"/> in a write transaction if a filter is <paramref name="missing"/>, checked again under the lock.</summary>
    private bool BuildFilterIfMissing(Func<bool> missing, Action build)
    {
        if (!missing())
        {
            return false; // read first: most scans need no write lock here
        }

        using var tx = _connection.BeginTransaction();
        if (!missing())
        {
            return false; // another process built it meanwhile
        }

        build();
        tx.Commit();
        return true;
    }

    private bool RecentFilterMissing()
    {
        using var query = new RawStatement(_connection,
            "SELECT filter IS NULL AND EXISTS (SELECT 1 FROM document_sha256_recent) FROM document_sha256_recent_filter");
        return query.Step() && query.Int64(0) != 0;
    }

    /// <summary>Checked after every scan: the filter's format only, not a copy of its bits (2 MB at a million documents).</summary>
    private bool SettledFilterMissing()
    {
        using var query = new RawStatement(_connection, SettledFilterSql);
        return query.Step() && query.Int64(0) > 0 && !Sha256Filter.IsWellFormed(query.Blob(1));
    }

    private const string SettledFilterSql = "SELECT boundary, settled_filter FROM document_sha256_tier";

    /// <summary>
    /// Builds and stores the filter of every hash up to <paramref name="boundary"/>, inside the caller's transaction (the
    /// one that set that boundary, or one that holds the write lock): read in order from the settled index alone, about
    /// 0.2 s for a million documents. Sized by the boundary id, an upper bound of the tier's documents.
    /// </summary>
    private void WriteSettledFilter(long boundary)
    {
        var filter = Sha256Filter.Create(boundary);
        var b = boundary.ToString(CultureInfo.InvariantCulture);
        using (var hashes = new RawStatement(_connection, $"SELECT sha256 FROM document INDEXED BY ux_document_sha256_settled WHERE id <= {b}"))
        {
            while (hashes.Step())
            {
                filter.AddUtf8(hashes.Blob(0)); // a text value's UTF-8 bytes, without a string per hash
            }
        }

        using var store = new RawStatement(_connection, "UPDATE document_sha256_tier SET settled_filter = ?1");
        store.Start().Bind(1, filter.ToBytes()).Execute();
    }
}
