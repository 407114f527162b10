using BenchmarkDotNet.Attributes;
using Ingest.Reading;
using Ingest.Scanning;

namespace Ingest.Benchmarks;

/// <summary>One whole file through <see cref="FileAnalyzer"/>: open, read, hash, detect, decode, metadata (page cache warm).</summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private string _folder = "";
    private string _path = "";
    private DateTime _lastWrite;

    [Params(4 * 1024, 4 * 1024 * 1024)]
    public int SizeBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "ingest-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _path = Path.Combine(_folder, "doc.txt");
        File.WriteAllBytes(_path, CjkText.Utf8(SizeBytes, seed: 3).AsSpan(0, SizeBytes).ToArray().TrimToCharBoundary());
        _lastWrite = File.GetLastWriteTimeUtc(_path);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public string? Analyze()
    {
        var size = new FileInfo(_path).Length;
        var result = FileAnalyzer.Analyze(new ScanCandidate(_path, "doc.txt", size, _lastWrite, IsSymbolicLink: false), maxFileSize: null, CancellationToken.None);
        return result.Kind == AnalysisKind.Document ? result.Facts!.Sha256 : throw new InvalidOperationException(result.Reason);
    }
}

internal static class Utf8Trim
{
    /// <summary>Drops a trailing partial UTF-8 sequence so a cut buffer stays valid.</summary>
    public static byte[] TrimToCharBoundary(this byte[] bytes)
    {
        var end = bytes.Length;
        var back = 0;
        while (end - back - 1 >= 0 && (bytes[end - back - 1] & 0xC0) == 0x80 && back < 3)
        {
            back++;
        }

        if (end - back - 1 >= 0 && bytes[end - back - 1] >= 0xC0)
        {
            var lead = bytes[end - back - 1];
            var need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
            if (need > back)
            {
                end -= back + 1;
            }
        }

        return bytes.AsSpan(0, end).ToArray();
    }
}
