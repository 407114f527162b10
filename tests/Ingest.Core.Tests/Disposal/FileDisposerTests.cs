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
    public void PlanDestination_FolderNewInThisScan_GivesNaturalNamesAndStillNeverTheSameNameTwice()
    {
        var root = _temp.Combine("processed");
        var reserved = new HashSet<string>();
        var newFolders = new NewFolders();

        Assert.Equal(Path.Combine(root, "d", "a.txt"), FileDisposer.PlanDestination(root, "d/a.txt", reserved, newFolders));
        Assert.Equal(Path.Combine(root, "d", "b.txt"), FileDisposer.PlanDestination(root, "d/b.txt", reserved, newFolders));
        Assert.Equal(Path.Combine(root, "d", "a (2).txt"), FileDisposer.PlanDestination(root, "d/a.txt", reserved, newFolders));
    }

    [Fact]
    public void PlanDestination_FolderThatExistedBeforeTheScan_StillLooksNamesUp()
    {
        var root = _temp.Combine("processed");
        _temp.Write("processed/d/a.txt", [1]);

        Assert.Equal(Path.Combine(root, "d", "a (2).txt"), FileDisposer.PlanDestination(root, "d/a.txt", new HashSet<string>(), new NewFolders()));
    }

    [Fact]
    public void Move_IntoANewFolderWhereAnotherProgramTookThePlannedNameMeanwhile_NeverOverwrites()
    {
        var root = _temp.Combine("processed");
        var planned = FileDisposer.PlanDestination(root, "d/a.txt", new HashSet<string>(), new NewFolders());
        _temp.Write("processed/d/a.txt", [9]); // after planning: the folder was new, so the plan did not look
        _temp.Write("drop/d/a.txt", [1, 2]);

        var moved = FileDisposer.Move(_temp.Combine("drop", "d", "a.txt"), planned, root);

        Assert.Equal(Path.Combine(root, "d", "a (2).txt"), moved);
        Assert.Equal([9], File.ReadAllBytes(planned));
        Assert.Equal([1, 2], File.ReadAllBytes(moved));
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
    public void Move_WhereRenameNoReplaceIsUnavailable_LinksThenUnlinksAndNeverOverwrites()
    {
        // The path of macOS, FreeBSD and file systems without RENAME_NOREPLACE (other tests may run it meanwhile:
        // both paths give the same results).
        var root = _temp.Combine("processed");
        var source = _temp.Write("drop/m.txt", [7]);
        var planned = FileDisposer.PlanDestination(root, "m.txt");
        _temp.Write("processed/m.txt", [1]);
        var before = NativeFileSystem.RenameNoReplaceAvailable;
        NativeFileSystem.RenameNoReplaceAvailable = false;
        try
        {
            var went = FileDisposer.Move(source, planned, root);

            Assert.Equal(Path.Combine(root, "m (2).txt"), went);
            Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(planned));
            Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(went));
            Assert.False(File.Exists(source));
        }
        finally
        {
            NativeFileSystem.RenameNoReplaceAvailable = before;
        }
    }

    [Fact]
    public void RenameNoReplace_OntoATakenName_FailsWithEexistAndMovesNothing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // renameat2 is Linux only
        }

        var source = _temp.Write("drop/r.txt", [3]);
        var taken = _temp.Write("processed/r.txt", [4]);

        Assert.Equal(NativeFileSystem.EEXIST, NativeFileSystem.RenameNoReplace(source, taken));
        Assert.Equal(new byte[] { 4 }, File.ReadAllBytes(taken));
        Assert.Equal(0, NativeFileSystem.RenameNoReplace(source, _temp.Combine("processed/r2.txt")));
        Assert.False(File.Exists(source));
    }

    [Fact]
    public void PlanDestination_DanglingLinkHoldsTheName_GetsTheNextName()
    {
        var root = _temp.Combine("processed");
        Directory.CreateDirectory(root);
        File.CreateSymbolicLink(Path.Combine(root, "gone.txt"), _temp.Combine("nowhere.txt"));

        Assert.Equal(Path.Combine(root, "gone (2).txt"), FileDisposer.PlanDestination(root, "gone.txt"));
    }

    [Fact]
    public void Move_SeveralFilesIntoOneNewFolderInABatch_CreatesAndChecksTheFolderOnce()
    {
        var root = _temp.Combine("processed");
        var folders = new DestinationFolders();
        var first = _temp.Write("drop/sub/deeper/a.txt", [1]);
        var second = _temp.Write("drop/sub/deeper/b.txt", [2]);
        var directory = Path.Combine(root, "sub", "deeper");

        FileDisposer.Move(first, FileDisposer.PlanDestination(root, "sub/deeper/a.txt"), root, null, folders);
        Assert.True(folders.IsReady(directory));
        var went = FileDisposer.Move(second, FileDisposer.PlanDestination(root, "sub/deeper/b.txt"), root, null, folders);

        Assert.Equal(Path.Combine(directory, "b.txt"), went);
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(Path.Combine(directory, "a.txt")));
        Assert.Equal(new byte[] { 2 }, File.ReadAllBytes(went));
    }

    [Fact]
    public void Move_NameTakenInAFolderCheckedEarlierInTheBatch_NeverOverwrites()
    {
        var root = _temp.Combine("processed");
        var folders = new DestinationFolders();
        var reserved = new HashSet<string>();
        var first = _temp.Write("drop/x/r.txt", [1]);
        var second = _temp.Write("drop/y/r.txt", [2]);
        _temp.Write("processed/r.txt", [7]);

        // Both planned into one folder under one name: the existing file and the reserved set give (2) and (3).
        var plannedFirst = FileDisposer.PlanDestination(root, "r.txt", reserved);
        var plannedSecond = FileDisposer.PlanDestination(root, "r.txt", reserved);
        Assert.Equal([Path.Combine(root, "r (2).txt"), Path.Combine(root, "r (3).txt")], new[] { plannedFirst, plannedSecond });
        Assert.Equal(plannedFirst, FileDisposer.Move(first, plannedFirst, root, null, folders));
        _temp.Write("processed/r (3).txt", [8]); // taken after planning, in a folder the batch already checked

        var wentSecond = FileDisposer.Move(second, plannedSecond, root, null, folders);

        Assert.NotEqual(plannedSecond, wentSecond);
        Assert.Equal(root, Path.GetDirectoryName(wentSecond));
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(Path.Combine(root, "r.txt")));
        Assert.Equal(new byte[] { 8 }, File.ReadAllBytes(plannedSecond));
        Assert.Equal(new byte[] { 2 }, File.ReadAllBytes(wentSecond));
        Assert.False(File.Exists(second));
    }

    [Fact]
    public void Move_FolderRemovedAfterItWasCheckedInTheBatch_IsCreatedAgain()
    {
        var root = _temp.Combine("processed");
        var folders = new DestinationFolders();
        var first = _temp.Write("drop/sub/a.txt", [1]);
        var second = _temp.Write("drop/sub/b.txt", [2]);
        FileDisposer.Move(first, FileDisposer.PlanDestination(root, "sub/a.txt"), root, null, folders);
        Directory.Delete(Path.Combine(root, "sub"), recursive: true);

        var went = FileDisposer.Move(second, Path.Combine(root, "sub", "b.txt"), root, null, folders);

        Assert.Equal(new byte[] { 2 }, File.ReadAllBytes(went));
        Assert.False(File.Exists(second));
    }

    [Fact]
    public void Move_FolderThatIsASymbolicLink_IsRefusedEvenWithTheBatchCache()
    {
        var root = _temp.Combine("processed");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(_temp.Combine("elsewhere"));
        Directory.CreateSymbolicLink(Path.Combine(root, "sub"), _temp.Combine("elsewhere"));
        var source = _temp.Write("drop/sub/a.txt", [1]);

        Assert.Throws<IOException>(() => FileDisposer.Move(source, Path.Combine(root, "sub", "a.txt"), root, null, new DestinationFolders()));
        Assert.True(File.Exists(source));
        Assert.Empty(Directory.GetFiles(_temp.Combine("elsewhere")));
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
