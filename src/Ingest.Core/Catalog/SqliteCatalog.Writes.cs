namespace Ingest.Catalog;

/// <summary>The statements of the record and disposal path, prepared once per connection instead of once per batch.</summary>
internal sealed partial class SqliteCatalog
{
    private WriteStatements? _writes;

    /// <summary>Prepared on first use (read-only commands never need them); call under <see cref="_gate"/>.</summary>
    private WriteStatements Writes()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _writes ??= new WriteStatements(this, ShaBoundary());
    }

    /// <summary>
    /// The statements, prepared again if the hash index tiers moved (a merge, maybe by another process), with the recent
    /// tier's filter read again if another process folded into it. Call inside the write transaction.
    /// </summary>
    private WriteStatements WritesAtCurrentBoundary()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var boundary = ShaBoundary();
        if (_writes?.Boundary != boundary)
        {
            _writes?.Dispose();
            _writes = new WriteStatements(this, boundary);
        }

        _writes.ReadRecentFilterIfChanged(this);
        return _writes;
    }

    private sealed class WriteStatements : IDisposable
    {
        private readonly List<RawStatement> _all = [];

        public WriteStatements(SqliteCatalog catalog, long boundary)
        {
            Boundary = boundary;
            try
            {
                // Looked up first (FindDocument): the column has no unique constraint of its own since v7, see HashTiers.
                // The per-file inserts take their id from the connection (RawStatement.Insert), not RETURNING, and never
                // REPLACE: either makes SQLite open a statement journal, which copies every page the statement changes
                // first (RETURNING also fills a temporary table). That was 2% of a small-file scan's CPU in libc alone.
                InsertDocument = Prepare(catalog, """
                    INSERT INTO document (sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen,
                                          language, newline, non_blank_line_count, char_count, cjk_count, word_count, outline)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                    """);
                FindDocument = Prepare(catalog, DocumentIdsBySha(boundary, "sha256 = ?1") + " LIMIT 1");
                FindUnsettledDocument = Prepare(catalog, UnsettledDocumentIdBySha);
                FindFreshDocument = Prepare(catalog, FreshDocumentIdBySha);
                InsertFresh = Prepare(catalog, "INSERT INTO document_sha256_fresh (sha256, document_id) VALUES (?1, ?2)");
                FreshHashes = Prepare(catalog, "SELECT sha256 FROM document_sha256_fresh");
                StoreRecentFilter = Prepare(catalog, StoreRecentFilterSql);
                RecentVersionQuery = Prepare(catalog, "SELECT version FROM document_sha256_recent_filter");
                CountFresh = Prepare(catalog, "SELECT count(*) FROM document_sha256_fresh");
                FoldFresh = Prepare(catalog,
                    "INSERT OR ROLLBACK INTO document_sha256_recent (sha256, document_id) SELECT sha256, document_id FROM document_sha256_fresh ORDER BY sha256");
                ClearFresh = Prepare(catalog, "DELETE FROM document_sha256_fresh");
                SettledFilter = LoadSettledFilter(catalog, boundary);
                InsertOccurrence = Prepare(catalog, """
                    INSERT INTO occurrence (document_id, source, path, size_bytes, last_write, status, ingested, disposition, destination, pending)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                    """);
                // A transient failure is recorded once; each further attempt doubles the wait before the next one.
                InsertFailure = Prepare(catalog, """
                    INSERT INTO failure (source, path, size_bytes, last_write, reason, kind, failed, disposition, destination, pending, next_attempt)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?7 + ?11)
                    ON CONFLICT (source, path, reason) WHERE kind = 'transient' AND resolved = 0
                    DO UPDATE SET attempts = attempts + 1, next_attempt = ?7 + ?11 * (1 << min(attempts, 6))
                    RETURNING id, attempts
                    """);
                HasOpenTransients = Prepare(catalog, "SELECT EXISTS (SELECT 1 FROM failure WHERE kind = 'transient' AND resolved = 0)");
                ResolveTransient = Prepare(catalog,
                    "UPDATE failure SET resolved = 1 WHERE source = ?1 AND path = ?2 AND kind = 'transient' AND resolved = 0");
                CompleteOccurrence = Prepare(catalog, "UPDATE occurrence SET pending = 0, destination = ?2 WHERE id = ?1");
                CompleteFailure = Prepare(catalog, "UPDATE failure SET pending = 0, destination = ?2 WHERE id = ?1");
                InsertText = Prepare(catalog, "INSERT INTO document_text (document_id, text, truncated, codec) VALUES (?1, ?2, ?3, ?4)");
                InsertFingerprint = Prepare(catalog, """
                    INSERT INTO document_fingerprint (document_id, simhash, minhash, near_duplicate_of, near_distance)
                    VALUES (?1, ?2, ?3, ?4, ?5)
                    """);
                SimHashLogFrom = Prepare(catalog, SimHashLogFromSql);
                LastSimHashLogRow = Prepare(catalog, "SELECT id, length(entries) FROM simhash_log ORDER BY id DESC LIMIT 1");
                ExtendSimHashLog = Prepare(catalog, "UPDATE simhash_log SET entries = CAST(entries || ?2 AS BLOB) WHERE id = ?1");
                AppendSimHashLog = Prepare(catalog, "INSERT INTO simhash_log (entries) VALUES (?1) RETURNING id");
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>The hash index boundary <see cref="FindDocument"/> was prepared for.</summary>
        public long Boundary { get; }

        public RawStatement InsertDocument { get; }
        public RawStatement FindDocument { get; }

        /// <summary>The fresh and recent tiers only: for a hash the settled tier's filter rules out.</summary>
        public RawStatement FindUnsettledDocument { get; }

        /// <summary>The fresh tier only: for a hash both filters rule out.</summary>
        public RawStatement FindFreshDocument { get; }
        public RawStatement FreshHashes { get; }
        public RawStatement StoreRecentFilter { get; }
        private RawStatement RecentVersionQuery { get; }

        /// <summary>The recent tier's filter at <see cref="RecentVersion"/>; null until its first fold (then the tier is searched).</summary>
        public Sha256Filter? RecentFilter { get; set; }

        /// <summary>The version in <c>document_sha256_recent_filter</c> that <see cref="RecentFilter"/> was read or written at; -1 before the first read.</summary>
        public long RecentVersion { get; set; } = -1;

        /// <summary>Reads the recent tier's filter again if a fold or merge (maybe by another process) moved its version on.</summary>
        public void ReadRecentFilterIfChanged(SqliteCatalog catalog)
        {
            var version = RecentVersionQuery.Start().Step() ? RecentVersionQuery.Int64(0) : 0;
            RecentVersionQuery.Start();
            if (version == RecentVersion)
            {
                return;
            }

            using var query = new RawStatement(catalog._connection, RecentFilterSql);
            (RecentVersion, RecentFilter) = query.Step() ? (query.Int64(0), Sha256Filter.FromBytes(query.Blob(1))) : (0, null);
        }

        /// <summary>Each new document's hash joins the fresh tier (see HashTiers).</summary>
        public RawStatement InsertFresh { get; }
        public RawStatement CountFresh { get; }
        public RawStatement FoldFresh { get; }
        public RawStatement ClearFresh { get; }

        /// <summary>The settled tier's filter at <see cref="Boundary"/>; null until one is built (then every tier is searched).</summary>
        public Sha256Filter? SettledFilter { get; }

        /// <summary>The statement that finds a document by hash: every tier but those whose filter rules the hash out.</summary>
        public RawStatement Find(string sha256)
        {
            if (SettledFilter is not { } settled || settled.MayContain(sha256))
            {
                return FindDocument;
            }

            return RecentFilter is { } recent && !recent.MayContain(sha256) ? FindFreshDocument : FindUnsettledDocument;
        }
        public RawStatement InsertOccurrence { get; }
        public RawStatement InsertFailure { get; }
        public RawStatement HasOpenTransients { get; }
        public RawStatement ResolveTransient { get; }
        public RawStatement CompleteOccurrence { get; }
        public RawStatement CompleteFailure { get; }
        public RawStatement InsertText { get; }
        public RawStatement InsertFingerprint { get; }
        public RawStatement SimHashLogFrom { get; }
        public RawStatement LastSimHashLogRow { get; }
        public RawStatement ExtendSimHashLog { get; }
        public RawStatement AppendSimHashLog { get; }

        public void Dispose()
        {
            foreach (var s in _all)
            {
                s.Dispose();
            }

            _all.Clear();
        }

        /// <summary>Only a filter built at <paramref name="boundary"/>: another process may have merged since it was read.</summary>
        private static Sha256Filter? LoadSettledFilter(SqliteCatalog catalog, long boundary)
        {
            using var query = new RawStatement(catalog._connection, SettledFilterSql);
            return query.Step() && query.Int64(0) == boundary ? Sha256Filter.FromBytes(query.Blob(1)) : null;
        }

        private RawStatement Prepare(SqliteCatalog catalog, string sql)
        {
            var s = new RawStatement(catalog._connection, sql);
            _all.Add(s);
            return s;
        }
    }

    /// <summary>Marks disposals done inside the caller's transaction.</summary>
    private static void CompleteDisposals(WriteStatements s, IReadOnlyList<DisposalDone> done)
    {
        foreach (var d in done)
        {
            (d.IsFailure ? s.CompleteFailure : s.CompleteOccurrence).Start().Bind(1, d.Id).Bind(2, d.Destination).Execute();
        }
    }
}
