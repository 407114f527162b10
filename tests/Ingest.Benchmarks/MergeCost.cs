using System.Diagnostics;
using System.Globalization;
using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Reading;
using Microsoft.Data.Sqlite;

namespace Ingest.Benchmarks;

/// <summary>
/// What the benchmark's scenario d does not see: the merge of the SHA-256 index's small tiers into the settled one
/// (schema v7, v9), which a scan runs once they outgrow 65,536 documents and an eighth of the settled ones, and the fold
/// of the fresh tier into the recent one (v9), which the record path runs every 8,192 new documents.
/// Times the merge on a catalog of N documents; a fold into a full recent tier; the merge again.
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
            var recent = (documents / 8) + 1 - (3 * (int)SqliteCatalog.DefaultFoldMinFresh);
            Insert(path, recent);
            var (fold, plain) = await TimeFoldAsync(catalog, path);
            var second = await TimeMergeAsync(catalog);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"merge of {documents:N0} documents into the settled tier: {first:0.00} s"));
            Console.WriteLine(string.Create(inv,
                $"a one-document batch that folds {SqliteCatalog.DefaultFoldMinFresh + 1:N0} fresh hashes into {recent:N0}-{recent + (2 * SqliteCatalog.DefaultFoldMinFresh):N0} recent ones: {fold * 1000:0.0} ms (without a fold {plain * 1000:0.0} ms)"));
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

    /// <summary>
    /// Fills the fresh tier to its limit through the record path, then times a one-document batch that folds it and one that
    /// does not (the median of three each).
    /// </summary>
    private static async Task<(double Fold, double Plain)> TimeFoldAsync(SqliteCatalog catalog, string path)
    {
        var next = 0;
        IngestRecord Doc() => new("bench", $"f{next}.txt", 4000, DateTime.UnixEpoch,
            new DocumentFacts(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(next++))),
                4000, "utf-8", false, 1.0, "t", 40, new string('0', 64)), null, AnalysisKind.Document);
        async Task<double> RecordAsync(long count)
        {
            var batch = Enumerable.Range(0, (int)count).Select(_ => Doc()).ToList();
            var started = Stopwatch.GetTimestamp();
            await catalog.RecordAsync(batch, (_, _) => new PlannedDisposal(Disposition.Keep, null), TimeSpan.FromMinutes(1), CancellationToken.None);
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        var folds = new List<double>();
        var plains = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            // Up to the limit, one more without a fold (the limit reached), one more with it (past the limit).
            await RecordAsync(SqliteCatalog.DefaultFoldMinFresh - 1 - Scalar(path, "SELECT count(*) FROM document_sha256_fresh"));
            plains.Add(await RecordAsync(1));
            folds.Add(await RecordAsync(1));
            if (Scalar(path, "SELECT count(*) FROM document_sha256_fresh") != 0)
            {
                throw new InvalidOperationException("The fresh tier was not folded.");
            }
        }

        return (folds.Order().ElementAt(1), plains.Order().ElementAt(1));
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Documents shaped as the benchmark script's big catalog: random hashes, short titles; above the boundary, in the recent tier.</summary>
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
            INSERT INTO document_sha256_recent (sha256, document_id)
            SELECT sha256, id FROM document WHERE id > (SELECT boundary FROM document_sha256_tier) ORDER BY id;
            COMMIT;
            """);
        cmd.ExecuteNonQuery();
    }
}
