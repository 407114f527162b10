using System.Buffers.Binary;
using System.Text;
using Ingest.Search;
using Microsoft.Data.Sqlite;

namespace Ingest.Catalog;

/// <summary>Stored text, near-duplicate fingerprints and the full-text indexes of the SQLite catalog.</summary>
internal sealed partial class SqliteCatalog
{
    private const int SnippetBefore = 30;
    private const int SnippetAfter = 70;
    private int _nearDuplicateDistance = 3;
    private SimHashIndex _simHashes = null!; // set by Open: shared, or this catalog's own

    /// <summary>Adds documents' text to both full-text indexes, in one transaction, after their records committed.</summary>
    public Task IndexAsync(IReadOnlyList<(long DocumentId, byte[] TextUtf8)> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            using var trigram = Command(tx, "INSERT INTO search_trigram (rowid, body) VALUES ($id, $body)", "$id", "$body");
            using var cjk = Command(tx, "INSERT INTO search_cjk (rowid, grams) VALUES ($id, $grams)", "$id", "$grams");
            using var done = Command(tx, "INSERT OR IGNORE INTO search_indexed (document_id) VALUES ($id)", "$id");
            using var already = Command(tx, "SELECT 1 FROM search_indexed WHERE document_id = $id", "$id");
            foreach (var (id, utf8) in documents)
            {
                ct.ThrowIfCancellationRequested();
                Set(already, id);
                if (already.ExecuteScalar() is not null)
                {
                    continue; // a contentless index cannot tell a second insert of the same rowid from the first
                }

                var text = Encoding.UTF8.GetString(utf8);
                Set(trigram, id, CjkGrams.TrigramBody(text));
                trigram.ExecuteNonQuery();
                var grams = CjkGrams.Build(text);
                if (grams.Length > 0)
                {
                    Set(cjk, id, grams);
                    cjk.ExecuteNonQuery();
                }

                Set(done, id);
                done.ExecuteNonQuery();
            }

            tx.Commit();
        }

        return Task.CompletedTask;
    }

    /// <summary>Indexes stored text that is not indexed yet (after a crash, or recorded while search was off). Returns how many.</summary>
    public async Task<int> IndexBacklogAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            List<(long, byte[])> batch;
            lock (_gate)
            {
                using var cmd = _connection.CreateCommand();
                cmd.CommandText = """
                    SELECT t.document_id, t.codec, t.text FROM document_text t
                    WHERE NOT EXISTS (SELECT 1 FROM search_indexed s WHERE s.document_id = t.document_id)
                    ORDER BY t.document_id LIMIT 256
                    """;
                using var r = cmd.ExecuteReader();
                batch = [];
                while (r.Read())
                {
                    batch.Add((r.GetInt64(0), TextCompression.Decompress(new StoredText((TextCodec)r.GetInt64(1), (byte[])r.GetValue(2)))));
                }
            }

            if (batch.Count == 0)
            {
                return total;
            }

            await IndexAsync(batch, ct);
            total += batch.Count;
        }
    }

    /// <summary>Rebuilds both full-text indexes from the stored text.</summary>
    public async Task<int> ReindexAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO search_trigram (search_trigram) VALUES ('delete-all');
                INSERT INTO search_cjk (search_cjk) VALUES ('delete-all');
                DELETE FROM search_indexed;
                """;
            cmd.ExecuteNonQuery();
            tx.Commit();
        }

        return await IndexBacklogAsync(ct);
    }

    public Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, int limit, CancellationToken ct)
    {
        lock (_gate)
        {
            var trigram = query.TrigramPhrases.ToList();
            var cjk = query.CjkGramTerms.ToList();

            // Every part must match (AND). One index ranks (trigrams when the query has them: Latin runs are the more
            // selective); the other only filters by rowid, which is cheap to list. Without an indexed part every
            // document is a candidate. The stored text then decides, so the answer is exact.
            List<(long Id, double Rank)> ranked;
            if (trigram.Count > 0)
            {
                ranked = Ranked("search_trigram", SearchQuery.FtsAnd(trigram));
                if (cjk.Count > 0)
                {
                    var allowed = RowIds("search_cjk", SearchQuery.FtsAnd(cjk));
                    ranked = ranked.Where(c => allowed.Contains(c.Id)).ToList();
                }
            }
            else if (cjk.Count > 0)
            {
                ranked = Ranked("search_cjk", SearchQuery.FtsAnd(cjk));
            }
            else
            {
                ranked = RowIds("search_indexed", null).Order().Select(id => (id, 0.0)).ToList();
            }

            using var fetch = _connection.CreateCommand();
            fetch.CommandText = "SELECT d.sha256, d.title, t.codec, t.text FROM document d JOIN document_text t ON t.document_id = d.id WHERE d.id = $id";
            var idParameter = fetch.Parameters.Add("$id", SqliteType.Integer);
            fetch.Prepare();
            var hits = new List<SearchHit>();
            foreach (var (id, rank) in ranked)
            {
                if (hits.Count >= limit)
                {
                    break;
                }

                ct.ThrowIfCancellationRequested();
                idParameter.Value = id;
                using var r = fetch.ExecuteReader();
                if (!r.Read())
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(TextCompression.Decompress(new StoredText((TextCodec)r.GetInt64(2), (byte[])r.GetValue(3))));
                if (query.Terms.Any(term => !text.Contains(term, StringComparison.OrdinalIgnoreCase)))
                {
                    continue; // bigrams of a longer CJK term, runs shorter than 3, phrases: the text decides
                }

                hits.Add(new SearchHit(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), Snippet(text, query.Terms), 0.0 - rank));
            }

            return Task.FromResult<IReadOnlyList<SearchHit>>(hits);
        }
    }

    private List<(long Id, double Rank)> Ranked(string table, string match)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"SELECT rowid, bm25({table}) AS r FROM {table} WHERE {table} MATCH $m ORDER BY r, rowid";
        cmd.Parameters.AddWithValue("$m", match);
        using var r = cmd.ExecuteReader();
        var list = new List<(long, double)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetDouble(1)));
        }

        return list;
    }

    private HashSet<long> RowIds(string table, string? match)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = match is null ? $"SELECT document_id FROM {table}" : $"SELECT rowid FROM {table} WHERE {table} MATCH $m";
        if (match is not null)
        {
            cmd.Parameters.AddWithValue("$m", match);
        }

        using var r = cmd.ExecuteReader();
        var set = new HashSet<long>();
        while (r.Read())
        {
            set.Add(r.GetInt64(0));
        }

        return set;
    }

    /// <summary>A window around the first match, with every match in it wrapped in [ ].</summary>
    internal static string Snippet(string text, IReadOnlyList<string> terms)
    {
        var first = terms.Select(t => text.IndexOf(t, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, first - SnippetBefore);
        var end = Math.Min(text.Length, first + SnippetAfter);
        if (start > 0 && char.IsLowSurrogate(text[start]))
        {
            start--;
        }

        if (end < text.Length && char.IsLowSurrogate(text[end]))
        {
            end++;
        }

        var window = text[start..end];
        var sb = new StringBuilder(window.Length + 16);
        if (start > 0)
        {
            sb.Append('…');
        }

        var i = 0;
        while (i < window.Length)
        {
            var match = terms.Where(t => t.Length > 0 && i + t.Length <= window.Length && window.AsSpan(i, t.Length).Equals(t, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(t => t.Length).FirstOrDefault();
            if (match is not null)
            {
                sb.Append('[').Append(window, i, match.Length).Append(']');
                i += match.Length;
            }
            else
            {
                var c = window[i++];
                sb.Append(c is '\n' or '\r' or '\t' ? ' ' : c);
            }
        }

        if (end < text.Length)
        {
            sb.Append('…');
        }

        return sb.ToString();
    }

    public Task<IReadOnlyList<SimilarDocument>> FindSimilarAsync(string sha256, CancellationToken ct)
    {
        lock (_gate)
        {
            using var self = _connection.CreateCommand();
            self.CommandText = $"SELECT f.document_id, f.simhash, f.minhash FROM document_fingerprint f WHERE f.document_id IN ({DocumentIdsBySha("sha256 = $sha")})";
            self.Parameters.AddWithValue("$sha", sha256);
            using var r = self.ExecuteReader();
            if (!r.Read())
            {
                return Task.FromResult<IReadOnlyList<SimilarDocument>>([]);
            }

            var (id, simhash, minhash) = (r.GetInt64(0), (ulong)r.GetInt64(1), Fingerprint.MinHashFromBytes((byte[])r.GetValue(2)));
            r.Close();
            CatchUpSimHashes(null);

            using var candidate = _connection.CreateCommand();
            candidate.CommandText = "SELECT f.minhash, d.sha256, d.title FROM document_fingerprint f JOIN document d ON d.id = f.document_id WHERE f.document_id = $id";
            var idParameter = candidate.Parameters.Add("$id", SqliteType.Integer);
            var list = new List<SimilarDocument>();
            foreach (var (otherId, _, distance) in _simHashes.Within(simhash, _nearDuplicateDistance, exclude: id))
            {
                idParameter.Value = otherId;
                using var o = candidate.ExecuteReader();
                if (o.Read())
                {
                    list.Add(new SimilarDocument(o.GetString(1), o.IsDBNull(2) ? null : o.GetString(2), distance,
                        Math.Round(Fingerprint.Similarity(minhash, Fingerprint.MinHashFromBytes((byte[])o.GetValue(0))), 3)));
                }
            }

            return Task.FromResult<IReadOnlyList<SimilarDocument>>(
                list.OrderBy(s => s.Distance).ThenByDescending(s => s.Similarity).ThenBy(s => s.Sha256, StringComparer.Ordinal).ToList());
        }
    }

    public Task<NearDuplicate?> GetNearDuplicateAsync(string sha256, CancellationToken ct)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = $"""
                SELECT o.sha256, f.near_distance FROM document_fingerprint f
                JOIN document o ON o.id = f.near_duplicate_of
                WHERE f.document_id IN ({DocumentIdsBySha("sha256 = $sha")})
                """;
            cmd.Parameters.AddWithValue("$sha", sha256);
            using var r = cmd.ExecuteReader();
            return Task.FromResult(r.Read() ? new NearDuplicate(r.GetString(0), r.GetInt32(1)) : null);
        }
    }

    /// <summary>The SimHash log from row <c>?1</c> on: that row again, as it may have been extended since.</summary>
    private const string SimHashLogFromSql = "SELECT id, entries FROM simhash_log WHERE id >= ?1 ORDER BY id";

    /// <summary>
    /// Brings the in-memory SimHash index up to date with the catalog: the first time every recorded SimHash, then
    /// those recorded since (by this process or another one). Call under <see cref="_gate"/>; inside a write
    /// transaction (which holds the write lock) what it reads is exactly what precedes this transaction's documents.
    /// </summary>
    private void CatchUpSimHashes(RawStatement? prepared)
    {
        var own = prepared is null ? new RawStatement(_connection, SimHashLogFromSql) : null;
        try
        {
            if (_simHashes.MaxDocumentId > 0 && !HoldsNewestSimHash())
            {
                _simHashes.Clear(); // another catalog file now: its documents are not the ones indexed
            }

            if (!_simHashes.IsLoaded && (_simHashes.Count > 0 || !TryLoadSimHashSnapshot()))
            {
                // length() of a blob reads its row header, not its pages.
                _simHashes.Reserve(SimHashLogEntries(long.MaxValue));
            }

            var query = (prepared ?? own!).Start().Bind(1, _simHashes.LastLogRow);
            while (query.Step())
            {
                _simHashes.AddEntries(query.Blob(1));
                _simHashes.SeenLogRow(query.Int64(0));
            }

            query.Start();
            _simHashes.MarkLoaded();
        }
        finally
        {
            own?.Dispose();
        }
    }

    private bool HoldsNewestSimHash() => HoldsSimHash(_simHashes.MaxDocumentId, _simHashes.NewestSimHash);

    private bool HoldsSimHash(long documentId, ulong simHash)
    {
        // A raw statement: it may run inside the record transaction, which commands would have to be told about.
        using var check = new RawStatement(_connection, "SELECT simhash FROM document_fingerprint WHERE document_id = ?1");
        return check.Start().Bind(1, documentId).Step() && (ulong)check.Int64(0) == simHash;
    }

    /// <summary>The near-duplicate index's snapshot: beside the catalog, as SQLite's -wal and -shm files are.</summary>
    internal string SimHashSnapshotPath => Path + "-simhash";

    /// <summary>
    /// The index is saved for the next process once it holds this many documents: below that, loading it from the log
    /// takes a few milliseconds. Lowered by tests.
    /// </summary>
    internal int SimHashSnapshotMin { get; set; } = 1 << 16;

    /// <summary>Entries in the SimHash log rows before row <paramref name="beforeRow"/>; length() reads no blob pages.</summary>
    private long SimHashLogEntries(long beforeRow)
    {
        using var size = new RawStatement(_connection, "SELECT coalesce(sum(length(entries)), 0) FROM simhash_log WHERE id < ?1");
        return size.Start().Bind(1, beforeRow).Step() ? size.Int64(0) / SimHashIndex.EntrySize : 0;
    }

    /// <summary>Starts the empty index from the snapshot file when it describes this catalog's log; false otherwise.</summary>
    private bool TryLoadSimHashSnapshot()
    {
        var snapshot = SimHashIndex.OpenSnapshot(SimHashSnapshotPath);
        if (snapshot is null)
        {
            return false;
        }

        if (!SnapshotMatches(snapshot))
        {
            snapshot.Dispose();
            return false; // another catalog's, or this one's before a restore: loaded from the log, and saved again
        }

        return _simHashes.TryLoad(snapshot);
    }

    /// <summary>
    /// Whether <paramref name="snapshot"/> holds this catalog's SimHash log up to its newest document: as many entries as
    /// the log has up to it, the same first entry and first entry of the row it resumes from, and the same newest SimHash.
    /// </summary>
    private bool SnapshotMatches(SimHashIndex.Snapshot snapshot)
    {
        if (!HoldsSimHash(snapshot.MaxDocumentId, snapshot.NewestSimHash))
        {
            return false;
        }

        // The snapshot's last row may be before the one holding its newest document (it is where a catch-up resumes).
        var slot = SimHashLogEntries(snapshot.LastLogRow);
        using var rows = new RawStatement(_connection, "SELECT entries FROM simhash_log WHERE id >= ?1 ORDER BY id");
        rows.Start().Bind(1, snapshot.LastLogRow);
        for (var first = true; slot < snapshot.Count && rows.Step(); first = false)
        {
            var entries = rows.Blob(0);
            if (first && !SameEntry(entries, snapshot, slot))
            {
                return false;
            }

            for (var at = 0; at + SimHashIndex.EntrySize <= entries.Length && BinaryPrimitives.ReadInt64BigEndian(entries[at..]) <= snapshot.MaxDocumentId; at += SimHashIndex.EntrySize)
            {
                slot++;
            }
        }

        rows.Start();
        if (slot != snapshot.Count)
        {
            return false;
        }

        using var firstRow = new RawStatement(_connection, "SELECT entries FROM simhash_log ORDER BY id LIMIT 1");
        return firstRow.Step() && SameEntry(firstRow.Blob(0), snapshot, 0);

        static bool SameEntry(ReadOnlySpan<byte> entries, SimHashIndex.Snapshot snapshot, long slot) =>
            slot < snapshot.Count && entries.Length >= SimHashIndex.EntrySize &&
            BinaryPrimitives.ReadInt64BigEndian(entries) == snapshot.Ids[(int)slot] &&
            BinaryPrimitives.ReadUInt64BigEndian(entries[8..]) == snapshot.Hashes[(int)slot];
    }

    /// <summary>
    /// Upkeep: saves the near-duplicate index for the next process when it changed since the last snapshot. A large
    /// catalog with no snapshot (an older version's, or restored) has its index loaded here, by a scan that found
    /// nothing new, rather than by the first scan that does. Call under <see cref="_gate"/>.
    /// </summary>
    private bool SaveSimHashSnapshotIfDue()
    {
        if (!_simHashes.IsLoaded && (File.Exists(SimHashSnapshotPath) || SimHashLogEntries(long.MaxValue) < SimHashSnapshotMin))
        {
            return false;
        }

        try
        {
            if (!_simHashes.IsLoaded)
            {
                CatchUpSimHashes(null);
            }

            return _simHashes.SaveSnapshotIfDue(SimHashSnapshotPath, SimHashSnapshotMin);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new CatalogException($"Catalog '{Path}': saving the near-duplicate index to '{SimHashSnapshotPath}' failed ({ex.Message.TrimEnd('.')}); the next process loads it from the catalog instead.", ex);
        }
    }

    /// <summary>Writes stored text and fingerprints inside the record transaction, flagging near-duplicates.</summary>
    /// <remarks>
    /// The batch's own SimHashes join the in-memory index only once the transaction commits (<see cref="Committed"/>):
    /// a rolled-back document must never be named as another's near-duplicate. Until then they are searched here.
    /// </remarks>
    private sealed class SearchWriter(SqliteCatalog catalog, SqliteCatalog.WriteStatements s)
    {
        private readonly List<(long Id, ulong SimHash)> _batch = [];
        private bool _caughtUp;
        private long _logRow;

        public void Add(long documentId, SearchPayload payload)
        {
            s.InsertText.Start().Bind(1, documentId).Bind(2, payload.CompressedText.Bytes).Bind(3, payload.Truncated ? 1L : 0L)
                .Bind(4, (long)payload.CompressedText.Codec).Execute();

            if (!_caughtUp)
            {
                catalog.CatchUpSimHashes(s.SimHashLogFrom);
                _caughtUp = true;
            }

            var simhash = payload.Fingerprint.SimHash;
            var limit = catalog._nearDuplicateDistance;

            // The nearest candidate, the oldest among equals (a loop: this runs for every new document).
            (long Id, int Distance)? nearest = null;
            foreach (var (id, _, distance) in catalog._simHashes.Within(simhash, limit, exclude: documentId))
            {
                Consider(ref nearest, id, distance);
            }

            foreach (var (id, other) in _batch)
            {
                if (Fingerprint.Distance(simhash, other) is var distance && distance <= limit)
                {
                    Consider(ref nearest, id, distance);
                }
            }

            var fingerprint = s.InsertFingerprint.Start().Bind(1, documentId).Bind(2, (long)simhash).Bind(3, payload.Fingerprint.MinHashStored);
            if (nearest is { } n)
            {
                fingerprint.Bind(4, n.Id).Bind(5, (long)n.Distance);
            }
            else
            {
                fingerprint.BindNull(4).BindNull(5);
            }

            fingerprint.Execute();
            _batch.Add((documentId, simhash));
        }

        /// <summary>Before the commit: the batch's SimHashes join the log, extending its last row while it has room.</summary>
        public void WriteLog()
        {
            if (_batch.Count == 0)
            {
                return;
            }

            var entries = new byte[_batch.Count * SimHashIndex.EntrySize];
            for (var i = 0; i < _batch.Count; i++)
            {
                SimHashIndex.WriteEntry(entries.AsSpan(i * SimHashIndex.EntrySize), _batch[i].Id, _batch[i].SimHash);
            }

            var last = s.LastSimHashLogRow.Start();
            var extend = last.Step() && last.Int64(1) + entries.Length <= SimHashIndex.EntriesPerRow * SimHashIndex.EntrySize;
            _logRow = extend ? last.Int64(0) : 0;
            last.Start();
            if (extend)
            {
                s.ExtendSimHashLog.Start().Bind(1, _logRow).Bind(2, entries).Execute();
            }
            else
            {
                var append = s.AppendSimHashLog.Start().Bind(1, entries);
                append.Step();
                _logRow = append.Int64(0);
                append.Start();
            }
        }

        /// <summary>After the commit: the batch's documents are recorded, and now candidates for later ones.</summary>
        public void Committed()
        {
            foreach (var (id, simhash) in _batch)
            {
                catalog._simHashes.Add(id, simhash);
            }

            // The catch-up inside this transaction read every row before this one: the next starts from here.
            catalog._simHashes.SeenLogRow(_logRow);
        }

        private static void Consider(ref (long Id, int Distance)? nearest, long id, int distance)
        {
            if (nearest is not { } best || distance < best.Distance || (distance == best.Distance && id < best.Id))
            {
                nearest = (id, distance);
            }
        }
    }
}
