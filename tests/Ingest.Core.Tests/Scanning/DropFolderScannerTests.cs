using Ingest.Configuration;
using Ingest.Scanning;
using Ingest.Tests.Support;

namespace Ingest.Tests.Scanning;

public sealed class DropFolderScannerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private List<ScanCandidate> Scan(IngestOptions? options = null)
    {
        options ??= new IngestOptions();
        options.DropFolder = _temp.Combine("drop");
        options.ProcessedFolder = _temp.Combine("processed");
        options.DuplicatesFolder = _temp.Combine("duplicates");
        options.FailedFolder = _temp.Combine("failed");
        return new DropFolderScanner(IngestSource.FromOptions(options)).Enumerate(CancellationToken.None).ToList();
    }

    [Fact]
    public void Enumerate_DefaultExcludes_SkipHiddenAndTemporaryNamesAtAnyDepth()
    {
        foreach (var name in new[]
                 {
                     "a.txt", "sub/deep/b.txt", "名字 有空格.txt", ".hidden.txt", "sub/.x", ".git/config", "sub/.cache/c.txt",
                     "d.tmp", "sub/e.part", "f.crdownload", "~$g.docx", "sub/~$h.txt",
                 })
        {
            _temp.Write("drop/" + name, [0x41]);
        }

        var found = Scan().Select(c => c.RelativePath).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "a.txt", "sub/deep/b.txt", "名字 有空格.txt" }.Order(StringComparer.Ordinal), found);
    }

    [Fact]
    public void Enumerate_ConfiguredLists_ReplaceTheDefaultsInsteadOfMerging()
    {
        _temp.Write("drop/a.txt", [0x41]);
        _temp.Write("drop/b.md", [0x41]);
        _temp.Write("drop/.hidden.md", [0x41]);
        var found = Scan(new IngestOptions { Include = ["**/*.md"], Exclude = ["**/b.*"] }).Select(c => c.RelativePath).ToArray();
        Assert.Equal([".hidden.md"], found); // the default exclude of hidden names no longer applies
    }

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(64 + 128 + 256 + 3)] // past the chunks that grow from 64 towards 4,096
    public void Enumerate_FilesAcrossChunkBoundaries_ListsEachMatchExactlyOnce(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _temp.Write($"drop/{i % 3}/doc{i:D4}.{(i % 2 == 0 ? "txt" : "md")}", [0x41]);
        }

        // A glob with a folder part takes the general matcher, a chunk at a time; the default globs the simple one.
        foreach (var options in new[] { new IngestOptions { Include = ["*/doc*.txt"] }, new IngestOptions() })
        {
            var expected = Enumerable.Range(0, count)
                .Where(i => options.Include is null || i % 2 == 0)
                .Select(i => $"{i % 3}/doc{i:D4}.{(i % 2 == 0 ? "txt" : "md")}")
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, Scan(options).Select(c => c.RelativePath).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Enumerate_RelativePaths_UseForwardSlashes()
    {
        _temp.Write("drop/x/y/z.txt", [0x41]);
        Assert.Equal("x/y/z.txt", Assert.Single(Scan()).RelativePath);
    }

    [Fact]
    public void Enumerate_SymbolicLinks_AreReportedButNeverFollowed()
    {
        var outside = _temp.Write("outside/secret.txt", [0x41]);
        Directory.CreateDirectory(_temp.Combine("drop"));
        File.CreateSymbolicLink(_temp.Combine("drop", "link.txt"), outside);
        Directory.CreateSymbolicLink(_temp.Combine("drop", "linkdir"), _temp.Combine("outside"));

        var found = Scan().ToDictionary(c => c.RelativePath);
        Assert.True(found["link.txt"].IsSymbolicLink);
        Assert.True(found["linkdir"].IsSymbolicLink);
        Assert.DoesNotContain("linkdir/secret.txt", found.Keys);
    }

    [Fact]
    public void Enumerate_MissingDropFolder_ThrowsNamingTheFolder()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => Scan());
        Assert.Contains(_temp.Combine("drop"), ex.Message, StringComparison.Ordinal);
    }
}
