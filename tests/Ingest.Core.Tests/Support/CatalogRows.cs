using Microsoft.Data.Sqlite;

namespace Ingest.Tests.Support;

/// <summary>Writes straight into a catalog file, past the catalog's own checks: the states only a bug or a hand edit could make.</summary>
internal static class CatalogRows
{
    /// <summary>A bare document row with this hash, in the fresh tier; with the hash already recorded, it is a second copy.</summary>
    public static void InsertBareDocument(string dbPath, string sha256)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO document (sha256, size_bytes, encoding, has_bom, confidence, line_count, text_sha256, first_seen)
            VALUES ($sha, 1, 'utf-8', 0, 1, 1, $sha, 1);
            INSERT INTO document_sha256_fresh (sha256, document_id) VALUES ($sha, last_insert_rowid());
            """;
        cmd.Parameters.AddWithValue("$sha", sha256);
        cmd.ExecuteNonQuery();
    }
}
