using Ingest.Configuration;

namespace Ingest.Tests.Configuration;

public sealed class IngestOptionsValidatorTests
{
    private static IReadOnlyList<string> Errors(IngestOptions o) =>
        new IngestOptionsValidator().Validate(null, o).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        Assert.Empty(Errors(new IngestOptions()));
    }

    [Theory]
    [InlineData("MinFileAge")]
    [InlineData("MaxParallelism")]
    [InlineData("MaxFileSize")]
    public void Validate_NegativeNumbers_AreRefusedNamingTheKey(string key)
    {
        var o = new IngestOptions();
        typeof(IngestOptions).GetProperty(key)!.SetValue(o, key switch
        {
            "MinFileAge" => -1.0,
            "MaxParallelism" => 0,
            _ => (long?)-5,
        });
        Assert.Contains(Errors(o), e => e.Contains("Ingest:" + key, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OutputFolderInsideTheDropFolder_IsRefused()
    {
        var o = new IngestOptions { DropFolder = "/srv/drop", ProcessedFolder = "/srv/drop/processed" };
        Assert.Contains(Errors(o), e => e.Contains("Ingest:ProcessedFolder", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OutputFolderInsideTheDropFolderButExcluded_IsAccepted()
    {
        var o = new IngestOptions { DropFolder = "/srv/drop", ProcessedFolder = "/srv/drop/_done", Exclude = ["_done/**"] };
        Assert.Empty(Errors(o));
    }

    [Fact]
    public void Validate_DropFolderInsideAnOutputFolder_IsRefused()
    {
        var o = new IngestOptions { DropFolder = "/srv/out/drop", FailedFolder = "/srv/out" };
        Assert.Contains(Errors(o), e => e.Contains("Ingest:DropFolder", StringComparison.Ordinal));
    }
}
