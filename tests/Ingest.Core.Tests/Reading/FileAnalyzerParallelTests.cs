using System.Security.Cryptography;
using System.Text;
using Ingest.Decoding;
using Ingest.Reading;
using Ingest.Tests.Support;

namespace Ingest.Tests.Reading;

/// <summary>
/// Files above <see cref="FileAnalyzer.ParallelHashThreshold"/> hash, read and decode ahead on another core: every
/// outcome of the single-threaded path (fallback, undecodable, binary, a file ending on a buffer boundary) must hold there too.
/// </summary>
public sealed class FileAnalyzerParallelTests : IDisposable
{
    private static readonly int LargeSize = checked((int)FileAnalyzer.ParallelHashThreshold) + 3 * FileAnalyzer.BufferSize + 10_000;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Ascii(int length)
    {
        var sb = new StringBuilder();
        for (var i = 0; sb.Length < length; i++)
        {
            sb.Append("Line ").Append(i).Append(" of a long plain ASCII preamble.\n");
        }

        return sb.ToString();
    }

    private FileAnalysis Analyze(string name, byte[] bytes)
    {
        var path = _folder.Write(name, bytes);
        return FileAnalyzer.AnalyzePath(path, name, null, CancellationToken.None);
    }

    [Theory]
    [InlineData("windows-1252", "The café said “no” — it costs €5.\n")]
    [InlineData("gb18030", "一、总体要求\n坚持以人民为中心，不断完善社区服务体系。\n")]
    [InlineData("shift_jis", "来週の金曜日に、新しい会計システムについての勉強会を開きます。\n")]
    public void Analyze_LargeLegacyTextAfterAsciiHead_FallsBackToTheRightEncoding(string label, string tail)
    {
        var text = Ascii(LargeSize) + tail;
        var legacy = Analyze("legacy.txt", TextEncodings.Get(label).GetBytes(text));
        var utf8 = Analyze("utf8.txt", Encoding.UTF8.GetBytes(text));

        Assert.Equal(AnalysisKind.Document, legacy.Kind);
        Assert.Equal(label, legacy.Facts!.Encoding);
        Assert.Equal(utf8.Facts!.TextSha256, legacy.Facts.TextSha256);
        Assert.Equal(utf8.Facts.LineCount, legacy.Facts.LineCount);
    }

    [Fact]
    public void Analyze_LargeInvalidUtf16AfterBom_FailsAsUndecodable()
    {
        byte[] bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Ascii(LargeSize)), 0x00, 0xDC, 0x41, 0x00];

        var a = Analyze("bad16.txt", bytes);

        Assert.Equal(AnalysisKind.Rejected, a.Kind);
        Assert.StartsWith(EncodingDetector.Undecodable, a.Reason);
    }

    [Theory]
    [InlineData(FileAnalyzer.LargeBufferSize + 100)] // past the head, in the half of a chunk the other core decodes
    [InlineData(FileAnalyzer.LargeBufferSize + FileAnalyzer.LargeBufferSize / 2 + 100)] // in the half this one decodes
    public void Analyze_LargeUtf8WithBomAndAnInvalidByte_NamesItsOffset(int at)
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Ascii(LargeSize))];
        bytes[at] = 0xFF;

        var a = Analyze("bad8.txt", bytes);

        Assert.Equal(AnalysisKind.Rejected, a.Kind);
        Assert.Equal($"{EncodingDetector.Undecodable}: invalid utf-8 near byte {at}", a.Reason);
    }

    [Fact]
    public void Analyze_LargeFileWithNulByteLate_FailsAsBinaryContent()
    {
        // Rejected, not "changed while being read": the bytes read ahead must count towards the length.
        byte[] bytes = [.. Encoding.ASCII.GetBytes(Ascii(LargeSize)), 0x00, 0x41];

        var a = Analyze("nul.txt", bytes);

        Assert.Equal(AnalysisKind.Rejected, a.Kind);
        Assert.StartsWith(EncodingDetector.BinaryContent, a.Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Analyze_LargeFileEndingOnABufferBoundary_MatchesTheSmallPath(bool bom)
    {
        // Exactly eight buffers: the last read returns nothing and the decoder is flushed by the side job.
        var size = 8 * FileAnalyzer.BufferSize;
        var body = Encoding.UTF8.GetBytes(Ascii(size) + "中文");
        var bytes = new byte[size];
        var start = bom ? 3 : 0;
        if (bom)
        {
            bytes[0] = 0xEF;
            bytes[1] = 0xBB;
            bytes[2] = 0xBF;
        }

        body.AsSpan(0, size - start).CopyTo(bytes.AsSpan(start));
        bytes.AsSpan(size - 2).Fill((byte)'\n'); // no cut character at the end
        var text = Encoding.UTF8.GetString(bytes, start, size - start);

        var a = Analyze("boundary.txt", bytes);

        Assert.Equal(AnalysisKind.Document, a.Kind);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), a.Facts!.Sha256);
        Assert.Equal(size, a.Facts.SizeBytes);
        var expected = Ingest.Tests.Metadata.Metrics.Of(text);
        Assert.Equal(expected.TextSha256, a.Facts.TextSha256);
        Assert.Equal(expected.LineCount, a.Facts.LineCount);
        Assert.Equal(expected.CharCount, a.Facts.Details!.CharCount);
    }

    [Theory]
    [InlineData(8 * FileAnalyzer.BufferSize)] // the last read ahead returns nothing
    [InlineData(10 * FileAnalyzer.BufferSize + 12_345)] // the last chunk is shorter than the others
    public void Analyze_SideJobRunningAheadOfThisThread_DecodesEachByteOnce(int size)
    {
        // Found by CI under load: this thread took the split of the chunk it decodes from a variable the side job was
        // already overwriting for the next chunk, and decoded part of a chunk twice (a wrong textSha256). The hooks hold
        // this thread until the side job has read ahead, every chunk: the interleaving made certain.
        var body = Encoding.UTF8.GetBytes(Ascii(size) + "中文");
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. body.AsSpan(0, size - 3)];
        bytes.AsSpan(size - 2).Fill((byte)'\n');
        var text = Encoding.UTF8.GetString(bytes, 3, size - 3);
        using var readAhead = new SemaphoreSlim(0);
        FileAnalyzer.SideJobForTests.Value = (() => readAhead.Release(), () => Assert.True(readAhead.Wait(TimeSpan.FromSeconds(30))));
        FileAnalysis a;
        try
        {
            a = Analyze("ahead.txt", bytes);
        }
        finally
        {
            FileAnalyzer.SideJobForTests.Value = null;
        }

        Assert.Equal(AnalysisKind.Document, a.Kind);
        var expected = Ingest.Tests.Metadata.Metrics.Of(text);
        Assert.Equal(expected.TextSha256, a.Facts!.TextSha256);
        Assert.Equal(expected.LineCount, a.Facts.LineCount);
        Assert.Equal(expected.CharCount, a.Facts.Details!.CharCount);
    }

    [Fact]
    public void Analyze_LargeUtf8WithBomTruncatedOnABufferBoundary_FailsAsUndecodable()
    {
        var size = 8 * FileAnalyzer.BufferSize;
        var bytes = new byte[size];
        bytes[0] = 0xEF;
        bytes[1] = 0xBB;
        bytes[2] = 0xBF;
        Encoding.ASCII.GetBytes(Ascii(size)).AsSpan(0, size - 5).CopyTo(bytes.AsSpan(3));
        bytes[^2] = 0xE4; // the first two bytes of 中, and then the file ends
        bytes[^1] = 0xB8;

        var a = Analyze("truncated.txt", bytes);

        Assert.Equal(AnalysisKind.Rejected, a.Kind);
        Assert.StartsWith(EncodingDetector.Undecodable, a.Reason);
    }

    [Fact]
    public void Analyze_LargeFile_Cancelled_Throws()
    {
        var path = _folder.Write("big.txt", Encoding.ASCII.GetBytes(Ascii(LargeSize)));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => FileAnalyzer.AnalyzePath(path, "big.txt", null, cts.Token));
    }
}
