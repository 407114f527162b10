using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Ingest.Reading;
using Ingest.Scanning;
using Ingest.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Tests.Pipeline;

public sealed class ScanPipelineTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly SqliteCatalog _catalog;
    private readonly ScanPipeline _pipeline;

    public ScanPipelineTests()
    {
        _catalog = SqliteCatalog.Open(_temp.Combine("data", "ingest.db"), readOnly: false, _time);
        _pipeline = new ScanPipeline(_time, NullLogger<ScanPipeline>.Instance);
    }

    public void Dispose()
    {
        _catalog.Dispose();
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private IngestSource Source(Action<IngestOptions>? configure = null)
    {
        var o = new IngestOptions
        {
            DropFolder = _temp.Combine("drop"),
            ProcessedFolder = _temp.Combine("processed"),
            DuplicatesFolder = _temp.Combine("duplicates"),
            FailedFolder = _temp.Combine("failed"),
            CreateDropFolder = true,
        };
        configure?.Invoke(o);
        return IngestSource.FromOptions(o);
    }

    private Task<ScanSummary> Scan(IngestSource source) => _pipeline.RunAsync(source, _catalog, 2, CancellationToken.None);

    private DateTime Old => _time.GetUtcNow().UtcDateTime.AddMinutes(-1);

    [Fact]
    public async Task Scan_DuplicateInSubfolder_RecordsOneNewOneDuplicate()
    {
        var bytes = Texts.Utf8(Texts.Chinese);
        _temp.Write("drop/a.txt", bytes, Old);
        _temp.Write("drop/sub/a.txt", bytes, Old);

        var summary = await Scan(Source());

        Assert.Equal((1, 1, 0), (summary.New, summary.Duplicates, summary.Failed));
        var doc = Assert.Single(await _catalog.ListDocumentsAsync(null, CancellationToken.None));
        Assert.Equal(["a.txt", "sub/a.txt"], doc.Occurrences.Select(o => o.Path).Order(StringComparer.Ordinal));
        var moved = doc.Occurrences.Select(o => o.Destination!).ToList();
        Assert.All(moved, d => Assert.Equal(bytes, File.ReadAllBytes(d)));
        Assert.Contains(moved, d => d.StartsWith(_temp.Combine("processed"), StringComparison.Ordinal));
        Assert.Contains(moved, d => d.StartsWith(_temp.Combine("duplicates"), StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(_temp.Combine("drop"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Scan_ManyIdenticalFilesAtOnce_GiveExactlyOneNew()
    {
        var bytes = Texts.Utf8(Texts.English);
        for (var i = 0; i < 40; i++)
        {
            _temp.Write($"drop/copy{i}.txt", bytes, Old);
        }

        var summary = await Scan(Source());

        Assert.Equal((1, 39), (summary.New, summary.Duplicates));
        Assert.Equal(39, Directory.GetFiles(_temp.Combine("duplicates")).Length);
    }

    [Fact]
    public async Task Scan_RecentlyWrittenFile_WaitsForMinFileAge()
    {
        _temp.Write("drop/fresh.txt", Texts.Utf8(Texts.English), _time.GetUtcNow().UtcDateTime.AddSeconds(-1));

        var first = await Scan(Source());
        _time.Advance(TimeSpan.FromSeconds(2));
        var second = await Scan(Source());

        Assert.Equal((0, 1), (first.New, first.NotReady));
        Assert.Equal((1, 0), (second.New, second.NotReady));
    }

    [Fact]
    public async Task Scan_KeepMode_DoesNotIngestAnUnchangedFileTwice_ButIngestsAnEditInPlace()
    {
        var source = Source(o => o.OnSuccess = o.OnDuplicate = Disposition.Keep);
        var path = _temp.Write("drop/keep.txt", Texts.Utf8(Texts.English), Old);

        var first = await Scan(source);
        var second = await Scan(source);
        File.WriteAllBytes(path, Texts.Utf8(Texts.Chinese));
        File.SetLastWriteTimeUtc(path, Old.AddSeconds(10));
        var third = await Scan(source);

        Assert.Equal(1, first.New);
        Assert.Equal((0, 0), (second.New, second.Duplicates));
        Assert.Equal(1, third.New);
        Assert.True(File.Exists(path));
        var docs = await _catalog.ListDocumentsAsync(null, CancellationToken.None);
        Assert.Equal(2, docs.Count);
        Assert.All(docs, d => Assert.Null(Assert.Single(d.Occurrences).Destination));
    }

    [Fact]
    public async Task Scan_DeleteMode_RemovesTheFileAfterRecordingIt()
    {
        var path = _temp.Write("drop/d.txt", Texts.Utf8(Texts.English), Old);
        await Scan(Source(o => o.OnSuccess = Disposition.Delete));
        Assert.False(File.Exists(path));
        var occurrence = Assert.Single(Assert.Single(await _catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences);
        Assert.Equal(("delete", null, false), (occurrence.Disposition, occurrence.Destination, occurrence.Pending));
    }

    [Fact]
    public async Task Scan_RejectedFiles_AreRecordedWithReasonsAndMovedToFailed()
    {
        _temp.Write("drop/empty.txt", [], Old);
        _temp.Write("drop/image.bin", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00], Old);

        var summary = await Scan(Source());

        Assert.Equal(2, summary.Failed);
        var failures = await _catalog.ListFailuresAsync(CancellationToken.None);
        Assert.Equal("empty file", failures.Single(f => f.Path == "empty.txt").Reason);
        Assert.StartsWith("binary content", failures.Single(f => f.Path == "image.bin").Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.Combine("failed", "empty.txt")));
        Assert.True(File.Exists(_temp.Combine("failed", "image.bin")));
    }

    [Fact]
    public async Task Scan_FailureKeptInPlace_IsRecordedOnlyOnce()
    {
        _temp.Write("drop/empty.txt", [], Old);
        var source = Source(o => o.OnFailure = FailureDisposition.Keep);

        await Scan(source);
        var second = await Scan(source);

        Assert.Equal(0, second.Failed);
        Assert.Single(await _catalog.ListFailuresAsync(CancellationToken.None));
        Assert.True(File.Exists(_temp.Combine("drop", "empty.txt")));
    }

    [Fact]
    public async Task Scan_SymbolicLink_IsRecordedOnceAndLeftInPlace()
    {
        var target = _temp.Write("outside/t.txt", Texts.Utf8(Texts.English), Old);
        Directory.CreateDirectory(_temp.Combine("drop"));
        var link = _temp.Combine("drop", "link.txt");
        File.CreateSymbolicLink(link, target);

        await Scan(Source());
        await Scan(Source());

        var failure = Assert.Single(await _catalog.ListFailuresAsync(CancellationToken.None));
        Assert.Equal("symbolic link not followed", failure.Reason);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.True(File.Exists(target));
        Assert.Empty(await _catalog.ListDocumentsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Scan_AfterACrashBetweenCommitAndMove_FinishesTheMoveWithoutASecondOccurrence()
    {
        var bytes = Texts.Utf8(Texts.Chinese);
        var path = _temp.Write("drop/crash.txt", bytes, Old);
        var info = new FileInfo(path);
        var source = Source();
        var record = new IngestRecord(source.Name, "crash.txt", info.Length, info.LastWriteTimeUtc,
            FileAnalyzer.Analyze(new ScanCandidate(path, "crash.txt", info.Length, info.LastWriteTimeUtc, false), null, CancellationToken.None).Facts,
            null, AnalysisKind.Document);
        // Commit the record as the pipeline does, then "crash" before the move.
        await _catalog.RecordAsync([record], (_, _) => new PlannedDisposal(Disposition.Move, Path.Combine(source.ProcessedFolder, "crash.txt")), TimeSpan.FromMinutes(1), CancellationToken.None);

        var summary = await Scan(source);

        Assert.Equal((0, 0, 1), (summary.New, summary.Duplicates, summary.Reconciled));
        Assert.False(File.Exists(path));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(source.ProcessedFolder, "crash.txt")));
        var occurrence = Assert.Single(Assert.Single(await _catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences);
        Assert.False(occurrence.Pending);
    }

    [Fact]
    public async Task Scan_NameTakenInProcessed_GetsASuffixAndOverwritesNothing()
    {
        _temp.Write("processed/r.txt", [1, 2, 3]);
        _temp.Write("drop/r.txt", Texts.Utf8(Texts.English), Old);

        await Scan(Source());

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(_temp.Combine("processed", "r.txt")));
        Assert.Equal(Texts.Utf8(Texts.English), File.ReadAllBytes(_temp.Combine("processed", "r (2).txt")));
    }

    [Fact]
    public async Task DryRun_ReportsWhatWouldHappen_AndChangesNothing()
    {
        _temp.Write("drop/a.txt", Texts.Utf8(Texts.English), Old);
        _temp.Write("drop/b.txt", Texts.Utf8(Texts.English), Old);
        _temp.Write("drop/e.txt", [], Old);

        var summary = await _pipeline.DryRunAsync(Source(), null, CancellationToken.None);

        Assert.Equal((1, 1, 1), (summary.New, summary.Duplicates, summary.Failed));
        Assert.Equal(3, Directory.GetFiles(_temp.Combine("drop")).Length);
        Assert.False(Directory.Exists(_temp.Combine("processed")));
    }
}
