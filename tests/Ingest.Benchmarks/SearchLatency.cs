using System.Diagnostics;
using System.Globalization;
using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Ingest.Search;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ingest.Benchmarks;

/// <summary>
/// Issue 7's figures, measured inside one process (start-up excluded): how fast CJK text is indexed, and search
/// latency (p50, p95) on a catalog of N documents. <c>dotnet run -c Release --project tests/Ingest.Benchmarks -- search [N]</c>.
/// </summary>
internal static class SearchLatency
{
    public static async Task RunAsync(int documents)
    {
        var root = Path.Combine(Path.GetTempPath(), "ingest-search-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var drop = Path.Combine(root, "drop");
            Directory.CreateDirectory(drop);
            long textBytes = 0;
            for (var i = 0; i < documents; i++)
            {
                var text = CjkText.Generate(3000 + (i % 7) * 500, seed: i) + (i % 10 == 0 ? "Riverside library annual report\n" : "");
                var path = Path.Combine(drop, $"doc{i:D6}.txt");
                await File.WriteAllTextAsync(path, text);
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1));
                textBytes += new FileInfo(path).Length;
            }

            var options = new IngestOptions
            {
                DropFolder = drop,
                ProcessedFolder = Path.Combine(root, "processed"),
                DuplicatesFolder = Path.Combine(root, "duplicates"),
                FailedFolder = Path.Combine(root, "failed"),
                OnSuccess = Disposition.Keep,
                Durability = Durability.Normal,
            };
            using var catalog = SqliteCatalog.Open(Path.Combine(root, "ingest.db"), readOnly: false, TimeProvider.System, fullSync: false);
            var off = new ScanPipeline(TimeProvider.System, NullLogger<ScanPipeline>.Instance, Options.Create(new SearchOptions { Enabled = false }));
            var started = Stopwatch.GetTimestamp();
            await off.RunAsync(IngestSource.FromOptions(options), catalog, Environment.ProcessorCount, CancellationToken.None);
            var ingest = Stopwatch.GetElapsedTime(started).TotalSeconds;

            started = Stopwatch.GetTimestamp();
            var indexed = await catalog.ReindexAsync(CancellationToken.None);
            var index = Stopwatch.GetElapsedTime(started).TotalSeconds;

            // Strings taken from one of the documents, so that the longer CJK queries do match.
            var sample = CjkText.Generate(3000, seed: 5).Replace("\n", "", StringComparison.Ordinal);
            var queries = new[] { "的", "中国", sample.Substring(100, 3), sample.Substring(200, 5), string.Concat(sample.AsSpan(300, 2), " ", sample.AsSpan(400, 2)), "library", "annual report", "Riverside 的" };
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{documents} documents, {textBytes / 1048576.0:0.0} MiB of CJK text"));
            Console.WriteLine(string.Create(inv, $"ingest without index: {ingest:0.00} s; indexing {indexed} documents: {index:0.00} s = {textBytes / 1048576.0 / index:0.0} MiB/s"));
            foreach (var q in queries)
            {
                var parsed = SearchQuery.Parse(q);
                var times = new List<double>();
                var hits = 0;
                for (var run = 0; run < 21; run++)
                {
                    var t = Stopwatch.GetTimestamp();
                    hits = (await catalog.SearchAsync(parsed, 20, CancellationToken.None)).Count;
                    times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                times.Sort();
                Console.WriteLine(string.Create(inv, $"search {q,-16} hits {hits,3}  p50 {times[times.Count / 2],7:0.0} ms  p95 {times[(int)(times.Count * 0.95)],7:0.0} ms"));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }
}
