using Ingest.Disposal;
using Ingest.Tests.Support;

namespace Ingest.Tests.Disposal;

public sealed class FileDisposerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void PlanDestination_FreeName_KeepsTheRelativeSubPath()
    {
        var root = _temp.Combine("processed");
        Assert.Equal(Path.Combine(root, "a", "b.txt"), FileDisposer.PlanDestination(root, "a/b.txt"));
    }

    [Fact]
    public void PlanDestination_TakenNames_AddNumberedSuffixes()
    {
        var root = _temp.Combine("processed");
        _temp.Write("processed/report.txt", [1]);
        _temp.Write("processed/report (2).txt", [2]);
        Assert.Equal(Path.Combine(root, "report (3).txt"), FileDisposer.PlanDestination(root, "report.txt"));
    }

    [Fact]
    public void PlanDestination_NamesReservedInTheSameBatch_AreNotGivenTwice()
    {
        var root = _temp.Combine("dups");
        var reserved = new HashSet<string>();
        var first = FileDisposer.PlanDestination(root, "a.txt", reserved);
        var second = FileDisposer.PlanDestination(root, "a.txt", reserved);
        Assert.Equal(Path.Combine(root, "a.txt"), first);
        Assert.Equal(Path.Combine(root, "a (2).txt"), second);
    }

    [Fact]
    public void Move_DestinationTakenMeanwhile_NeverOverwritesAndPicksTheNextName()
    {
        var root = _temp.Combine("processed");
        var source = _temp.Write("drop/n.txt", [9, 9]);
        var planned = FileDisposer.PlanDestination(root, "n.txt");
        _temp.Write("processed/n.txt", [1]); // someone else took the name after planning

        var went = FileDisposer.Move(source, planned, root);

        Assert.Equal(Path.Combine(root, "n (2).txt"), went);
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(planned));
        Assert.Equal(new byte[] { 9, 9 }, File.ReadAllBytes(went));
        Assert.False(File.Exists(source));
    }

    [Fact]
    public void Move_AcrossFileSystems_CopiesVerifiesThenDeletesAndLeavesNoPartialFile()
    {
        // /dev/shm is a tmpfs on Linux: a different file system from the temp folder, so link() reports EXDEV.
        const string shm = "/dev/shm";
        if (!OperatingSystem.IsLinux() || !Directory.Exists(shm))
        {
            return;
        }

        var otherFs = Path.Combine(shm, "ingest-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(otherFs);
        try
        {
            var source = Path.Combine(otherFs, "across.txt");
            var bytes = Encode.Utf8(string.Concat(Enumerable.Repeat(Texts.Chinese, 200)));
            File.WriteAllBytes(source, bytes);
            var lastWrite = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(source, lastWrite);
            var root = _temp.Combine("processed");

            var went = FileDisposer.Move(source, FileDisposer.PlanDestination(root, "sub/across.txt"), root, new DirectorySync());

            Assert.Equal(Path.Combine(root, "sub", "across.txt"), went);
            Assert.False(File.Exists(source));
            Assert.Equal(bytes, File.ReadAllBytes(went));
            Assert.Equal(lastWrite, File.GetLastWriteTimeUtc(went));
            Assert.Empty(Directory.GetFiles(Path.Combine(root, "sub"), "*.ingest-partial", new EnumerationOptions { AttributesToSkip = 0 }));
        }
        finally
        {
            Directory.Delete(otherFs, recursive: true);
        }
    }
}
