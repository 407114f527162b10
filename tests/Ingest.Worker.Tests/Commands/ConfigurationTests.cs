using Ingest.Worker.Tests.Support;

namespace Ingest.Worker.Tests.Commands;

public sealed class ConfigurationTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Theory]
    [InlineData("MinFileAge", -1, "Ingest:MinFileAge")]
    [InlineData("MaxParallelism", 0, "Ingest:MaxParallelism")]
    public async Task Scan_InvalidNumber_ExitsTwoNamingTheKey(string key, int value, string expected)
    {
        _ws.Ingest[key] = value;
        var result = await _ws.RunAsync("scan");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_UnknownEnumValue_ExitsTwoNamingTheKey()
    {
        _ws.Ingest["OnSuccess"] = "Mvoe";
        var result = await _ws.RunAsync("scan");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Ingest:OnSuccess", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_BadCronInSchedule_ExitsTwoNamingTheKey()
    {
        _ws.Ingest["Schedule"] = "every five seconds";
        var result = await _ws.RunAsync("scan");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Ingest:Schedule", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_MissingConfigFile_ExitsTwoNamingTheFile()
    {
        var missing = Path.Combine(_ws.Root, "nope.json");
        var result = await IngestProcess.RunAsync(_ws.Root, ["scan", "--config", missing]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(missing, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwo()
    {
        var result = await IngestProcess.RunAsync(_ws.Root, ["scan", "--no-such-option"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_RelativePaths_ResolveAgainstTheFilesDirectory()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        var elsewhere = Path.Combine(_ws.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        await File.WriteAllTextAsync(_ws.ConfigPath, _ws.Settings.ToJsonString());

        var result = await IngestProcess.RunAsync(elsewhere, ["scan", "--config", _ws.ConfigPath]);

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(_ws.Processed, "a.txt")));
        Assert.True(File.Exists(_ws.Database));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public async Task EnvironmentVariable_OverridesTheConfigFile_AndResolvesAgainstTheCurrentDirectory()
    {
        var otherDrop = Path.Combine(_ws.Root, "cwd", "env-drop");
        Directory.CreateDirectory(otherDrop);
        File.WriteAllBytes(Path.Combine(otherDrop, "e.txt"), Encode.Utf8(Texts.English));
        await File.WriteAllTextAsync(_ws.ConfigPath, _ws.Settings.ToJsonString());

        var result = await IngestProcess.RunAsync(Path.Combine(_ws.Root, "cwd"), ["scan", "--json", "--config", _ws.ConfigPath],
            new Dictionary<string, string?> { ["Ingest__DropFolder"] = "env-drop" });

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(_ws.Processed, "e.txt")));
    }

    [Fact]
    public async Task NoConfigOption_UsesTheBuiltInDefaultsBelowTheCurrentDirectory()
    {
        var cwd = Path.Combine(_ws.Root, "fresh");
        var drop = Path.Combine(cwd, "drop");
        Directory.CreateDirectory(drop);
        var file = Path.Combine(drop, "hello.txt");
        File.WriteAllBytes(file, Encode.Utf8(Texts.English));
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-1));

        var result = await IngestProcess.RunAsync(cwd, ["scan"]);

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(cwd, "processed", "hello.txt")));
        Assert.True(File.Exists(Path.Combine(cwd, "data", "ingest.db")));
    }
}
