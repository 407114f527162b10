using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Tests.Support;

/// <summary>A real SQLite catalog and a scan pipeline over a temp drop folder, with a clock the test moves.</summary>
public abstract class PipelineHarness : IDisposable
{
    internal PipelineHarness()
    {
        Temp = new TempFolder();
        Time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Catalog = SqliteCatalog.Open(Temp.Combine("data", "ingest.db"), readOnly: false, Time);
        Pipeline = new ScanPipeline(Time, NullLogger<ScanPipeline>.Instance);
    }

    internal TempFolder Temp { get; }
    internal FakeTimeProvider Time { get; }
    internal SqliteCatalog Catalog { get; }
    internal ScanPipeline Pipeline { get; }

    /// <summary>A last-write time old enough for the default MinFileAge.</summary>
    internal DateTime Old => Time.GetUtcNow().UtcDateTime.AddMinutes(-1);

    internal IngestSource Source(Action<IngestOptions>? configure = null)
    {
        var o = new IngestOptions
        {
            DropFolder = Temp.Combine("drop"),
            ProcessedFolder = Temp.Combine("processed"),
            DuplicatesFolder = Temp.Combine("duplicates"),
            FailedFolder = Temp.Combine("failed"),
            CreateDropFolder = true,
        };
        configure?.Invoke(o);
        return IngestSource.FromOptions(o);
    }

    internal Task<ScanSummary> Scan(IngestSource? source = null) => Pipeline.RunAsync(source ?? Source(), Catalog, 2, CancellationToken.None);

    public void Dispose()
    {
        Catalog.Dispose();
        SqliteConnection.ClearAllPools();
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
