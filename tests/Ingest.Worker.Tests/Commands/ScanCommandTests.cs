using System.Text.Json.Nodes;
using Ingest.Worker.Tests.Support;

namespace Ingest.Worker.Tests.Commands;

public sealed class ScanCommandTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Scan_MixedFolder_RecordsEachContentOnceAndEveryFileEndsInExactlyOneOutputFolder()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["讲话.txt"] = Encode.Utf8(Texts.Chinese),
            ["2024/副本 讲话.txt"] = Encode.Utf8(Texts.Chinese),             // duplicate in another sub-folder
            ["windows/讲话 crlf.txt"] = Encode.Utf8(Encode.Crlf(Texts.Chinese)), // other bytes, same text
            ["windows/讲话 bom.txt"] = Encode.Utf8Bom(Texts.Chinese),
            ["windows/讲话 utf16.txt"] = Encode.Utf16Le(Texts.Chinese),
            ["mac/minutes be.txt"] = Encode.Utf16Be(Texts.English),
            ["minutes.txt"] = Encode.Utf8(Texts.English),
            ["archive/minutes.txt"] = Encode.Utf8(Texts.English),                // duplicate, same file name
            ["empty.txt"] = [],
            ["photo.jpg"] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00],
        };
        foreach (var (name, bytes) in files)
        {
            _ws.Put(name, bytes);
        }

        var summary = await _ws.JsonAsync("scan");
        var list = (await _ws.JsonAsync("list")).Arr();
        var stats = await _ws.JsonAsync("stats");
        var failures = (await _ws.JsonAsync("failures")).Arr();

        Assert.Equal((6, 2, 2), (summary.Num("new"), summary.Num("duplicates"), summary.Num("failed")));
        Assert.Equal(files.Where(f => f.Key is not ("empty.txt" or "photo.jpg")).Sum(f => (long)f.Value.Length), summary.Num("bytes"));
        Assert.Equal((6, 8, 2, 2), (stats.Num("documents"), stats.Num("occurrences"), stats.Num("duplicates"), stats.Num("failures")));

        // One document per distinct content, every occurrence with the right status.
        var chinese = list.Single(d => d!.Str("sha256") == Encode.Sha256Hex(files["讲话.txt"]))!;
        Assert.Equal(["new", "duplicate"], chinese["occurrences"]!.Arr().Select(o => o!.Str("status")));
        Assert.Equal("关于加强社区图书馆建设的讲话", chinese.Str("title"));
        var chineseTextSha = chinese.Str("textSha256");
        foreach (var variant in new[] { "windows/讲话 crlf.txt", "windows/讲话 bom.txt", "windows/讲话 utf16.txt" })
        {
            var doc = list.Single(d => d!["occurrences"]!.Arr().Any(o => o!.Str("path") == variant))!;
            Assert.Equal(chineseTextSha, doc.Str("textSha256"));
            Assert.Equal("new", Assert.Single(doc["occurrences"]!.Arr())!.Str("status"));
        }

        Assert.Equal("utf-16le", list.Single(d => d!.Str("sha256") == Encode.Sha256Hex(files["windows/讲话 utf16.txt"]))!.Str("encoding"));
        Assert.True(list.Single(d => d!.Str("sha256") == Encode.Sha256Hex(files["windows/讲话 bom.txt"]))!["hasBom"]!.GetValue<bool>());

        // Failures with their reasons.
        Assert.Equal("empty file", failures.Single(f => f!.Str("path") == "empty.txt")!.Str("reason"));
        Assert.StartsWith("binary content", failures.Single(f => f!.Str("path") == "photo.jpg")!.Str("reason"), StringComparison.Ordinal);

        // Every dropped file is in exactly one output folder, bytes unchanged, and the drop folder is empty.
        Assert.Empty(Workspace.FilesBelow(_ws.Drop));
        var outputs = new[] { _ws.Processed, _ws.Duplicates, _ws.Failed }.SelectMany(Workspace.FilesBelow).ToList();
        Assert.Equal(files.Count, outputs.Count);
        foreach (var (name, bytes) in files)
        {
            var at = outputs.Where(o => o.EndsWith(Path.GetFileName(name), StringComparison.Ordinal) && File.ReadAllBytes(o).AsSpan().SequenceEqual(bytes)).ToList();
            Assert.NotEmpty(at);
        }

        // Which of two identical files counts as new depends on read order; the other is always the duplicate.
        Assert.True(File.Exists(Path.Combine(_ws.Duplicates, "2024", "副本 讲话.txt")) ^ File.Exists(Path.Combine(_ws.Duplicates, "讲话.txt")));
        Assert.True(File.Exists(Path.Combine(_ws.Processed, "2024", "副本 讲话.txt")) ^ File.Exists(Path.Combine(_ws.Processed, "讲话.txt")));
        Assert.True(File.Exists(Path.Combine(_ws.Failed, "photo.jpg")));

        // Each occurrence's destination is an absolute path holding the file.
        foreach (var o in list.SelectMany(d => d!["occurrences"]!.Arr()))
        {
            var destination = o!.Str("destination");
            Assert.True(Path.IsPathFullyQualified(destination));
            Assert.True(File.Exists(destination), destination);
            Assert.EndsWith("Z", o.Str("ingestedUtc"), StringComparison.Ordinal);
            Assert.EndsWith("Z", o.Str("lastWriteUtc"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Scan_Twice_SecondPassFindsNothingNew()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        await _ws.JsonAsync("scan");
        _ws.Put("a.txt", Encode.Utf8(Texts.English)); // the same file dropped again later

        var second = await _ws.JsonAsync("scan");

        Assert.Equal((0, 1), (second.Num("new"), second.Num("duplicates")));
        Assert.True(File.Exists(Path.Combine(_ws.Duplicates, "a.txt")));
        Assert.True(File.Exists(Path.Combine(_ws.Processed, "a.txt")));
    }

    [Fact]
    public async Task Scan_DryRun_ListsPlannedActionsAndChangesNothing()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        _ws.Put("b.txt", Encode.Utf8(Texts.English));

        var dry = await _ws.JsonAsync("scan", "--dry-run");

        Assert.True(dry["dryRun"]!.GetValue<bool>());
        var planned = dry["planned"]!.Arr();
        Assert.Equal(["duplicate", "new"], planned.Select(p => p!.Str("action")).Order(StringComparer.Ordinal));
        Assert.Equal(2, Workspace.FilesBelow(_ws.Drop).Count());
        Assert.False(File.Exists(_ws.Database));
        Assert.False(Directory.Exists(_ws.Processed));
    }

    [Fact]
    public async Task Scan_KeepMode_RescanDoesNotCountTheSameFilesAgain()
    {
        _ws.Ingest["OnSuccess"] = "Keep";
        _ws.Ingest["OnDuplicate"] = "Keep";
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        _ws.Put("b/a.txt", Encode.Utf8(Texts.English));

        var first = await _ws.JsonAsync("scan");
        var second = await _ws.JsonAsync("scan");

        Assert.Equal((1, 1), (first.Num("new"), first.Num("duplicates")));
        Assert.Equal((0, 0), (second.Num("new"), second.Num("duplicates")));
        var doc = Assert.Single((await _ws.JsonAsync("list")).Arr())!;
        Assert.All(doc["occurrences"]!.Arr(), o => Assert.True(o!.IsExplicitNull("destination")));
        Assert.Equal(2, Workspace.FilesBelow(_ws.Drop).Count());
    }

    [Fact]
    public async Task Scan_TextOutput_PrintsASummaryLine()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        var result = await _ws.RunAsync("scan");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("new 1, duplicates 0, failed 0", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_MissingDropFolderWithoutCreateDropFolder_FailsNamingTheFolder()
    {
        Directory.Delete(_ws.Drop);
        _ws.Ingest["CreateDropFolder"] = false;

        var result = await _ws.RunAsync("scan");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(_ws.Drop, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_DropOption_OverridesTheConfiguredFolder()
    {
        var other = Path.Combine(_ws.Root, "other drop");
        Directory.CreateDirectory(other);
        File.WriteAllBytes(Path.Combine(other, "x.txt"), Encode.Utf8(Texts.English));
        File.SetLastWriteTimeUtc(Path.Combine(other, "x.txt"), DateTime.UtcNow.AddMinutes(-1));

        var summary = await _ws.JsonAsync("scan", "--drop", other);

        Assert.Equal(1, summary.Num("new"));
        Assert.Empty(Workspace.FilesBelow(other));
    }
}
