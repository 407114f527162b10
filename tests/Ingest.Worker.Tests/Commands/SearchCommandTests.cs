using Ingest.Worker.Tests.Support;

namespace Ingest.Worker.Tests.Commands;

public sealed class SearchCommandTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Search_Json_ListsEachMatchingDocumentOnceWithSnippetAndScore()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.Chinese));
        _ws.Put("b/a.txt", Encode.Utf8(Texts.Chinese));
        _ws.Put("c.txt", Encode.Utf8(Texts.English));
        await _ws.JsonAsync("scan");

        var hits = (await _ws.JsonAsync("search", "图书")).AsArray();
        var english = (await _ws.JsonAsync("search", "reading club")).AsArray();

        var hit = Assert.Single(hits)!;
        Assert.Equal(Encode.Sha256Hex(Encode.Utf8(Texts.Chinese)), hit.Str("sha256"));
        Assert.Contains("[图书]", hit.Str("snippet"), StringComparison.Ordinal);
        Assert.NotNull(hit["score"]);
        Assert.Equal("关于加强社区图书馆建设的讲话", hit.Str("title"));
        Assert.Equal(Encode.Sha256Hex(Encode.Utf8(Texts.English)), Assert.Single(english)!.Str("sha256"));
    }

    [Fact]
    public async Task Similar_AndShow_ReportTheNearDuplicateFlaggedAtIngest()
    {
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => Texts.Chinese.Replace("四十二", (i * 7).ToString(), StringComparison.Ordinal)));
        _ws.Put("v1.txt", Encode.Utf8(text));
        await _ws.JsonAsync("scan");
        _ws.Put("v2.txt", Encode.Utf8(text.Replace("同志们", "朋友们", StringComparison.Ordinal)[..^3] + "完。\n"));
        await _ws.JsonAsync("scan");
        var v1 = Encode.Sha256Hex(Encode.Utf8(text));

        var similar = (await _ws.JsonAsync("similar", v1[..10])).AsArray();
        var v2 = Assert.Single(similar)!;
        var shown = await _ws.JsonAsync("show", v2.Str("sha256"));

        Assert.InRange(v2.Num("distance"), 0, 3);
        Assert.InRange(v2["similarity"]!.GetValue<double>(), 0.5, 1.0);
        Assert.Equal(v1, shown.Str("nearDuplicateOf"));
        Assert.Equal(v2.Num("distance"), shown.Num("nearDuplicateDistance"));
    }

    [Fact]
    public async Task Reindex_RebuildsTheIndexSoSearchStillAnswers()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        await _ws.JsonAsync("scan");

        var reindex = await _ws.JsonAsync("reindex");
        var hits = (await _ws.JsonAsync("search", "harbour")).AsArray();

        Assert.Equal(1, reindex.Num("documents"));
        Assert.Single(hits);
    }

    [Fact]
    public async Task Search_EmptyQuery_ExitsTwo()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        await _ws.JsonAsync("scan");
        var result = await _ws.RunAsync("search", "  ");
        Assert.Equal(2, result.ExitCode);
    }
}
