using Microsoft.Data.Sqlite;

namespace Ingest.Catalog;

/// <summary>Forward-only schema migrations, tracked in <c>PRAGMA user_version</c>.</summary>
internal static class SqliteSchema
{
    /// <summary>Each entry migrates from version <c>index</c> to <c>index + 1</c>. Never edit a shipped entry; append.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE document (
            id              INTEGER PRIMARY KEY,
            sha256          TEXT    NOT NULL UNIQUE,
            size_bytes      INTEGER NOT NULL,
            encoding        TEXT    NOT NULL,
            has_bom         INTEGER NOT NULL,
            confidence      REAL    NOT NULL,
            title           TEXT,
            line_count      INTEGER NOT NULL,
            text_sha256     TEXT    NOT NULL,
            first_seen      INTEGER NOT NULL
        );
        CREATE INDEX ix_document_first_seen ON document(first_seen, sha256);
        CREATE INDEX ix_document_text_sha256 ON document(text_sha256);

        CREATE TABLE occurrence (
            id              INTEGER PRIMARY KEY,
            document_id     INTEGER NOT NULL REFERENCES document(id),
            source          TEXT    NOT NULL,
            path            TEXT    NOT NULL,
            size_bytes      INTEGER NOT NULL,
            last_write      INTEGER NOT NULL,
            status          TEXT    NOT NULL CHECK (status IN ('new', 'duplicate')),
            ingested        INTEGER NOT NULL,
            disposition     TEXT    NOT NULL CHECK (disposition IN ('move', 'keep', 'delete')),
            destination     TEXT,
            pending         INTEGER NOT NULL
        );
        CREATE INDEX ix_occurrence_document ON occurrence(document_id);
        CREATE INDEX ix_occurrence_in_place ON occurrence(source, path) WHERE disposition = 'keep';
        CREATE INDEX ix_occurrence_pending ON occurrence(source) WHERE pending = 1;

        CREATE TABLE failure (
            id              INTEGER PRIMARY KEY,
            source          TEXT    NOT NULL,
            path            TEXT    NOT NULL,
            size_bytes      INTEGER NOT NULL,
            last_write      INTEGER NOT NULL,
            reason          TEXT    NOT NULL,
            kind            TEXT    NOT NULL CHECK (kind IN ('rejected', 'link', 'name', 'transient')),
            failed          INTEGER NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 1,
            next_attempt    INTEGER,
            resolved        INTEGER NOT NULL DEFAULT 0,
            disposition     TEXT    NOT NULL CHECK (disposition IN ('move', 'keep')),
            destination     TEXT,
            pending         INTEGER NOT NULL
        );
        CREATE INDEX ix_failure_failed ON failure(failed);
        CREATE INDEX ix_failure_in_place ON failure(source, path) WHERE disposition = 'keep';
        CREATE INDEX ix_failure_pending ON failure(source) WHERE pending = 1;
        CREATE UNIQUE INDEX ux_failure_transient_once ON failure(source, path, reason) WHERE kind = 'transient' AND resolved = 0;
        CREATE INDEX ix_failure_open_transient ON failure(source, path) WHERE kind = 'transient' AND resolved = 0;
        """,
        // v2 (decoding issue): text metadata. Null for documents recorded by v1 until 'ingest reanalyze' fills them.
        """
        ALTER TABLE document ADD COLUMN language TEXT;
        ALTER TABLE document ADD COLUMN newline TEXT;
        ALTER TABLE document ADD COLUMN non_blank_line_count INTEGER;
        ALTER TABLE document ADD COLUMN char_count INTEGER;
        ALTER TABLE document ADD COLUMN cjk_count INTEGER;
        ALTER TABLE document ADD COLUMN word_count INTEGER;
        ALTER TABLE document ADD COLUMN outline TEXT;
        """,
        // v3 (search issue): stored text, near-duplicate fingerprints with 4 bands of 16 bits, full-text indexes.
        """
        CREATE TABLE document_text (
            document_id     INTEGER PRIMARY KEY REFERENCES document(id),
            text            BLOB    NOT NULL,
            truncated       INTEGER NOT NULL
        );
        CREATE TABLE document_fingerprint (
            document_id     INTEGER PRIMARY KEY REFERENCES document(id),
            simhash         INTEGER NOT NULL,
            minhash         BLOB    NOT NULL,
            near_duplicate_of INTEGER REFERENCES document(id),
            near_distance   INTEGER
        );
        CREATE TABLE simhash_band (
            band            INTEGER NOT NULL,
            value           INTEGER NOT NULL,
            document_id     INTEGER NOT NULL,
            PRIMARY KEY (band, value, document_id)
        ) WITHOUT ROWID;
        CREATE TABLE search_indexed (document_id INTEGER PRIMARY KEY);
        CREATE VIRTUAL TABLE search_trigram USING fts5(body, tokenize = 'trigram case_sensitive 0', content = '');
        CREATE VIRTUAL TABLE search_cjk USING fts5(grams, tokenize = 'unicode61', content = '', detail = 'none');
        """,
        // v4 (performance issue): no query reads documents by text hash, and inserting random 64-character keys into
        // that index is what slows ingest into a catalog of a million documents. Add it back when a query needs it.
        """
        DROP INDEX IF EXISTS ix_document_text_sha256;
        """,
        // v5 (performance issue): each band row carries its document's SimHash. In a catalog of a million documents a
        // 16-bit band value is shared by about 15 documents, so the near-duplicate lookup of every new document read
        // some 60 fingerprint rows scattered over the table; now it reads four runs of adjacent band rows.
        """
        CREATE TABLE simhash_band_v5 (
            band            INTEGER NOT NULL,
            value           INTEGER NOT NULL,
            document_id     INTEGER NOT NULL,
            simhash         INTEGER NOT NULL,
            PRIMARY KEY (band, value, document_id)
        ) WITHOUT ROWID;
        INSERT INTO simhash_band_v5 (band, value, document_id, simhash)
            SELECT b.band, b.value, b.document_id, f.simhash FROM simhash_band b
            JOIN document_fingerprint f ON f.document_id = b.document_id
            ORDER BY b.band, b.value, b.document_id;
        DROP TABLE simhash_band;
        ALTER TABLE simhash_band_v5 RENAME TO simhash_band;
        """,
        // v6 (performance issue): four band rows per document at random places in a B-tree were a large part of a batch's
        // dirty pages in a catalog of a million documents. The lookup now runs in memory (SimHashIndex), loaded from this
        // append-only log of packed big-endian (document id, SimHash) pairs, 4,096 to a row: a million documents load
        // from 16 MB in some 250 rows, and a batch only extends the last row.
        """
        CREATE TABLE simhash_log (
            id              INTEGER PRIMARY KEY,
            entries         BLOB    NOT NULL
        );
        INSERT INTO simhash_log (entries)
            SELECT unhex(group_concat(printf('%016X%016X', document_id, simhash), '' ORDER BY document_id))
            FROM document_fingerprint GROUP BY document_id >> 12 ORDER BY document_id >> 12;
        DROP TABLE simhash_band;
        """,
        // v7 (performance issue): the unique index on sha256 took one random leaf per new document; in a catalog of a
        // million documents that was most of a batch's dirty pages (ingest into a million documents 1.4 s, into an empty
        // catalog 0.9 s). The hash index is now two partial unique indexes split at a document id: new documents go into
        // the small recent one, and SqliteCatalog.MaintainAsync rebuilds both, sorted, when the recent one outgrows an
        // eighth of the settled one. A lookup searches both. Dropping the column's own UNIQUE needs the table rebuilt.
        """
        CREATE TABLE document_v7 (
            id                   INTEGER PRIMARY KEY,
            sha256               TEXT    NOT NULL,
            size_bytes           INTEGER NOT NULL,
            encoding             TEXT    NOT NULL,
            has_bom              INTEGER NOT NULL,
            confidence           REAL    NOT NULL,
            title                TEXT,
            line_count           INTEGER NOT NULL,
            text_sha256          TEXT    NOT NULL,
            first_seen           INTEGER NOT NULL,
            language             TEXT,
            newline              TEXT,
            non_blank_line_count INTEGER,
            char_count           INTEGER,
            cjk_count            INTEGER,
            word_count           INTEGER,
            outline              TEXT
        );
        INSERT INTO document_v7 (id, sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen,
                                 language, newline, non_blank_line_count, char_count, cjk_count, word_count, outline)
            SELECT id, sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen,
                   language, newline, non_blank_line_count, char_count, cjk_count, word_count, outline
            FROM document ORDER BY id;
        DROP TABLE document;
        ALTER TABLE document_v7 RENAME TO document;
        CREATE INDEX ix_document_first_seen ON document(first_seen, sha256);
        CREATE UNIQUE INDEX ux_document_sha256_settled ON document(sha256) WHERE id <= {max_document_id};
        CREATE UNIQUE INDEX ux_document_sha256_recent ON document(sha256) WHERE id > {max_document_id};
        CREATE TABLE document_sha256_tier (boundary INTEGER NOT NULL);
        INSERT INTO document_sha256_tier (boundary) VALUES ({max_document_id});
        """,
        // v8 (performance issue): a Bloom filter of the settled tier's hashes beside its boundary (Sha256Filter), so that
        // a new document's look-up reads no leaf of the settled index. Built by SqliteCatalog.MaintainAsync: at each merge,
        // and once for a catalog upgraded from v7; until then (NULL) every look-up searches both tiers, as before.
        """
        ALTER TABLE document_sha256_tier ADD COLUMN settled_filter BLOB;
        """,
        // v9 (performance issue): at the end of a merge cycle the recent tier's partial index held some 110,000 hashes on
        // 750 pages, and each batch of 250 new documents rewrote about 220 of them (ingest into a million documents 1.5x
        // the time into an empty catalog). The documents above the boundary now have their hashes in two small tables: a
        // fresh one that each new document joins, folded into the recent one in hash order a few thousand at a time
        // (SqliteCatalog.HashTiers). The recent rows are copied from the old index, read in hash order. The recent tier's
        // Bloom filter (like the settled one's, v8) is built by its first fold, in a row of its own (a row is rewritten whole:
        // beside the settled filter, each fold would rewrite that one's 2 MB too); version counts the folds and merges, so
        // that a writer knows when another process changed the tier under the filter it holds.
        """
        CREATE TABLE document_sha256_recent (
            sha256          TEXT    NOT NULL PRIMARY KEY,
            document_id     INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE document_sha256_fresh (
            sha256          TEXT    NOT NULL PRIMARY KEY,
            document_id     INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO document_sha256_recent (sha256, document_id)
            SELECT sha256, id FROM document WHERE id > (SELECT boundary FROM document_sha256_tier) ORDER BY sha256;
        DROP INDEX ux_document_sha256_recent;
        CREATE TABLE document_sha256_recent_filter (
            version         INTEGER NOT NULL,
            filter          BLOB
        );
        INSERT INTO document_sha256_recent_filter (version, filter) VALUES (0, NULL);
        """,
        // v10 (performance issue): stored text gets a codec (TextCodec). Rows before it are Brotli (0); new CJK text takes
        // the static CJK Huffman code (1), several times faster than Brotli and smaller on Chinese prose.
        """
        ALTER TABLE document_text ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;
        """,
    ];

    /// <summary>Stands for the largest document id when a migration runs (0 when there is none).</summary>
    private const string MaxDocumentId = "{max_document_id}";

    public static int LatestVersion => Migrations.Length;

    public static int GetVersion(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies the missing migrations: a new catalog's all in one transaction, an existing catalog's each in its own
    /// transaction with its version bump.
    /// </summary>
    public static void Migrate(SqliteConnection connection, string path) => Migrate(connection, path, Migrations.Length);

    /// <summary>Migrates up to <paramref name="target"/> only: tests build an older catalog with it.</summary>
    internal static void Migrate(SqliteConnection connection, string path, int target)
    {
        var version = GetVersion(connection);
        EnsureNotNewer(version, path);
        if (version < target)
        {
            // A table rebuild (v7) drops a table that others reference; the caller turns enforcement back on.
            using var off = connection.CreateCommand();
            off.CommandText = "PRAGMA foreign_keys = OFF";
            off.ExecuteNonQuery();
        }

        // A new catalog is made whole or not at all, with one commit: a flushed commit per version was ~20 ms of every
        // first scan's single-threaded start (the benchmark's scenario a makes a catalog per run).
        using var creating = version == 0 && target > 0 ? connection.BeginTransaction() : null;
        for (var v = version; v < target; v++)
        {
            using var own = creating is null ? connection.BeginTransaction() : null;
            var tx = creating ?? own!;
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            var sql = Migrations[v];
            if (sql.Contains(MaxDocumentId, StringComparison.Ordinal))
            {
                cmd.CommandText = "SELECT coalesce(max(id), 0) FROM document";
                var max = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                sql = sql.Replace(MaxDocumentId, max.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            cmd.CommandText = sql + $"\nPRAGMA user_version = {v + 1};";
            cmd.ExecuteNonQuery();
            own?.Commit();
        }

        creating?.Commit();
    }

    public static void EnsureNotNewer(int version, string path)
    {
        if (version > LatestVersion)
        {
            throw new CatalogException(
                $"Catalog '{path}' has schema version {version}, newer than this program supports ({LatestVersion}). Upgrade ingest; the catalog was not changed.");
        }
    }
}
