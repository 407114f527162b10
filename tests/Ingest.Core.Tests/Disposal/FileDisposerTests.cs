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
}
