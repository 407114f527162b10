using System.Text;
using Ingest.Tests.Decoding;
using Ingest.Decoding;
using Ingest.Reading;

using Ingest.Tests.Support;

namespace Ingest.Tests.Reading;

public sealed class FileAnalyzerFallbackTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string AsciiPast256Kb()
    {
        var sb = new StringBuilder();
        for (var i = 0; sb.Length < FileAnalyzer.BufferSize + 10_000; i++)
        {
            sb.Append("Line ").Append(i).Append(" of a long plain ASCII preamble.\n");
        }

        return sb.ToString();
    }

    private FileAnalysis Analyze(string name, byte[] bytes, long? max = null)
    {
        var path = _folder.Write(name, bytes);
        return FileAnalyzer.AnalyzePath(path, name, max, CancellationToken.None);
    }

    [Theory]
    [InlineData("windows-1252", "The café said “no” — it costs €5.\n")]
    [InlineData("gb18030", "一、总体要求\n坚持以人民为中心，不断完善社区服务体系。\n")]
    [InlineData("shift_jis", "来週の金曜日に、新しい会計システムについての勉強会を開きます。\n")]
    public void Analyze_LegacyTextAfterAsciiHead_FallsBackToTheRightEncoding(string label, string tail)
    {
        var text = AsciiPast256Kb() + tail;
        var legacy = Analyze("legacy.txt", TextEncodings.Get(label).GetBytes(text));
        var utf8 = Analyze("utf8.txt", Encoding.UTF8.GetBytes(text));

        Assert.Equal(AnalysisKind.Document, legacy.Kind);
        Assert.Equal(label, legacy.Facts!.Encoding);
        Assert.Equal(utf8.Facts!.TextSha256, legacy.Facts.TextSha256);
    }

    [Fact]
    public void Analyze_InvalidUtf16AfterBomBeyondTheHead_FailsAsUndecodable()
    {
        byte[] bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(AsciiPast256Kb()), 0x00, 0xDC, 0x41, 0x00];

        var a = Analyze("bad16.txt", bytes);

        Assert.Equal(AnalysisKind.Rejected, a.Kind);
        Assert.StartsWith(EncodingDetector.Undecodable, a.Reason);
    }

    [Fact]
    public void Analyze_NulByteBeyondTheHead_FailsAsBinaryContent()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes(AsciiPast256Kb()), 0x00, 0x41];

        Assert.StartsWith(EncodingDetector.BinaryContent, Analyze("nul.txt", bytes).Reason);
    }

    [Fact]
    public void Analyze_FileLargerThanMaxFileSize_FailsAsTooLarge()
    {
        var a = Analyze("big.txt", Encoding.ASCII.GetBytes("0123456789"), max: 5);

        Assert.Equal(AnalysisKind.Rejected, a.Kind);
        Assert.StartsWith(EncodingDetector.TooLarge, a.Reason);
    }

    [Fact]
    public void Analyze_EmptyFile_FailsAsEmptyFile()
    {
        Assert.Equal(EncodingDetector.EmptyFile, Analyze("empty.txt", []).Reason);
    }

    [Fact]
    public void Analyze_Document_CarriesTheTextMetadata()
    {
        var a = Analyze("doc.txt", Encoding.UTF8.GetBytes("标题\r\n一、总体要求。正文\r\n"));

        var d = a.Facts!.Details!;
        Assert.Equal("crlf", d.Newline);
        Assert.Equal("zh", d.Language);
        Assert.Equal(new[] { (1, "一、总体要求", 2L) }, d.Outline.Select(o => (o.Level, o.Text, o.Line)));
    }
}
