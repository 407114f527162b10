using System.Diagnostics;
using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Ingest.Reading;
using Ingest.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Tests.Pipeline;

/// <summary>One test per fault the reliability promise names: files that move, locks, blocked destinations, odd names.</summary>
public sealed class ScanPipelineFaultTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly SqliteCatalog _catalog;
    private readonly ScanPipeline _pipeline;

    public ScanPipelineFaultTests()
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

    private IngestSource Source(double retryAfter = 60) => IngestSource.FromOptions(new IngestOptions
    {
        DropFolder = _temp.Combine("drop"),
        ProcessedFolder = _temp.Combine("processed"),
        DuplicatesFolder = _temp.Combine("duplicates"),
        FailedFolder = _temp.Combine("failed"),
        RetryFailedAfter = retryAfter,
    });

    private Task<ScanSummary> Scan(IngestSource? source = null) => _pipeline.RunAsync(source ?? Source(), _catalog, 2, CancellationToken.None);

    private DateTime Old => _time.GetUtcNow().UtcDateTime.AddMinutes(-1);

    [Fact]
    public async Task Scan_FileHeldOpenExclusively_IsRecordedOnceLeftInPlaceAndRetriedWithBackoff()
    {
        // .NET emulates Windows sharing on Unix with flock: an exclusive holder makes our shared open fail,
        // like a sharing violation. (As root, chmod cannot make a file unreadable; see the e2e permission test.)
        var path = _temp.Write("drop/locked.txt", Texts.Utf8(Texts.English), Old);
        var source = Source(retryAfter: 30);
        FailureView failure;
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var first = await Scan(source);
            var second = await Scan(source); // within the back-off: not even tried
            _time.Advance(TimeSpan.FromSeconds(31));
            var third = await Scan(source); // tried again, still locked: same record, second attempt

            Assert.Equal((1, 0), (first.Failed, first.BackedOff));
            Assert.Equal((0, 1), (second.Failed, second.BackedOff));
            Assert.Equal(1, third.Failed);
            failure = Assert.Single(await _catalog.ListFailuresAsync(CancellationToken.None));
            Assert.Equal(("transient", 2L, false), (failure.Kind, failure.Attempts, failure.Resolved));
            Assert.StartsWith("cannot be read", failure.Reason, StringComparison.Ordinal);
            Assert.True(File.Exists(path));
        }

        _time.Advance(TimeSpan.FromMinutes(5));
        var fourth = await Scan(source);

        Assert.Equal(1, fourth.New);
        Assert.True(Assert.Single(await _catalog.ListFailuresAsync(CancellationToken.None)).Resolved);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Scan_FileReplacedWhileBeingRead_IsSkippedThisPassAndIngestedNext()
    {
        var path = _temp.Write("drop/replaced.txt", Texts.Utf8(Texts.English), Old);
        FileAnalyzer.AfterReadForTests.Value = c =>
        {
            if (c.FullPath == path)
            {
                File.WriteAllBytes(path, Texts.Utf8(Texts.Chinese));
                File.SetLastWriteTimeUtc(path, Old.AddSeconds(5));
            }
        };
        var first = await Scan();
        FileAnalyzer.AfterReadForTests.Value = null;
        var second = await Scan();

        Assert.Equal((0, 1), (first.New, first.Skipped));
        Assert.Equal(1, second.New);
        var doc = Assert.Single(await _catalog.ListDocumentsAsync(null, CancellationToken.None));
        Assert.Equal(Texts.Sha256Hex(Texts.Utf8(Texts.Chinese)), doc.Sha256);
    }

    [Fact]
    public async Task Scan_DestinationBlocked_KeepsTheFileInPlaceWithAPendingRecordAndFinishesLater()
    {
        // Stands in for a full disk or a permission denied on processed/: the sub-folder cannot be created.
        _temp.Write("processed/sub", [1]);
        var path = _temp.Write("drop/sub/a.txt", Texts.Utf8(Texts.English), Old);

        var first = await Scan();
        var second = await Scan();

        Assert.Equal((1, 1), (first.New, first.DisposalErrors));
        Assert.Equal((0, 0, 1), (second.New, second.Duplicates, second.DisposalErrors));
        Assert.True(File.Exists(path));
        Assert.True(Assert.Single(Assert.Single(await _catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences).Pending);

        File.Delete(_temp.Combine("processed", "sub"));
        var third = await Scan();

        Assert.Equal((0, 0, 1), (third.New, third.Duplicates, third.Reconciled));
        Assert.False(File.Exists(path));
        var occurrence = Assert.Single(Assert.Single(await _catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences);
        Assert.False(occurrence.Pending);
        Assert.Equal(_temp.Combine("processed", "sub", "a.txt"), occurrence.Destination);
    }

    [Fact]
    public async Task Scan_SymbolicLinkInsideProcessed_IsNeverMovedThrough()
    {
        Directory.CreateDirectory(_temp.Combine("elsewhere"));
        Directory.CreateDirectory(_temp.Combine("processed"));
        Directory.CreateSymbolicLink(_temp.Combine("processed", "sub"), _temp.Combine("elsewhere"));
        var path = _temp.Write("drop/sub/a.txt", Texts.Utf8(Texts.English), Old);

        var summary = await Scan();

        Assert.Equal(1, summary.DisposalErrors);
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_temp.Combine("elsewhere")));
    }

    [Fact]
    public async Task Scan_InterruptedLinkMove_FinishesByRemovingTheDropCopyWithoutASecondOccurrence()
    {
        // A crash between link() and unlink(): both names exist with the same bytes, and the record is pending.
        var bytes = Texts.Utf8(Texts.Chinese);
        var path = _temp.Write("drop/half.txt", bytes, Old);
        var info = new FileInfo(path);
        var source = Source();
        var facts = FileAnalyzer.Analyze(new Ingest.Scanning.ScanCandidate(path, "half.txt", info.Length, info.LastWriteTimeUtc, false), null, CancellationToken.None).Facts;
        var planned = Path.Combine(source.ProcessedFolder, "half.txt");
        await _catalog.RecordAsync([new IngestRecord(source.Name, "half.txt", info.Length, info.LastWriteTimeUtc, facts, null, AnalysisKind.Document)],
            (_, _) => new PlannedDisposal(Disposition.Move, planned), TimeSpan.FromMinutes(1), CancellationToken.None);
        Directory.CreateDirectory(source.ProcessedFolder);
        File.Copy(path, planned);

        var summary = await Scan(source);

        Assert.Equal((0, 0, 1), (summary.New, summary.Duplicates, summary.Reconciled));
        Assert.False(File.Exists(path));
        Assert.Single(Directory.GetFiles(source.ProcessedFolder));
        Assert.Equal(bytes, File.ReadAllBytes(planned));
    }

    [Fact]
    public async Task Scan_NameNotValidUtf8_IsRecordedOnceWithTheRawNameEscapedAndLeftInPlace()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // raw byte names are a Linux concern; Windows names are UTF-16
        }

        Directory.CreateDirectory(_temp.Combine("drop"));
        // "测试" in GBK, as unpacked from a Windows zip; .NET cannot create such a name, so the shell does.
        using (var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "printf 'x' > \"$(printf '\\262\\342\\312\\324.txt')\" && touch -d '1 hour ago' *.txt"])
               { WorkingDirectory = _temp.Combine("drop") })!)
        {
            await p.WaitForExitAsync();
            Assert.Equal(0, p.ExitCode);
        }

        await Scan();
        var second = await Scan();

        var failure = Assert.Single(await _catalog.ListFailuresAsync(CancellationToken.None));
        Assert.Equal("\\xb2\\xe2\\xca\\xd4.txt", failure.Path);
        Assert.Contains("invalid file name", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(0, second.Failed);
        Assert.Single(Directory.GetFiles(_temp.Combine("drop")));
    }
}
