using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Tests.Pipeline;

public sealed class ReadyCheckAndSourcesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ingest-ready-" + Guid.NewGuid().ToString("N"));

    public ReadyCheckAndSourcesTests() => Directory.CreateDirectory(Path.Combine(_root, "drop"));

    private string Drop => Path.Combine(_root, "drop");

    private IngestSource Source(ReadyCheck check) => IngestSource.FromOptions(new IngestOptions
    {
        DropFolder = Drop,
        ProcessedFolder = Path.Combine(_root, "processed"),
        DuplicatesFolder = Path.Combine(_root, "duplicates"),
        FailedFolder = Path.Combine(_root, "failed"),
        MinFileAge = 0,
        ReadyCheck = check,
    });

    private async Task<ScanSummary> ScanAsync(ScanPipeline pipeline, IngestSource source)
    {
        using var catalog = SqliteCatalog.Open(Path.Combine(_root, "ingest.db"), readOnly: false, TimeProvider.System);
        return await pipeline.RunAsync(source, catalog, 2, CancellationToken.None);
    }

    [Fact]
    public async Task Scan_ReadyCheckStable_IngestsOnlyWhenSizeAndTimeDidNotChangeSinceTheLastScan()
    {
        var pipeline = new ScanPipeline(TimeProvider.System, NullLogger<ScanPipeline>.Instance);
        var source = Source(ReadyCheck.Stable);
        var file = Path.Combine(Drop, "growing.txt");
        await File.WriteAllTextAsync(file, "part one\n");

        var first = await ScanAsync(pipeline, source);
        Assert.Equal((0, 1), (first.New, first.NotReady));

        await File.AppendAllTextAsync(file, "part two\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        var second = await ScanAsync(pipeline, source);
        Assert.Equal((0, 1), (second.New, second.NotReady));

        var third = await ScanAsync(pipeline, source);
        Assert.Equal(1, third.New);
        Assert.True(File.Exists(Path.Combine(_root, "processed", "growing.txt")));
    }

    [Fact]
    public async Task Scan_ReadyCheckMarker_WaitsForTheMarkerNeverIngestsItAndRemovesIt()
    {
        var pipeline = new ScanPipeline(TimeProvider.System, NullLogger<ScanPipeline>.Instance);
        var source = Source(ReadyCheck.Marker);
        await File.WriteAllTextAsync(Path.Combine(Drop, "report.txt"), "the report\n");

        var before = await ScanAsync(pipeline, source);
        Assert.Equal((0, 1), (before.New, before.NotReady));

        await File.WriteAllTextAsync(Path.Combine(Drop, "report.txt.done"), string.Empty);
        var after = await ScanAsync(pipeline, source);
        Assert.Equal((1, 0, 0), (after.New, after.Failed, after.NotReady));
        Assert.False(File.Exists(Path.Combine(Drop, "report.txt.done")));
        Assert.True(File.Exists(Path.Combine(_root, "processed", "report.txt")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "failed")));
    }

    [Fact]
    public async Task Scan_InstanceLockFile_IsNeverIngestedEvenWhenHiddenFilesAreIncluded()
    {
        var pipeline = new ScanPipeline(TimeProvider.System, NullLogger<ScanPipeline>.Instance);
        var source = Source(ReadyCheck.Age) with { Exclude = [] };
        await File.WriteAllTextAsync(Path.Combine(Drop, ScanPipeline.LockFileName), "pid 1 on host\n");

        var summary = await ScanAsync(pipeline, source);
        Assert.Equal((0, 0), (summary.New, summary.Failed));
        Assert.True(File.Exists(Path.Combine(Drop, ScanPipeline.LockFileName)));
    }

    [Fact]
    public void Sources_UnsetValues_AreInheritedFromTheIngestSection()
    {
        var options = new IngestOptions
        {
            DropFolder = "/srv/top",
            ProcessedFolder = "/srv/processed",
            MinFileAge = 7,
            OnDuplicate = Disposition.Delete,
            Schedule = "0 * * * * ?",
            Exclude = ["**/*.bak"],
            Sources =
            [
                new IngestSourceOptions { Name = "a", DropFolder = "/srv/a" },
                new IngestSourceOptions { Name = "b", DropFolder = "/srv/b", MinFileAge = 0, Schedule = "0/10 * * * * ?", OnDuplicate = Disposition.Keep, ReadyCheck = ReadyCheck.Marker },
            ],
        };

        var sources = IngestSource.AllFromOptions(options);

        Assert.Equal(["a", "b"], sources.Select(s => s.Name));
        Assert.DoesNotContain(sources, s => s.DropFolder == Path.GetFullPath("/srv/top"));
        var a = sources[0];
        Assert.Equal((Path.GetFullPath("/srv/processed"), TimeSpan.FromSeconds(7), Disposition.Delete, "0 * * * * ?"), (a.ProcessedFolder, a.MinFileAge, a.OnDuplicate, a.Schedule));
        Assert.Equal(["**/*.bak"], a.Exclude);
        Assert.Equal("Ingest:Sources:0", a.ConfigKey);
        var b = sources[1];
        Assert.Equal((TimeSpan.Zero, Disposition.Keep, "0/10 * * * * ?", ReadyCheck.Marker), (b.MinFileAge, b.OnDuplicate, b.Schedule, b.ReadyCheck));
    }

    [Fact]
    public void Sources_NotConfigured_GiveOneSourceNamedDefault()
    {
        var sources = IngestSource.AllFromOptions(new IngestOptions { DropFolder = "/srv/drop" });
        Assert.Equal(IngestSource.DefaultName, Assert.Single(sources).Name);
    }

    [Fact]
    public void Sources_DuplicateNameMissingOrSharedDropFolder_AreRefusedNamingTheKey()
    {
        var options = new IngestOptions
        {
            Sources =
            [
                new IngestSourceOptions { Name = "a", DropFolder = "/srv/a" },
                new IngestSourceOptions { Name = "A", DropFolder = "/srv/b" },
                new IngestSourceOptions { Name = "c" },
                new IngestSourceOptions { Name = "d", DropFolder = "/srv/a" },
                new IngestSourceOptions { Name = "e", DropFolder = "/srv/e", ProcessedFolder = "/srv/e/out" },
            ],
        };

        var result = new IngestOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("Ingest:Sources:1:Name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Ingest:Sources:2:DropFolder must be set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Ingest:Sources:3:DropFolder", StringComparison.Ordinal) && f.Contains("Ingest:Sources:0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Ingest:Sources:4:ProcessedFolder", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
