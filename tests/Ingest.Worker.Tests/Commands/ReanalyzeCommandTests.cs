using System.Text;
using Ingest.Worker.Tests.Support;

namespace Ingest.Worker.Tests.Commands;

public sealed class ReanalyzeCommandTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Reanalyze_All_RereadsKeptDocumentsAndReportsAMissingOneWithoutFailing()
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gbk = Encoding.GetEncoding("gb18030").GetBytes(Texts.Chinese);
        _ws.Put("gbk.txt", gbk);
        _ws.Put("en.txt", Encode.Utf8(Texts.English));
        await _ws.JsonAsync("scan");
        File.Delete(Path.Combine(_ws.Processed, "en.txt"));

        var result = await _ws.JsonAsync("reanalyze", "--all");
        var shown = await _ws.JsonAsync("show", Encode.Sha256Hex(gbk)[..12]);

        Assert.Equal(1, result.Num("missing"));
        Assert.Equal(1, result.Num("updated") + result.Num("unchanged"));
        Assert.Equal("gb18030", shown.Str("encoding"));
        Assert.Equal("zh", shown.Str("language"));
        Assert.Equal("关于加强社区图书馆建设的讲话", shown.Str("title"));
        Assert.Equal(Encode.Sha256Hex(Encode.Utf8(Texts.Chinese)), shown.Str("textSha256"));
    }
}
