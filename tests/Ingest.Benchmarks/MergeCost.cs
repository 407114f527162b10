using System.Diagnostics;
using System.Globalization;
using Ingest.Catalog;
using Microsoft.Data.Sqlite;

namespace Ingest.Benchmarks;

/// <summary>
/// What the benchmark's scenario d does not see: the merge of the SHA-256 index's recent tier into the settled one
/// (schema v7), which a scan runs once the recent tier outgrows 65,536 documents and an eighth of the settled ones.
/// Times the merge on a catalog of N documents, and again after an eighth more.
/// <c>dotnet run -c Release --project tests/Ingest.Benchmarks -- merge [N]</c>.
/// </summary>
internal static class MergeCost
{
    public static async Task RunAsync(int documents)
    {
        var root = Path.Combine(Path.GetTempPath(), "ingest-merge-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(root, "ingest.db");
            using var catalog = SqliteCatalog.Open(path, readOnly: false, TimeProvider.System);
            catalog.MergeMinRecent = 0;
            Insert(path, documents);
            var first = await TimeMergeAsync(catalog);
            Insert(path, (documents / 8) + 1);
            var second = await TimeMergeAsync(catalog);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"merge of {documents:N0} documents into the settled tier: {first:0.00} s"));
            Console.WriteLine(string.Create(inv, $"merge after {documents / 8 + 1:N0} more (the next one due at this size): {second:0.00} s, " +
                $"{second / ((documents / 8) + 1) * 10_000:0.000} s per 10,000 new documents"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> TimeMergeAsync(SqliteCatalog catalog)
    {
        var started = Stopwatch.GetTimestamp();
        if (!await catalog.MaintainAsync(CancellationToken.None))
        {
            throw new InvalidOperationException("The merge was not due.");
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Documents shaped as the benchmark script's big catalog: random hashes, short titles.</summary>
    private static void Insert(string path, int count)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            PRAGMA cache_size = -500000;
            BEGIN;
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count})
            INSERT INTO document (sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen)
            SELECT lower(hex(randomblob(32))), 4000, 'utf-8', 0, 1.0, '历史文档' || x, 40, lower(hex(randomblob(32))), 638000000000000000 + x
            FROM n;
            COMMIT;
            """);
        cmd.ExecuteNonQuery();
    }
}
