using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Ingest.Reading;
using Ingest.Scanning;
using Ingest.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Tests.Pipeline;

public sealed class ScanPipelineTests : PipelineHarness
{
    [Fact]
    public async Task Scan_DuplicateInSubfolder_RecordsOneNewOneDuplicate()
    {
        var bytes = Encode.Utf8(Texts.Chinese);
        Temp.Write("drop/a.txt", bytes, Old);
        Temp.Write("drop/sub/a.txt", bytes, Old);

        var summary = await Scan(Source());

        Assert.Equal((1, 1, 0), (summary.New, summary.Duplicates, summary.Failed));
        var doc = Assert.Single(await Catalog.ListDocumentsAsync(null, CancellationToken.None));
        Assert.Equal(["a.txt", "sub/a.txt"], doc.Occurrences.Select(o => o.Path).Order(StringComparer.Ordinal));
        var moved = doc.Occurrences.Select(o => o.Destination!).ToList();
        Assert.All(moved, d => Assert.Equal(bytes, File.ReadAllBytes(d)));
        Assert.Contains(moved, d => d.StartsWith(Temp.Combine("processed"), StringComparison.Ordinal));
        Assert.Contains(moved, d => d.StartsWith(Temp.Combine("duplicates"), StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(Temp.Combine("drop"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Scan_ManyIdenticalFilesAtOnce_GiveExactlyOneNew()
    {
        var bytes = Encode.Utf8(Texts.English);
        for (var i = 0; i < 40; i++)
        {
            Temp.Write($"drop/copy{i}.txt", bytes, Old);
        }

        var summary = await Scan(Source());

        Assert.Equal((1, 39), (summary.New, summary.Duplicates));
        Assert.Equal(39, Directory.GetFiles(Temp.Combine("duplicates")).Length);
    }

    [Fact]
    public async Task Scan_RecentlyWrittenFile_WaitsForMinFileAge()
    {
        Temp.Write("drop/fresh.txt", Encode.Utf8(Texts.English), Time.GetUtcNow().UtcDateTime.AddSeconds(-1));

        var first = await Scan(Source());
        Time.Advance(TimeSpan.FromSeconds(2));
        var second = await Scan(Source());

        Assert.Equal((0, 1), (first.New, first.NotReady));
        Assert.Equal((1, 0), (second.New, second.NotReady));
    }

    [Fact]
    public async Task Scan_KeepMode_DoesNotIngestAnUnchangedFileTwice_ButIngestsAnEditInPlace()
    {
        var source = Source(o => o.OnSuccess = o.OnDuplicate = Disposition.Keep);
        var path = Temp.Write("drop/keep.txt", Encode.Utf8(Texts.English), Old);

        var first = await Scan(source);
        var second = await Scan(source);
        File.WriteAllBytes(path, Encode.Utf8(Texts.Chinese));
        File.SetLastWriteTimeUtc(path, Old.AddSeconds(10));
        var third = await Scan(source);

        Assert.Equal(1, first.New);
        Assert.Equal((0, 0), (second.New, second.Duplicates));
        Assert.Equal(1, third.New);
        Assert.True(File.Exists(path));
        var docs = await Catalog.ListDocumentsAsync(null, CancellationToken.None);
        Assert.Equal(2, docs.Count);
        Assert.All(docs, d => Assert.Null(Assert.Single(d.Occurrences).Destination));
    }

    [Fact]
    public async Task Scan_DeleteMode_RemovesTheFileAfterRecordingIt()
    {
        var path = Temp.Write("drop/d.txt", Encode.Utf8(Texts.English), Old);
        await Scan(Source(o => o.OnSuccess = Disposition.Delete));
        Assert.False(File.Exists(path));
        var occurrence = Assert.Single(Assert.Single(await Catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences);
        Assert.Equal(("delete", null, false), (occurrence.Disposition, occurrence.Destination, occurrence.Pending));
    }

    [Fact]
    public async Task Scan_RejectedFiles_AreRecordedWithReasonsAndMovedToFailed()
    {
        Temp.Write("drop/empty.txt", [], Old);
        Temp.Write("drop/image.bin", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00], Old);

        var summary = await Scan(Source());

        Assert.Equal(2, summary.Failed);
        var failures = await Catalog.ListFailuresAsync(CancellationToken.None);
        Assert.Equal("empty file", failures.Single(f => f.Path == "empty.txt").Reason);
        Assert.StartsWith("binary content", failures.Single(f => f.Path == "image.bin").Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(Temp.Combine("failed", "empty.txt")));
        Assert.True(File.Exists(Temp.Combine("failed", "image.bin")));
    }

    [Fact]
    public async Task Scan_FailureKeptInPlace_IsRecordedOnlyOnce()
    {
        Temp.Write("drop/empty.txt", [], Old);
        var source = Source(o => o.OnFailure = FailureDisposition.Keep);

        await Scan(source);
        var second = await Scan(source);

        Assert.Equal(0, second.Failed);
        Assert.Single(await Catalog.ListFailuresAsync(CancellationToken.None));
        Assert.True(File.Exists(Temp.Combine("drop", "empty.txt")));
    }

    [Fact]
    public async Task Scan_SymbolicLink_IsRecordedOnceAndLeftInPlace()
    {
        var target = Temp.Write("outside/t.txt", Encode.Utf8(Texts.English), Old);
        Directory.CreateDirectory(Temp.Combine("drop"));
        var link = Temp.Combine("drop", "link.txt");
        File.CreateSymbolicLink(link, target);

        await Scan(Source());
        await Scan(Source());

        var failure = Assert.Single(await Catalog.ListFailuresAsync(CancellationToken.None));
        Assert.Equal("symbolic link not followed", failure.Reason);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.True(File.Exists(target));
        Assert.Empty(await Catalog.ListDocumentsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Scan_AfterACrashBetweenCommitAndMove_FinishesTheMoveWithoutASecondOccurrence()
    {
        var bytes = Encode.Utf8(Texts.Chinese);
        var path = Temp.Write("drop/crash.txt", bytes, Old);
        var info = new FileInfo(path);
        var source = Source();
        var record = new IngestRecord(source.Name, "crash.txt", info.Length, info.LastWriteTimeUtc,
            FileAnalyzer.Analyze(new ScanCandidate(path, "crash.txt", info.Length, info.LastWriteTimeUtc, false), null, CancellationToken.None).Facts,
            null, AnalysisKind.Document);
        // Commit the record as the pipeline does, then "crash" before the move.
        await Catalog.RecordAsync([record], (_, _) => new PlannedDisposal(Disposition.Move, Path.Combine(source.ProcessedFolder, "crash.txt")), TimeSpan.FromMinutes(1), CancellationToken.None);

        var summary = await Scan(source);

        Assert.Equal((0, 0, 1), (summary.New, summary.Duplicates, summary.Reconciled));
        Assert.False(File.Exists(path));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(source.ProcessedFolder, "crash.txt")));
        var occurrence = Assert.Single(Assert.Single(await Catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences);
        Assert.False(occurrence.Pending);
    }

    [Fact]
    public async Task Scan_MoreFilesThanOneBatch_LeavesNothingPendingAndRecordsWhereEachFileWent()
    {
        // Over two batches of 256 in a few sub-folders: each batch's disposals are marked done by the next batch's
        // commit, and the last batch's on their own.
        Temp.Write("processed/s1/f1.txt", [7]); // a taken name in a folder many files of the scan go to
        for (var i = 0; i < 600; i++)
        {
            Temp.Write($"drop/s{i % 3}/f{i}.txt", Encode.Utf8($"{Texts.Chinese}{i}\n"), Old);
        }

        var summary = await Scan();

        Assert.Equal((600, 0, 0), (summary.New, summary.DisposalErrors, summary.Failed));
        Assert.Empty(await Catalog.GetPendingDisposalsAsync(Source().Name, CancellationToken.None));
        var occurrences = (await Catalog.ListDocumentsAsync(null, CancellationToken.None)).SelectMany(d => d.Occurrences).ToList();
        Assert.Equal(600, occurrences.Count);
        Assert.All(occurrences, o => Assert.True(File.Exists(o.Destination), o.Path));
        Assert.Equal(600, occurrences.Select(o => o.Destination).Distinct().Count());
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(Temp.Combine("processed", "s1", "f1.txt")));
        Assert.Equal(Encode.Utf8($"{Texts.Chinese}1\n"), File.ReadAllBytes(Temp.Combine("processed", "s1", "f1 (2).txt")));
        Assert.Empty(Directory.GetFiles(Temp.Combine("drop"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Scan_WriterFasterThanTheReaders_StillCommitsFullBatches()
    {
        // With timers that never fire, a batch commits only when full or when every reader is done: whatever the
        // relative speed of readers and writer, 600 files give batches of 256, 256 and 88.
        for (var i = 0; i < 600; i++)
        {
            Temp.Write($"drop/f{i}.txt", Encode.Utf8($"{Texts.English}{i}\n"), Old);
        }

        var pipeline = new ScanPipeline(new FrozenTimers(Time), NullLogger<ScanPipeline>.Instance);
        var committed = new List<int>();
        await pipeline.RunAsync(Source(), Catalog, 2, CancellationToken.None, new Recorder(s => committed.Add(s.New)));

        Assert.Equal([0, 256, 512, 600], committed.Distinct());
    }

    private sealed class Recorder(Action<ScanSummary> report) : IProgress<ScanSummary>
    {
        public void Report(ScanSummary value) => report(value);
    }

    /// <summary>The test clock, with timers that never fire.</summary>
    private sealed class FrozenTimers(TimeProvider clock) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

        private sealed class NeverTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Scan_AfterACrashBetweenMoveAndItsBookkeeping_MarksTheMoveDoneWithoutASecondOccurrence()
    {
        // The moves of a batch are marked done by the next batch's commit: a crash before it leaves them pending.
        var bytes = Encode.Utf8(Texts.Chinese);
        var path = Temp.Write("drop/moved.txt", bytes, Old);
        var info = new FileInfo(path);
        var source = Source();
        var planned = Path.Combine(source.ProcessedFolder, "moved.txt");
        var record = new IngestRecord(source.Name, "moved.txt", info.Length, info.LastWriteTimeUtc,
            FileAnalyzer.Analyze(new ScanCandidate(path, "moved.txt", info.Length, info.LastWriteTimeUtc, false), null, CancellationToken.None).Facts,
            null, AnalysisKind.Document);
        await Catalog.RecordAsync([record], (_, _) => new PlannedDisposal(Disposition.Move, planned), TimeSpan.FromMinutes(1), CancellationToken.None);
        Directory.CreateDirectory(source.ProcessedFolder);
        File.Move(path, planned);

        var summary = await Scan(source);

        Assert.Equal((0, 0, 1), (summary.New, summary.Duplicates, summary.Reconciled));
        Assert.Equal(bytes, File.ReadAllBytes(planned));
        var occurrence = Assert.Single(Assert.Single(await Catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences);
        Assert.Equal((planned, false), (occurrence.Destination, occurrence.Pending));
    }

    [Fact]
    public async Task Scan_NameTakenInProcessed_GetsASuffixAndOverwritesNothing()
    {
        Temp.Write("processed/r.txt", [1, 2, 3]);
        Temp.Write("drop/r.txt", Encode.Utf8(Texts.English), Old);

        await Scan(Source());

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Temp.Combine("processed", "r.txt")));
        Assert.Equal(Encode.Utf8(Texts.English), File.ReadAllBytes(Temp.Combine("processed", "r (2).txt")));
    }

    [Fact]
    public async Task DryRun_ReportsWhatWouldHappen_AndChangesNothing()
    {
        Temp.Write("drop/a.txt", Encode.Utf8(Texts.English), Old);
        Temp.Write("drop/b.txt", Encode.Utf8(Texts.English), Old);
        Temp.Write("drop/e.txt", [], Old);

        var summary = await Pipeline.DryRunAsync(Source(), null, CancellationToken.None);

        Assert.Equal((1, 1, 1), (summary.New, summary.Duplicates, summary.Failed));
        Assert.Equal(3, Directory.GetFiles(Temp.Combine("drop")).Length);
        Assert.False(Directory.Exists(Temp.Combine("processed")));
    }
}
