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
                    SELECT t.document_id, t.text FROM document_text t
                    WHERE NOT EXISTS (SELECT 1 FROM search_indexed s WHERE s.document_id = t.document_id)
                    ORDER BY t.document_id LIMIT 256
                    """;
                using var r = cmd.ExecuteReader();
                batch = [];
                while (r.Read())
                {
                    batch.Add((r.GetInt64(0), TextCompression.Decompress((byte[])r.GetValue(1))));
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
            fetch.CommandText = "SELECT d.sha256, d.title, t.text FROM document d JOIN document_text t ON t.document_id = d.id WHERE d.id = $id";
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

                var text = Encoding.UTF8.GetString(TextCompression.Decompress((byte[])r.GetValue(2)));
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
            self.CommandText = "SELECT f.document_id, f.simhash, f.minhash FROM document d JOIN document_fingerprint f ON f.document_id = d.id WHERE d.sha256 = $sha";
            self.Parameters.AddWithValue("$sha", sha256);
            using var r = self.ExecuteReader();
            if (!r.Read())
            {
                return Task.FromResult<IReadOnlyList<SimilarDocument>>([]);
            }

            var (id, simhash, minhash) = (r.GetInt64(0), (ulong)r.GetInt64(1), Fingerprint.MinHashFromBytes((byte[])r.GetValue(2)));

            // One query for the band candidates with what the answer shows, instead of a lookup per candidate.
            using var candidates = _connection.CreateCommand();
            candidates.CommandText = $"""
                SELECT c.simhash, f.minhash, d.sha256, d.title FROM ({BandCandidatesSql}) c
                JOIN document_fingerprint f ON f.document_id = c.document_id
                JOIN document d ON d.id = c.document_id
                WHERE c.document_id <> $self
                """;
            for (var band = 0; band < 4; band++)
            {
                candidates.Parameters.AddWithValue($"$b{band}", Fingerprint.Band(simhash, band));
            }

            candidates.Parameters.AddWithValue("$self", id);
            var list = new List<SimilarDocument>();
            using var o = candidates.ExecuteReader();
            while (o.Read())
            {
                var distance = Fingerprint.Distance(simhash, (ulong)o.GetInt64(0));
                if (distance <= _nearDuplicateDistance)
                {
                    list.Add(new SimilarDocument(o.GetString(2), o.IsDBNull(3) ? null : o.GetString(3), distance,
                        Math.Round(Fingerprint.Similarity(minhash, Fingerprint.MinHashFromBytes((byte[])o.GetValue(1))), 3)));
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
            cmd.CommandText = """
                SELECT o.sha256, f.near_distance FROM document d
                JOIN document_fingerprint f ON f.document_id = d.id
                JOIN document o ON o.id = f.near_duplicate_of
                WHERE d.sha256 = $sha
                """;
            cmd.Parameters.AddWithValue("$sha", sha256);
            using var r = cmd.ExecuteReader();
            return Task.FromResult(r.Read() ? new NearDuplicate(r.GetString(0), r.GetInt32(1)) : null);
        }
    }

    /// <summary>Documents within the near-duplicate distance: by pigeonhole, a distance of 3 or less leaves one of the four 16-bit bands equal.</summary>
    private const string BandCandidatesSql = """
        SELECT DISTINCT document_id, simhash FROM simhash_band
        WHERE (band = 0 AND value = $b0) OR (band = 1 AND value = $b1) OR (band = 2 AND value = $b2) OR (band = 3 AND value = $b3)
        """;

    /// <summary>Runs the prepared band query: by pigeonhole, a distance of 3 or less leaves one of the four 16-bit bands equal.</summary>
    private List<(long Id, ulong SimHash, int Distance)> BandCandidates(RawStatement query, ulong simhash, long exclude)
    {
        query.Start();
        for (var band = 0; band < 4; band++)
        {
            query.Bind(band + 1, Fingerprint.Band(simhash, band));
        }

        var found = new List<(long, ulong, int)>();
        while (query.Step())
        {
            var id = query.Int64(0);
            var other = (ulong)query.Int64(1);
            var distance = Fingerprint.Distance(simhash, other);
            if (id != exclude && distance <= _nearDuplicateDistance)
            {
                found.Add((id, other, distance));
            }
        }

        query.Start();
        return found;
    }

    /// <summary>Writes stored text and fingerprints inside the record transaction, flagging near-duplicates.</summary>
    private readonly struct SearchWriter(SqliteCatalog catalog, SqliteCatalog.WriteStatements s)
    {
        public void Add(long documentId, SearchPayload payload)
        {
            s.InsertText.Start().Bind(1, documentId).Bind(2, payload.CompressedText).Bind(3, payload.Truncated ? 1L : 0L).Execute();

            var simhash = payload.Fingerprint.SimHash;
            // The nearest candidate, the oldest among equals (a loop: this runs for every new document).
            (long Id, ulong SimHash, int Distance)? nearest = null;
            foreach (var c in catalog.BandCandidates(s.BandCandidates, simhash, documentId))
            {
                if (nearest is not { } best || c.Distance < best.Distance || (c.Distance == best.Distance && c.Id < best.Id))
                {
                    nearest = c;
                }
            }

            var fingerprint = s.InsertFingerprint.Start().Bind(1, documentId).Bind(2, (long)simhash).Bind(3, payload.Fingerprint.MinHashBytes());
            if (nearest is { } n)
            {
                fingerprint.Bind(4, n.Id).Bind(5, (long)n.Distance);
            }
            else
            {
                fingerprint.BindNull(4).BindNull(5);
            }

            fingerprint.Execute();
            var bands = s.InsertBands.Start();
            for (var band = 0; band < 4; band++)
            {
                bands.Bind(band + 1, Fingerprint.Band(simhash, band));
            }

            bands.Bind(5, documentId).Bind(6, (long)simhash).Execute();
        }
    }
}
