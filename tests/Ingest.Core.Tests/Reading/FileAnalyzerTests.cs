using Ingest.Reading;
using Ingest.Scanning;
using Ingest.Tests.Support;

namespace Ingest.Tests.Reading;

public sealed class FileAnalyzerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private FileAnalysis Analyze(byte[] bytes, long? maxSize = null)
    {
        var path = _temp.Write(Guid.NewGuid().ToString("N") + ".txt", bytes);
        var info = new FileInfo(path);
        return FileAnalyzer.Analyze(new ScanCandidate(path, info.Name, info.Length, info.LastWriteTimeUtc, false), maxSize, CancellationToken.None);
    }

    [Fact]
    public void Analyze_Utf8Text_HashesTheRawBytes()
    {
        var bytes = Encode.Utf8(Texts.Chinese);
        var result = Analyze(bytes);
        Assert.Equal(AnalysisKind.Document, result.Kind);
        Assert.Equal(Encode.Sha256Hex(bytes), result.Facts!.Sha256);
        Assert.Equal(bytes.Length, result.Facts.SizeBytes);
        Assert.Equal("utf-8", result.Facts.Encoding);
        Assert.False(result.Facts.HasBom);
        Assert.Equal("关于推进城市图书馆建设的讲话", result.Facts.Title);
        Assert.Equal(6, result.Facts.LineCount);
    }

    [Fact]
    public void Analyze_SameTextInEveryUnicodeForm_SharesTextSha256AndTitle()
    {
        var variants = new (byte[] Bytes, string Encoding, bool Bom)[]
        {
            (Encode.Utf8(Texts.Chinese), "utf-8", false),
            (Encode.Utf8Bom(Texts.Chinese), "utf-8", true),
            (Encode.Utf8(Encode.Crlf(Texts.Chinese)), "utf-8", false),
            (Encode.Utf16Le(Texts.Chinese), "utf-16le", true),
            (Encode.Utf16Be(Encode.Crlf(Texts.Chinese)), "utf-16be", true),
        };
        var results = variants.Select(v => (v, r: Analyze(v.Bytes))).ToList();
        foreach (var (v, r) in results)
        {
            Assert.Equal(AnalysisKind.Document, r.Kind);
            Assert.Equal(v.Encoding, r.Facts!.Encoding);
            Assert.Equal(v.Bom, r.Facts.HasBom);
        }

        Assert.Single(results.Select(x => x.r.Facts!.TextSha256).Distinct());
        Assert.Single(results.Select(x => x.r.Facts!.Title).Distinct());
        Assert.Equal(results.Count, results.Select(x => x.r.Facts!.Sha256).Distinct().Count());
    }

    [Theory]
    [InlineData(1)] // a small file: captured whole, compressed after the read
    [InlineData(4000)] // over 1 MiB: the capture is compressed and fingerprinted on another thread during the read
    public void Analyze_WithoutPlainText_KeepsTheSameStoredTextAndFingerprint(int repeats)
    {
        var bytes = Encode.Utf8(string.Concat(Enumerable.Repeat(Texts.Chinese, repeats)));
        Assert.Equal(repeats > 1, bytes.Length > FileAnalyzer.ParallelHashThreshold);
        var path = _temp.Write(Guid.NewGuid().ToString("N") + ".txt", bytes);
        var info = new FileInfo(path);
        var candidate = new ScanCandidate(path, info.Name, info.Length, info.LastWriteTimeUtc, false);
        const int capture = 64 * 1024;

        var kept = FileAnalyzer.Analyze(candidate, null, CancellationToken.None, capture).Facts!.Search!;
        var dropped = FileAnalyzer.Analyze(candidate, null, CancellationToken.None, capture, keepPlainText: false).Facts!.Search!;

        Assert.NotNull(kept.TextUtf8);
        Assert.Null(dropped.TextUtf8);
        Assert.Equal(kept.TextUtf8, Ingest.Search.TextCompression.Decompress(dropped.CompressedText));
        Assert.Equal(kept.Truncated, dropped.Truncated);
        Assert.Equal(repeats > 1, dropped.Truncated);
        Assert.Equal(kept.Fingerprint.SimHash, dropped.Fingerprint.SimHash);
        Assert.Equal(kept.Fingerprint.MinHashBytes(), dropped.Fingerprint.MinHashBytes());
    }

    [Fact]
    public void Analyze_EmptyFile_IsRejectedAsEmptyFile()
    {
        var result = Analyze([]);
        Assert.Equal(AnalysisKind.Rejected, result.Kind);
        Assert.Equal("empty file", result.Reason);
    }

    [Fact]
    public void Analyze_NulBytesOutsideUtf16_IsRejectedAsBinaryContent()
    {
        var result = Analyze([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00]);
        Assert.Equal(AnalysisKind.Rejected, result.Kind);
        Assert.StartsWith("binary content", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_NulByteFarBeyondTheHead_IsStillBinaryContent()
    {
        var bytes = Encode.Utf8(string.Concat(Enumerable.Repeat(Texts.English, 20_000)));
        bytes[^10] = 0;
        Assert.True(bytes.Length > FileAnalyzer.BufferSize);
        Assert.StartsWith("binary content", Analyze(bytes).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_LargeFileAcrossManyBuffers_MatchesTheWholeFileHashes()
    {
        var text = string.Concat(Enumerable.Repeat(Encode.Crlf(Texts.Chinese), 4000));
        var bytes = Encode.Utf8(text);
        Assert.True(bytes.Length > 3 * FileAnalyzer.BufferSize);
        var result = Analyze(bytes);
        Assert.Equal(Encode.Sha256Hex(bytes), result.Facts!.Sha256);
        var lf = Encode.Utf8(text.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal(Encode.Sha256Hex(lf), result.Facts.TextSha256);
        Assert.Equal(6 * 4000, result.Facts.LineCount);
    }

    [Fact]
    public void Analyze_InvalidUtf16_IsRejectedAsUndecodable()
    {
        var result = Analyze([0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00]); // "A", then a lone high surrogate
        Assert.Equal(AnalysisKind.Rejected, result.Kind);
        Assert.StartsWith("undecodable", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FileLargerThanMaxFileSize_IsRejectedAsTooLarge()
    {
        var result = Analyze(Encode.Utf8(Texts.English), maxSize: 10);
        Assert.Equal(AnalysisKind.Rejected, result.Kind);
        Assert.StartsWith("too large", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FileThatChangedSinceEnumeration_IsSkippedForThisPass()
    {
        var path = _temp.Write("moving.txt", Encode.Utf8(Texts.English));
        var info = new FileInfo(path);
        var stale = new ScanCandidate(path, "moving.txt", info.Length - 5, info.LastWriteTimeUtc, false);
        var result = FileAnalyzer.Analyze(stale, null, CancellationToken.None);
        Assert.Equal(AnalysisKind.Skipped, result.Kind);
    }

    [Fact]
    public void Analyze_FileThatVanished_IsSkippedNotFailed()
    {
        var path = _temp.Combine("gone.txt");
        var result = FileAnalyzer.Analyze(new ScanCandidate(path, "gone.txt", 10, DateTime.UtcNow, false), null, CancellationToken.None);
        Assert.Equal(AnalysisKind.Skipped, result.Kind);
    }
}
