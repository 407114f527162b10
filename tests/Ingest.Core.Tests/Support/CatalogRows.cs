using Microsoft.Data.Sqlite;

namespace Ingest.Tests.Support;

/// <summary>Writes straight into a catalog file, past the catalog's own checks: the states only a bug or a hand edit could make.</summary>
internal static class CatalogRows
{
    /// <summary>A bare document row with this hash; with the hash already settled, it lands in the recent tier as a second copy.</summary>
    public static void InsertBareDocument(string dbPath, string sha256)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO document (sha256, size_bytes, encoding, has_bom, confidence, line_count, text_sha256, first_seen)
            VALUES ($sha, 1, 'utf-8', 0, 1, 1, $sha, 1)
            """;
        cmd.Parameters.AddWithValue("$sha", sha256);
        cmd.ExecuteNonQuery();
    }
}
