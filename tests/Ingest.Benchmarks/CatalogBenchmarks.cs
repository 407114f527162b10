using BenchmarkDotNet.Attributes;
using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Reading;

namespace Ingest.Benchmarks;

/// <summary>
/// Catalog writes: one <see cref="SqliteCatalog.RecordAsync"/> transaction of 256 new documents (document + occurrence each)
/// into a temp SQLite file, then their disposals completed, as the scan's writer does per batch. The catalog grows across iterations.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class CatalogBenchmarks
{
    private const int BatchSize = 256;
    private string _folder = "";
    private SqliteCatalog? _catalog;
    private readonly Queue<List<IngestRecord>> _batches = new();
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "ingest-bench-" + Guid.NewGuid().ToString("N"));
        _catalog = SqliteCatalog.Open(Path.Combine(_folder, "catalog.db"), readOnly: false, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _catalog?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The records (unique hashes) are made outside the measurement.</summary>
    [IterationSetup]
    public void MakeBatches()
    {
        _batches.Clear();
        for (var b = 0; b < 16; b++)
        {
            var batch = new List<IngestRecord>(BatchSize);
            for (var i = 0; i < BatchSize; i++)
            {
                var n = _next++;
                var sha = n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
                var facts = new DocumentFacts(sha, 4096, "utf-8", false, 1.0, "标题" + n, 40, "f" + sha[1..]);
                batch.Add(new IngestRecord("default", $"d{n / 1000:D3}/f{n:D6}.txt", 4096, DateTime.UtcNow, facts, null, AnalysisKind.Document));
            }

            _batches.Enqueue(batch);
        }
    }

    [Benchmark]
    public int RecordBatchOf256()
    {
        var batch = _batches.Dequeue();
        var recorded = _catalog!.RecordAsync(batch, (r, _) => new PlannedDisposal(Disposition.Move, "/srv/processed/" + r.Path), TimeSpan.Zero, CancellationToken.None)
            .GetAwaiter().GetResult();
        var done = new List<DisposalDone>(recorded.Count);
        foreach (var item in recorded)
        {
            done.Add(new DisposalDone(item.Id, item.IsFailure, item.Disposal.Destination));
        }

        _catalog.CompleteDisposalsAsync(done, CancellationToken.None).GetAwaiter().GetResult();
        return recorded.Count;
    }
}
