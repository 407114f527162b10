using Ingest.Configuration;
using Ingest.Reading;
using Ingest.Search;
using Microsoft.Data.Sqlite;

namespace Ingest.Catalog;

/// <summary>The embedded catalog: one SQLite file in WAL mode. Calls are serialized on one connection.</summary>
internal sealed partial class SqliteCatalog : ICatalog
{
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    private SqliteCatalog(SqliteConnection connection, TimeProvider time, string path)
    {
        _connection = connection;
        _time = time;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Opens (creating when <paramref name="readOnly"/> is false) and migrates the catalog.</summary>
    /// <param name="simHashes">The near-duplicate index to share with other catalogs open on the same file in this process
    /// (null: this catalog's own).</param>
    public static SqliteCatalog Open(
        string path, bool readOnly, TimeProvider time, bool fullSync = true, int nearDuplicateDistance = 3, SimHashIndex? simHashes = null)
    {
        path = System.IO.Path.GetFullPath(path);
        if (readOnly && !File.Exists(path))
        {
            throw new CatalogException($"Catalog '{path}' does not exist. Run 'ingest scan' first, or pass --db.");
        }

        if (!readOnly)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            // ReadOnly still needs the WAL's shared memory, which a writer creates; ReadWrite never creates the file.
            Mode = readOnly ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        };
        SqliteLibrary.EnsureConfigured();
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 30000;");
            KeepWalOnClose(connection);
            var version = SqliteSchema.GetVersion(connection); // the first real read: fails here on a non-SQLite file
            SqliteSchema.EnsureNotNewer(version, path);
            if (!readOnly)
            {
                if (version == 0)
                {
                    // A new catalog only (an existing file keeps its size; changing it means rewriting the file): pages
                    // of 16 KiB hold five stored texts of a small file instead of one, and each WAL frame costs two
                    // writes and its checkpoint a read and a write whatever its size. A scan of 10,000 small files:
                    // 49,000 -> 11,600 pwrites, 24,000 -> 12,800 preads.
                    Execute(connection, $"PRAGMA page_size = {NewCatalogPageSize};");
                }

                Execute(connection, "PRAGMA journal_mode = WAL;");
                SqliteSchema.Migrate(connection, path);
            }
            else if (version < SqliteSchema.LatestVersion)
            {
                throw new CatalogException($"Catalog '{path}' has schema version {version}; run 'ingest scan' once to upgrade it.");
            }

            Execute(connection, $"PRAGMA synchronous = {(fullSync ? "FULL" : "NORMAL")}; PRAGMA foreign_keys = ON;");
            if (!readOnly)
            {
                // A batch of 256 new documents dirties some 600 pages (stored text, scattered SHA-256 index leaves): 8 MiB
                // instead of the default 2 MiB keeps a batch from spilling to the WAL before its commit. Not more: a scan
                // of 10,000 files filled 32 MiB with pages it never read again, and on first touch every page of it cost
                // a page fault (6,000 more faults and ~0.2 s of CPU; a scan into a million documents 0.1 s slower).
                Execute(connection, "PRAGMA cache_size = -8192;");
            }
            return new SqliteCatalog(connection, time, path) { _nearDuplicateDistance = nearDuplicateDistance, _simHashes = simHashes ?? new SimHashIndex() };
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 or 11)
        {
            connection.Dispose();
            throw new CatalogException($"Catalog '{path}' is not a valid SQLite database ({ex.Message.TrimEnd('.')}). It was left untouched.", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private bool _disposed;

    private const int SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE = 1006;

    /// <summary>
    /// The last connection to close would copy the whole WAL (up to ~16 MB) into the file and delete it: most of the
    /// time a one-shot scan spent after its last move (about 50 ms of 0.8 s for 10,000 small files), and a query
    /// command would do it too. The WAL is kept instead; commits are already durable in it, the next writer's
    /// automatic checkpoints carry on from it, and readers and <c>ingest backup</c> read through it.
    /// </summary>
    private static void KeepWalOnClose(SqliteConnection connection)
    {
        var rc = SQLitePCL.raw.sqlite3_db_config(connection.Handle!, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, out int _);
        if (rc != SQLitePCL.raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
    }

    /// <summary>The page size of catalogs created from now on.</summary>
    private const int NewCatalogPageSize = 16384;

    /// <summary>Opens and closes an in-memory database: what the first real open would otherwise load on its path.</summary>
    internal static void WarmUp()
    {
        try
        {
            SqliteLibrary.EnsureConfigured();
            using var connection = new SqliteConnection("Data Source=:memory:");
            connection.Open();
            Execute(connection, "PRAGMA user_version;");
        }
        catch (Exception ex) when (ex is SqliteException or DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            // Only a head start: the real open reports whatever is wrong, naming the catalog.
        }
    }

    /// <summary>Under the gate, so a write in progress finishes before its statements are finalized.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _writes?.Dispose();
            _writes = null;
            _connection.Dispose();
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public Task<HashSet<FileIdentity>> LoadInPlaceIdentitiesAsync(string source, CancellationToken ct)
    {
        lock (_gate)
        {
            // Every re-scan in Keep mode starts here (a row per file left in place): read without a data reader.
            var set = new HashSet<FileIdentity>();
            using var query = new RawStatement(_connection, """
                SELECT path, size_bytes, last_write FROM occurrence WHERE source = ?1 AND disposition = 'keep'
                UNION ALL
                SELECT path, size_bytes, last_write FROM failure WHERE source = ?1 AND disposition = 'keep' AND kind <> 'transient'
                """);
            query.Bind(1, source);
            while (query.Step())
            {
                ct.ThrowIfCancellationRequested();
                set.Add(new FileIdentity(source, query.Text(0), query.Int64(1), query.Int64(2)));
            }

            return Task.FromResult(set);
        }
    }

    public Task<IReadOnlyList<RecordedItem>> RecordAsync(
        IReadOnlyList<IngestRecord> batch,
        Func<IngestRecord, OccurrenceStatus?, PlannedDisposal> plan,
        TimeSpan retryFailedAfter,
        CancellationToken ct) => RecordAsync(batch, plan, retryFailedAfter, [], ct);

    public Task<IReadOnlyList<RecordedItem>> RecordAsync(
        IReadOnlyList<IngestRecord> batch,
        Func<IngestRecord, OccurrenceStatus?, PlannedDisposal> plan,
        TimeSpan retryFailedAfter,
        IReadOnlyList<DisposalDone> completed,
        CancellationToken ct)
    {
        var retryTicks = retryFailedAfter.Ticks;
        lock (_gate)
        {
            ct.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow().UtcTicks;
            var results = new List<RecordedItem>(batch.Count);
            // The boundary is read inside the transaction, which holds the write lock (BEGIN IMMEDIATE): read before it, another
            // process's merge could move documents out of the small tiers into settled ids the statements do not search.
            using var tx = _connection.BeginTransaction();
            var s = WritesAtCurrentBoundary();
            CompleteDisposals(s, completed);
            var search = new SearchWriter(this, s);

            // Most catalogs have no open transient failure: then no occurrence needs to resolve one.
            var openTransients = s.HasOpenTransients.Start().Step() && s.HasOpenTransients.Int64(0) != 0;
            s.HasOpenTransients.Start();

            foreach (var r in batch)
            {
                if (r.Facts is { } f)
                {
                    long docId;
                    OccurrenceStatus status;
                    var find = s.Find(f.Sha256).Start().Bind(1, f.Sha256);
                    if (find.Step())
                    {
                        docId = find.Int64(0);
                        status = OccurrenceStatus.Duplicate;
                    }
                    else
                    {
                        var insert = s.InsertDocument.Start()
                            .Bind(1, f.Sha256).Bind(2, f.SizeBytes).Bind(3, f.Encoding).Bind(4, f.HasBom ? 1L : 0L).Bind(5, f.Confidence)
                            .Bind(6, f.Title).Bind(7, f.LineCount).Bind(8, f.TextSha256).Bind(9, now);
                        BindDetails(insert, 10, f.Details);
                        docId = insert.Insert();
                        s.InsertFresh.Start().Bind(1, f.Sha256).Bind(2, docId).Execute();
                        status = OccurrenceStatus.New;
                    }

                    find.Start();
                    if (status == OccurrenceStatus.New && f.Search is { } payload)
                    {
                        search.Add(docId, payload);
                    }

                    var disposal = plan(r, status);
                    var occ = s.InsertOccurrence.Start()
                        .Bind(1, docId).Bind(2, r.Source).Bind(3, r.Path).Bind(4, r.Size).Bind(5, r.LastWriteUtc.Ticks)
                        .Bind(6, status == OccurrenceStatus.New ? "new" : "duplicate").Bind(7, now).Bind(8, DispositionText(disposal.Disposition))
                        .Bind(9, disposal.Destination).Bind(10, disposal.Disposition == Disposition.Keep ? 0L : 1L);
                    results.Add(new RecordedItem(r, occ.Insert(), false, status, disposal, false, docId));
                    if (openTransients)
                    {
                        s.ResolveTransient.Start().Bind(1, r.Source).Bind(2, r.Path).Execute();
                    }
                }
                else
                {
                    var disposal = plan(r, null);
                    var fail = s.InsertFailure.Start()
                        .Bind(1, r.Source).Bind(2, r.Path).Bind(3, r.Size).Bind(4, r.LastWriteUtc.Ticks).Bind(5, r.Reason ?? "unknown")
                        .Bind(6, KindText(r.Kind, r.Reason)).Bind(7, now).Bind(8, DispositionText(disposal.Disposition)).Bind(9, disposal.Destination)
                        .Bind(10, disposal.Disposition == Disposition.Keep ? 0L : 1L).Bind(11, retryTicks);
                    fail.Step();
                    results.Add(new RecordedItem(r, fail.Int64(0), true, null, disposal, fail.Int64(1) > 1));
                    fail.Start();
                }
            }

            search.WriteLog();
            FoldFreshTierIfDue(s);
            tx.Commit();
            search.Committed();
            return Task.FromResult<IReadOnlyList<RecordedItem>>(results);
        }
    }

    public Task<HashSet<string>> LoadBackedOffPathsAsync(string source, CancellationToken ct)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT path FROM failure WHERE source = $s AND kind = 'transient' AND resolved = 0 AND next_attempt > $now";
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$now", _time.GetUtcNow().UtcTicks);
            using var reader = cmd.ExecuteReader();
            var set = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                set.Add(reader.GetString(0));
            }

            return Task.FromResult(set);
        }
    }

    public Task CompleteDisposalsAsync(IReadOnlyList<DisposalDone> done, CancellationToken ct)
    {
        if (done.Count == 0)
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            var s = Writes();
            using var tx = _connection.BeginTransaction();
            CompleteDisposals(s, done);
            tx.Commit();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingDisposal>> GetPendingDisposalsAsync(string source, CancellationToken ct)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT id, 0, path, size_bytes, last_write, disposition, destination FROM occurrence WHERE source = $s AND pending = 1
                UNION ALL
                SELECT id, 1, path, size_bytes, last_write, disposition, destination FROM failure WHERE source = $s AND pending = 1
                """;
            cmd.Parameters.AddWithValue("$s", source);
            using var reader = cmd.ExecuteReader();
            var list = new List<PendingDisposal>();
            while (reader.Read())
            {
                list.Add(new PendingDisposal(reader.GetInt64(0), reader.GetInt64(1) == 1, source, reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4),
                    ParseDisposition(reader.GetString(5)), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }

            return Task.FromResult<IReadOnlyList<PendingDisposal>>(list);
        }
    }

    public Task<bool> ContainsDocumentAsync(string sha256, CancellationToken ct)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = DocumentIdsBySha("sha256 = $sha") + " LIMIT 1";
            cmd.Parameters.AddWithValue("$sha", sha256);
            return Task.FromResult(cmd.ExecuteScalar() is not null);
        }
    }

    public Task<IReadOnlyList<DocumentView>> ListDocumentsAsync(int? limit, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DocumentView>>(QueryDocuments("ORDER BY first_seen, sha256 LIMIT $limit", ("$limit", limit ?? -1), ct));
        }
    }

    public Task<DocumentLookup> FindDocumentAsync(string sha256Prefix, CancellationToken ct)
    {
        var prefix = sha256Prefix.Trim().ToLowerInvariant();
        if (prefix.Length == 0 || prefix.Length > 64 || !prefix.All(char.IsAsciiHexDigitLower))
        {
            return Task.FromResult(new DocumentLookup(null, 0));
        }

        lock (_gate)
        {
            // The range keeps the lookup on the hash indexes: every hex string starting with the prefix sorts in [prefix, prefix + 'g').
            // Two from each tier tell one match from several.
            var docs = QueryDocuments(
                $"WHERE id IN ({DocumentIdsBySha("sha256 >= $lo AND sha256 < $hi", limit: 2)}) ORDER BY sha256 LIMIT 2", ("$lo", prefix), ("$hi", prefix + "g"), ct);
            return Task.FromResult(new DocumentLookup(docs.Count == 1 ? docs[0] : null, docs.Count));
        }
    }

    public Task<CatalogStats> GetStatsAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT (SELECT count(*) FROM document), (SELECT count(*) FROM occurrence),
                       (SELECT count(*) FROM occurrence WHERE status = 'duplicate'), (SELECT count(*) FROM failure),
                       (SELECT coalesce(sum(size_bytes), 0) FROM document), (SELECT coalesce(sum(size_bytes), 0) FROM occurrence)
                """;
            using var r = cmd.ExecuteReader();
            r.Read();
            return Task.FromResult(new CatalogStats(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)));
        }
    }

    public Task<bool> UpdateDocumentFactsAsync(DocumentFacts facts, CancellationToken ct)
    {
        lock (_gate)
        {
            ct.ThrowIfCancellationRequested();
            using var tx = _connection.BeginTransaction();
            using var cmd = Command(tx, $"""
                UPDATE document SET encoding = $enc, has_bom = $bom, confidence = $conf, title = $title, line_count = $lines, text_sha256 = $tsha,
                    language = $lang, newline = $nl, non_blank_line_count = $nonblank, char_count = $chars, cjk_count = $cjk, word_count = $words, outline = $outline
                WHERE id IN ({DocumentIdsBySha("sha256 = $sha")})
                """, "$enc", "$bom", "$conf", "$title", "$lines", "$tsha", "$lang", "$nl", "$nonblank", "$chars", "$cjk", "$words", "$outline", "$sha");
            Set(cmd, [facts.Encoding, facts.HasBom ? 1 : 0, facts.Confidence, (object?)facts.Title ?? DBNull.Value, facts.LineCount, facts.TextSha256,
                .. DetailValues(facts.Details), facts.Sha256]);
            var changed = cmd.ExecuteNonQuery();
            tx.Commit();
            return Task.FromResult(changed > 0);
        }
    }

    /// <summary>Binds the v2 columns from <paramref name="at"/> on, in <see cref="DetailValues"/> order.</summary>
    private static void BindDetails(RawStatement statement, int at, TextDetails? d)
    {
        if (d is null)
        {
            for (var i = 0; i < 7; i++)
            {
                statement.BindNull(at + i);
            }

            return;
        }

        statement.Bind(at, d.Language).Bind(at + 1, d.Newline).Bind(at + 2, d.NonBlankLineCount).Bind(at + 3, d.CharCount)
            .Bind(at + 4, d.CjkCount).Bind(at + 5, d.WordCount).Bind(at + 6, OutlineCodec.Encode(d.Outline));
    }

    /// <summary>The v2 columns, in insert order: language, newline, non-blank lines, chars, CJK, words, outline.</summary>
    private static object[] DetailValues(TextDetails? d) => d is null
        ? [DBNull.Value, DBNull.Value, DBNull.Value, DBNull.Value, DBNull.Value, DBNull.Value, DBNull.Value]
        : [d.Language, d.Newline, d.NonBlankLineCount, d.CharCount, d.CjkCount, d.WordCount, OutlineCodec.Encode(d.Outline)];

    public Task<IReadOnlyList<FailureView>> ListFailuresAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT source, path, reason, failed, kind, size_bytes, destination, attempts, resolved FROM failure ORDER BY failed, id";
            using var r = cmd.ExecuteReader();
            var list = new List<FailureView>();
            while (r.Read())
            {
                ct.ThrowIfCancellationRequested();
                list.Add(new FailureView(r.GetString(0), r.GetString(1), r.GetString(2), Utc(r.GetInt64(3)), r.GetString(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6),
                    r.GetInt64(7), r.GetInt64(8) != 0));
            }

            return Task.FromResult<IReadOnlyList<FailureView>>(list);
        }
    }

    public Task BackupAsync(string destination, CancellationToken ct)
    {
        destination = System.IO.Path.GetFullPath(destination);
        if (Path.Equals(destination, StringComparison.Ordinal) || File.Exists(destination) || Directory.Exists(destination))
        {
            throw new CatalogException($"Backup target '{destination}' already exists; Ingest never overwrites a file.");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
        var partial = destination + ".partial";
        lock (_gate)
        {
            // SQLite's online backup API: a consistent snapshot even while the service writes.
            using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()))
            {
                target.Open();
                _connection.BackupDatabase(target);
            }

            File.Move(partial, destination, overwrite: false);
        }

        return Task.CompletedTask;
    }

    private List<DocumentView> QueryDocuments(string tail, (string, object) p1, CancellationToken ct) => QueryDocuments(tail, p1, null, ct);

    private List<DocumentView> QueryDocuments(string tail, (string, object) p1, (string, object)? p2, CancellationToken ct)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT d.id, d.sha256, d.size_bytes, d.encoding, d.has_bom, d.confidence, d.title, d.line_count, d.text_sha256, d.first_seen,
                   o.source, o.path, o.status, o.ingested, o.last_write, o.size_bytes, o.disposition, o.destination, o.pending,
                   d.language, d.newline, d.non_blank_line_count, d.char_count, d.cjk_count, d.word_count, d.outline,
                   nd.sha256, f.near_distance
            FROM (SELECT * FROM document {tail}) d
            LEFT JOIN occurrence o ON o.document_id = d.id
            LEFT JOIN document_fingerprint f ON f.document_id = d.id
            LEFT JOIN document nd ON nd.id = f.near_duplicate_of
            ORDER BY d.first_seen, d.sha256, o.id
            """;
        cmd.Parameters.AddWithValue(p1.Item1, p1.Item2);
        if (p2 is { } second)
        {
            cmd.Parameters.AddWithValue(second.Item1, second.Item2);
        }

        using var r = cmd.ExecuteReader();
        var docs = new List<DocumentView>();
        long currentId = -1;
        List<OccurrenceView>? occurrences = null;
        while (r.Read())
        {
            ct.ThrowIfCancellationRequested();
            var id = r.GetInt64(0);
            if (id != currentId)
            {
                currentId = id;
                occurrences = [];
                docs.Add(new DocumentView(r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4) != 0, r.GetDouble(5),
                    r.IsDBNull(6) ? null : r.GetString(6), r.GetInt64(7), r.GetString(8), Utc(r.GetInt64(9)), occurrences, ReadDetails(r, 19),
                    r.IsDBNull(26) ? null : new NearDuplicate(r.GetString(26), r.GetInt32(27))));
            }

            if (!r.IsDBNull(10))
            {
                occurrences!.Add(new OccurrenceView(r.GetString(10), r.GetString(11), r.GetString(12), Utc(r.GetInt64(13)), Utc(r.GetInt64(14)),
                    r.GetInt64(15), r.GetString(16), r.IsDBNull(17) ? null : r.GetString(17), r.GetInt64(18) != 0));
            }
        }

        return docs;
    }

    /// <summary>The v2 columns from <paramref name="at"/> on; null for a document not analyzed since v2.</summary>
    private static TextDetails? ReadDetails(SqliteDataReader r, int at) => r.IsDBNull(at)
        ? null
        : new TextDetails(r.GetString(at + 1), r.GetInt64(at + 2), r.GetInt64(at + 3), r.GetInt64(at + 4), r.GetInt64(at + 5), r.GetString(at),
            OutlineCodec.Decode(r.GetString(at + 6)));

    private static DateTime Utc(long ticks) => new(ticks, DateTimeKind.Utc);

    private static SqliteCommand Command(SqliteTransaction tx, string sql, params string[] parameters)
    {
        var cmd = tx.Connection!.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var p in parameters)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        }

        cmd.Prepare();
        return cmd;
    }

    private static void Set(SqliteCommand cmd, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i];
        }
    }

    private static string DispositionText(Disposition d) => d switch
    {
        Disposition.Move => "move",
        Disposition.Keep => "keep",
        _ => "delete",
    };

    private static Disposition ParseDisposition(string s) => s switch
    {
        "move" => Disposition.Move,
        "keep" => Disposition.Keep,
        _ => Disposition.Delete,
    };

    private static string KindText(AnalysisKind kind, string? reason) => kind switch
    {
        AnalysisKind.LeftInPlace when reason?.StartsWith("invalid file name", StringComparison.Ordinal) == true => "name",
        AnalysisKind.LeftInPlace => "link",
        AnalysisKind.Transient => "transient",
        _ => "rejected",
    };
}
