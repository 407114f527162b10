using Ingest.Worker.Tests.Support;

namespace Ingest.Worker.Tests.Commands;

public sealed class QueryCommandTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Show_UniquePrefix_PrintsTheDocumentWithEveryOccurrence()
    {
        var bytes = Encode.Utf8(Texts.Chinese);
        _ws.Put("a.txt", bytes);
        _ws.Put("b/a.txt", bytes);
        await _ws.JsonAsync("scan");
        var sha = Encode.Sha256Hex(bytes);

        var doc = await _ws.JsonAsync("show", sha[..8]);

        Assert.Equal(sha, doc.Str("sha256"));
        Assert.Equal(bytes.Length, doc.Num("sizeBytes"));
        Assert.Equal(4, doc.Num("lineCount"));
        Assert.Equal(2, doc["occurrences"]!.Arr().Count);
        var text = await _ws.RunAsync("show", sha[..8]);
        Assert.Contains(sha, text.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownPrefix_ExitsFourWithAClearError()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        await _ws.JsonAsync("scan");
        var sha = Encode.Sha256Hex(Encode.Utf8(Texts.English));
        var unknown = sha[0] == 'f' ? "0000" : "ffff";

        var result = await _ws.RunAsync("show", unknown);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains(unknown, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_AmbiguousPrefix_ExitsFour()
    {
        // Enough documents that two share a first hex digit.
        for (var i = 0; i < 17; i++)
        {
            _ws.Put($"d{i}.txt", Encode.Utf8($"{Texts.English}{i}\n"));
        }

        var list = (await _ws.JsonAsync("scan")) is not null ? (await _ws.JsonAsync("list")).Arr() : null;
        var shared = list!.Select(d => d!.Str("sha256")[..1]).GroupBy(c => c).First(g => g.Count() > 1).Key;

        var result = await _ws.RunAsync("show", shared);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("ambiguous", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("stats")]
    [InlineData("failures")]
    [InlineData("show")]
    public async Task ReadOnlyCommand_MissingCatalog_FailsNamingTheFileAndCreatesNothing(string verb)
    {
        var result = verb == "show" ? await _ws.RunAsync(verb, "abcd") : await _ws.RunAsync(verb);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(_ws.Database, result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.Database));
    }

    [Fact]
    public async Task List_Limit_ReturnsTheFirstSeenDocuments()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        _ws.Put("b.txt", Encode.Utf8(Texts.Chinese));
        await _ws.JsonAsync("scan");

        var all = (await _ws.JsonAsync("list")).Arr();
        var one = (await _ws.JsonAsync("list", "--limit", "1")).Arr();

        Assert.Equal(2, all.Count);
        Assert.Equal(all[0]!.Str("sha256"), Assert.Single(one)!.Str("sha256"));
        var ordered = all.Select(d => (d!.Str("firstSeenUtc"), d.Str("sha256"))).ToList();
        Assert.Equal(ordered.OrderBy(x => x.Item1, StringComparer.Ordinal).ThenBy(x => x.Item2, StringComparer.Ordinal), ordered);
    }

    [Fact]
    public async Task Failures_Json_HasPathReasonAndUtcTime()
    {
        _ws.Put("zero.txt", []);
        await _ws.JsonAsync("scan");

        var failure = Assert.Single((await _ws.JsonAsync("failures")).Arr())!;

        Assert.Equal("zero.txt", failure.Str("path"));
        Assert.Equal("empty file", failure.Str("reason"));
        Assert.EndsWith("Z", failure.Str("failedUtc"), StringComparison.Ordinal);
    }
}
