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
public sealed class ScanPipelineFaultTests : PipelineHarness
{
    private IngestSource RetryingSource(double retryAfter) => Source(o => o.RetryFailedAfter = retryAfter);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Scan_FileHeldOpenExclusively_IsRecordedOnceLeftInPlaceAndRetriedWithBackoff(bool beneath)
    {
        DropFolderHandle.ManagedOpenForTests.Value = !beneath; // an async test: the switch ends with it
        // .NET emulates Windows sharing on Unix with flock: an exclusive holder makes our shared open fail,
        // like a sharing violation. (As root, chmod cannot make a file unreadable; see the e2e permission test.)
        var path = Temp.Write("drop/locked.txt", Encode.Utf8(Texts.English), Old);
        var source = RetryingSource(30);
        FailureView failure;
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var first = await Scan(source);
            var second = await Scan(source); // within the back-off: not even tried
            Time.Advance(TimeSpan.FromSeconds(31));
            var third = await Scan(source); // tried again, still locked: same record, second attempt

            Assert.Equal((1, 0), (first.Failed, first.BackedOff));
            Assert.Equal((0, 1), (second.Failed, second.BackedOff));
            Assert.Equal(1, third.Failed);
            failure = Assert.Single(await Catalog.ListFailuresAsync(CancellationToken.None));
            Assert.Equal(("transient", 2L, false), (failure.Kind, failure.Attempts, failure.Resolved));
            Assert.StartsWith("cannot be read", failure.Reason, StringComparison.Ordinal);
            Assert.True(File.Exists(path));
        }

        Time.Advance(TimeSpan.FromMinutes(5));
        var fourth = await Scan(source);

        Assert.Equal(1, fourth.New);
        Assert.True(Assert.Single(await Catalog.ListFailuresAsync(CancellationToken.None)).Resolved);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Scan_FileReplacedWhileBeingRead_IsSkippedThisPassAndIngestedNext(bool beneath)
    {
        DropFolderHandle.ManagedOpenForTests.Value = !beneath;
        var path = Temp.Write("drop/replaced.txt", Encode.Utf8(Texts.English), Old);
        FileAnalyzer.AfterReadForTests.Value = c =>
        {
            if (c.FullPath == path)
            {
                File.WriteAllBytes(path, Encode.Utf8(Texts.Chinese));
                File.SetLastWriteTimeUtc(path, Old.AddSeconds(5));
            }
        };
        var first = await Scan();
        FileAnalyzer.AfterReadForTests.Value = null;
        var second = await Scan();

        Assert.Equal((0, 1), (first.New, first.Skipped));
        Assert.Equal(1, second.New);
        var doc = Assert.Single(await Catalog.ListDocumentsAsync(null, CancellationToken.None));
        Assert.Equal(Encode.Sha256Hex(Encode.Utf8(Texts.Chinese)), doc.Sha256);
    }

    [Fact]
    public async Task Scan_DestinationBlocked_KeepsTheFileInPlaceWithAPendingRecordAndFinishesLater()
    {
        // Stands in for a full disk or a permission denied on processed/: the sub-folder cannot be created.
        Temp.Write("processed/sub", [1]);
        var path = Temp.Write("drop/sub/a.txt", Encode.Utf8(Texts.English), Old);

        var first = await Scan();
        var second = await Scan();

        Assert.Equal((1, 1), (first.New, first.DisposalErrors));
        Assert.Equal((0, 0, 1), (second.New, second.Duplicates, second.DisposalErrors));
        Assert.True(File.Exists(path));
        Assert.True(Assert.Single(Assert.Single(await Catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences).Pending);

        File.Delete(Temp.Combine("processed", "sub"));
        var third = await Scan();

        Assert.Equal((0, 0, 1), (third.New, third.Duplicates, third.Reconciled));
        Assert.False(File.Exists(path));
        var occurrence = Assert.Single(Assert.Single(await Catalog.ListDocumentsAsync(null, CancellationToken.None)).Occurrences);
        Assert.False(occurrence.Pending);
        Assert.Equal(Temp.Combine("processed", "sub", "a.txt"), occurrence.Destination);
    }

    [Fact]
    public async Task Scan_SymbolicLinkInsideProcessed_IsNeverMovedThrough()
    {
        Directory.CreateDirectory(Temp.Combine("elsewhere"));
        Directory.CreateDirectory(Temp.Combine("processed"));
        Directory.CreateSymbolicLink(Temp.Combine("processed", "sub"), Temp.Combine("elsewhere"));
        var path = Temp.Write("drop/sub/a.txt", Encode.Utf8(Texts.English), Old);

        var summary = await Scan();

        Assert.Equal(1, summary.DisposalErrors);
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Temp.Combine("elsewhere")));
    }

    [Fact]
    public async Task Scan_InterruptedLinkMove_FinishesByRemovingTheDropCopyWithoutASecondOccurrence()
    {
        // A crash between link() and unlink(): both names exist with the same bytes, and the record is pending.
        var bytes = Encode.Utf8(Texts.Chinese);
        var path = Temp.Write("drop/half.txt", bytes, Old);
        var info = new FileInfo(path);
        var source = Source();
        var facts = FileAnalyzer.Analyze(new Ingest.Scanning.ScanCandidate(path, "half.txt", info.Length, info.LastWriteTimeUtc, false), null, CancellationToken.None).Facts;
        var planned = Path.Combine(source.ProcessedFolder, "half.txt");
        await Catalog.RecordAsync([new IngestRecord(source.Name, "half.txt", info.Length, info.LastWriteTimeUtc, facts, null, AnalysisKind.Document)],
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

        Directory.CreateDirectory(Temp.Combine("drop"));
        // "测试" in GBK, as unpacked from a Windows zip; .NET cannot create such a name, so the shell does.
        using (var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "printf 'x' > \"$(printf '\\262\\342\\312\\324.txt')\" && touch -d '1 hour ago' *.txt"])
               { WorkingDirectory = Temp.Combine("drop") })!)
        {
            await p.WaitForExitAsync();
            Assert.Equal(0, p.ExitCode);
        }

        await Scan();
        var second = await Scan();

        var failure = Assert.Single(await Catalog.ListFailuresAsync(CancellationToken.None));
        Assert.Equal("\\xb2\\xe2\\xca\\xd4.txt", failure.Path);
        Assert.Contains("invalid file name", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(0, second.Failed);
        Assert.Single(Directory.GetFiles(Temp.Combine("drop")));
    }

    [Fact]
    public async Task Scan_CatalogFailsMidScan_FailsWithoutHangingAndMovesNothingUnrecorded()
    {
        // More files than the channel between readers and the writer holds, so readers would block on a dead writer.
        for (var i = 0; i < 700; i++)
        {
            Temp.Write($"drop/f{i}.txt", Encode.Utf8($"{Texts.English}{i}\n"), Old);
        }

        var broken = 0;
        FileAnalyzer.AfterReadForTests.Value = _ =>
        {
            if (Interlocked.Exchange(ref broken, 1) == 0)
            {
                Catalog.Dispose(); // the catalog becomes unusable: every later write throws
            }
        };
        try
        {
            var scan = Scan();
            var finished = await Task.WhenAny(scan, Task.Delay(TimeSpan.FromMinutes(1)));
            Assert.Same(scan, finished);
            await Assert.ThrowsAnyAsync<Exception>(() => scan);
        }
        finally
        {
            FileAnalyzer.AfterReadForTests.Value = null;
        }

        Assert.Equal(700, Directory.GetFiles(Temp.Combine("drop")).Length);
        Assert.False(Directory.Exists(Temp.Combine("processed")) && Directory.EnumerateFiles(Temp.Combine("processed")).Any());
    }

    [Fact]
    public async Task Scan_CatalogUpkeepFailsAfterward_StillReportsAndKeepsWhatItRecorded()
    {
        Catalog.MergeMinRecent = 0;
        Temp.Write("drop/a.txt", Encode.Utf8(Texts.English), Old);
        await Scan(); // merges: a.txt is in the settled tier
        var settled = (await Catalog.ListDocumentsAsync(null, CancellationToken.None)).Single().Sha256;
        CatalogRows.InsertBareDocument(Catalog.Path, settled); // a copy of the settled hash in the fresh tier: the next merge fails

        Temp.Write("drop/b.txt", Encode.Utf8(Texts.Chinese), Old);
        var summary = await Scan();

        Assert.Equal(1, summary.New);
        Assert.True(File.Exists(Temp.Combine("processed", "b.txt")));
        Assert.False(File.Exists(Temp.Combine("drop", "b.txt")));
    }
}
