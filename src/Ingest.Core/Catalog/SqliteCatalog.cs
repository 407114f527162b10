using Ingest.Configuration;
using Ingest.Reading;
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
    public static SqliteCatalog Open(string path, bool readOnly, TimeProvider time, bool fullSync = true, int nearDuplicateDistance = 3)
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
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 30000;");
            var version = SqliteSchema.GetVersion(connection); // the first real read: fails here on a non-SQLite file
            SqliteSchema.EnsureNotNewer(version, path);
            if (!readOnly)
            {
                Execute(connection, "PRAGMA journal_mode = WAL;");
                SqliteSchema.Migrate(connection, path);
            }
            else if (version < SqliteSchema.LatestVersion)
            {
                throw new CatalogException($"Catalog '{path}' has schema version {version}; run 'ingest scan' once to upgrade it.");
            }

            Execute(connection, $"PRAGMA synchronous = {(fullSync ? "FULL" : "NORMAL")}; PRAGMA foreign_keys = ON;");
            return new SqliteCatalog(connection, time, path) { _nearDuplicateDistance = nearDuplicateDistance };
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

    public void Dispose() => _connection.Dispose();

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
            var set = new HashSet<FileIdentity>();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT path, size_bytes, last_write FROM occurrence WHERE source = $s AND disposition = 'keep'
                UNION ALL
                SELECT path, size_bytes, last_write FROM failure WHERE source = $s AND disposition = 'keep' AND kind <> 'transient'
                """;
            cmd.Parameters.AddWithValue("$s", source);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                set.Add(new FileIdentity(source, reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            return Task.FromResult(set);
        }
    }

    public Task<IReadOnlyList<RecordedItem>> RecordAsync(
        IReadOnlyList<IngestRecord> batch,
        Func<IngestRecord, OccurrenceStatus?, PlannedDisposal> plan,
        TimeSpan retryFailedAfter,
        CancellationToken ct)
    {
        var retryTicks = retryFailedAfter.Ticks;
        lock (_gate)
        {
            ct.ThrowIfCancellationRequested();
            var now = _time.GetUtcNow().UtcTicks;
            var results = new List<RecordedItem>(batch.Count);
            using var tx = _connection.BeginTransaction();

            using var insertDoc = Command(tx, """
                INSERT INTO document (sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen,
                                      language, newline, non_blank_line_count, char_count, cjk_count, word_count, outline)
                VALUES ($sha, $size, $enc, $bom, $conf, $title, $lines, $tsha, $now, $lang, $nl, $nonblank, $chars, $cjk, $words, $outline)
                ON CONFLICT (sha256) DO NOTHING RETURNING id
                """, "$sha", "$size", "$enc", "$bom", "$conf", "$title", "$lines", "$tsha", "$now",
                "$lang", "$nl", "$nonblank", "$chars", "$cjk", "$words", "$outline");
            using var findDoc = Command(tx, "SELECT id FROM document WHERE sha256 = $sha", "$sha");
            using var insertOcc = Command(tx, """
                INSERT INTO occurrence (document_id, source, path, size_bytes, last_write, status, ingested, disposition, destination, pending)
                VALUES ($doc, $source, $path, $size, $lw, $status, $now, $disp, $dest, $pending) RETURNING id
                """, "$doc", "$source", "$path", "$size", "$lw", "$status", "$now", "$disp", "$dest", "$pending");
            // A transient failure is recorded once; each further attempt doubles the wait before the next one.
            using var insertFail = Command(tx, """
                INSERT INTO failure (source, path, size_bytes, last_write, reason, kind, failed, disposition, destination, pending, next_attempt)
                VALUES ($source, $path, $size, $lw, $reason, $kind, $now, $disp, $dest, $pending, $now + $retry)
                ON CONFLICT (source, path, reason) WHERE kind = 'transient' AND resolved = 0
                DO UPDATE SET attempts = attempts + 1, next_attempt = $now + $retry * (1 << min(attempts, 6))
                RETURNING id, attempts
                """, "$source", "$path", "$size", "$lw", "$reason", "$kind", "$now", "$disp", "$dest", "$pending", "$retry");
            using var search = new SearchWriter(this, tx);
            // Most catalogs have no open transient failure: then no occurrence needs to resolve one.
            var openTransients = HasOpenTransientFailures(tx);
            using var resolveTransient = Command(tx,
                "UPDATE failure SET resolved = 1 WHERE source = $source AND path = $path AND kind = 'transient' AND resolved = 0",
                "$source", "$path");

            foreach (var r in batch)
            {
                if (r.Facts is { } f)
                {
                    Set(insertDoc, [f.Sha256, f.SizeBytes, f.Encoding, f.HasBom ? 1 : 0, f.Confidence, (object?)f.Title ?? DBNull.Value, f.LineCount, f.TextSha256, now,
                        .. DetailValues(f.Details)]);
                    var newId = insertDoc.ExecuteScalar();
                    long docId;
                    OccurrenceStatus status;
                    if (newId is long id)
                    {
                        docId = id;
                        status = OccurrenceStatus.New;
                    }
                    else
                    {
                        Set(findDoc, f.Sha256);
                        docId = (long)findDoc.ExecuteScalar()!;
                        status = OccurrenceStatus.Duplicate;
                    }

                    if (status == OccurrenceStatus.New && f.Search is { } payload)
                    {
                        search.Add(docId, payload);
                    }

                    var disposal = plan(r, status);
                    Set(insertOcc, docId, r.Source, r.Path, r.Size, r.LastWriteUtc.Ticks, status == OccurrenceStatus.New ? "new" : "duplicate", now,
                        DispositionText(disposal.Disposition), (object?)disposal.Destination ?? DBNull.Value, disposal.Disposition == Disposition.Keep ? 0 : 1);
                    results.Add(new RecordedItem(r, (long)insertOcc.ExecuteScalar()!, false, status, disposal, false, docId));
                    if (openTransients)
                    {
                        Set(resolveTransient, r.Source, r.Path);
                        resolveTransient.ExecuteNonQuery();
                    }
                }
                else
                {
                    var disposal = plan(r, null);
                    Set(insertFail, r.Source, r.Path, r.Size, r.LastWriteUtc.Ticks, r.Reason ?? "unknown", KindText(r.Kind, r.Reason), now,
                        DispositionText(disposal.Disposition), (object?)disposal.Destination ?? DBNull.Value, disposal.Disposition == Disposition.Keep ? 0 : 1,
                        retryTicks);
                    using var reader = insertFail.ExecuteReader();
                    reader.Read();
                    results.Add(new RecordedItem(r, reader.GetInt64(0), true, null, disposal, reader.GetInt64(1) > 1));
                }
            }

            tx.Commit();
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

    private static bool HasOpenTransientFailures(SqliteTransaction tx)
    {
        using var cmd = tx.Connection!.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM failure WHERE kind = 'transient' AND resolved = 0)";
        return (long)cmd.ExecuteScalar()! != 0;
    }

    public Task CompleteDisposalsAsync(IReadOnlyList<DisposalDone> done, CancellationToken ct)
    {
        if (done.Count == 0)
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            using var occ = Command(tx, "UPDATE occurrence SET pending = 0, destination = $dest WHERE id = $id", "$dest", "$id");
            using var fail = Command(tx, "UPDATE failure SET pending = 0, destination = $dest WHERE id = $id", "$dest", "$id");
            foreach (var d in done)
            {
                var cmd = d.IsFailure ? fail : occ;
                Set(cmd, (object?)d.Destination ?? DBNull.Value, d.Id);
                cmd.ExecuteNonQuery();
            }

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
            cmd.CommandText = "SELECT 1 FROM document WHERE sha256 = $sha";
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
            // The range keeps the lookup on the unique index: every hex string starting with the prefix sorts in [prefix, prefix + 'g').
            var docs = QueryDocuments("WHERE sha256 >= $lo AND sha256 < $hi ORDER BY sha256 LIMIT 2", ("$lo", prefix), ("$hi", prefix + "g"), ct);
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
            using var cmd = Command(tx, """
                UPDATE document SET encoding = $enc, has_bom = $bom, confidence = $conf, title = $title, line_count = $lines, text_sha256 = $tsha,
                    language = $lang, newline = $nl, non_blank_line_count = $nonblank, char_count = $chars, cjk_count = $cjk, word_count = $words, outline = $outline
                WHERE sha256 = $sha
                """, "$enc", "$bom", "$conf", "$title", "$lines", "$tsha", "$lang", "$nl", "$nonblank", "$chars", "$cjk", "$words", "$outline", "$sha");
            Set(cmd, [facts.Encoding, facts.HasBom ? 1 : 0, facts.Confidence, (object?)facts.Title ?? DBNull.Value, facts.LineCount, facts.TextSha256,
                .. DetailValues(facts.Details), facts.Sha256]);
            var changed = cmd.ExecuteNonQuery();
            tx.Commit();
            return Task.FromResult(changed > 0);
        }
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
