using BenchmarkDotNet.Attributes;
using Ingest.Decoding;
using Ingest.Reading;

namespace Ingest.Benchmarks;

/// <summary>The encoding detector on the head of a file (what the analyzer passes it), and strict decoding of that head.</summary>
[MemoryDiagnoser]
public class DecodingBenchmarks
{
    private byte[] _head = [];
    private byte[] _headWithBom = [];
    private char[] _chars = [];

    [GlobalSetup]
    public void Setup()
    {
        var bytes = CjkText.Utf8(FileAnalyzer.BufferSize + 1024, seed: 1);
        _head = bytes.AsSpan(0, FileAnalyzer.BufferSize).ToArray();
        _headWithBom = [0xEF, 0xBB, 0xBF, .. _head.AsSpan(0, FileAnalyzer.BufferSize - 3)];
        _chars = new char[EncodingDetector.StrictUtf8.GetMaxCharCount(FileAnalyzer.BufferSize)];
    }

    /// <summary>No BOM: the detector scans the whole 256 KB head for NUL bytes.</summary>
    [Benchmark(Baseline = true)]
    public string? Detect_256K_Utf8() => EncodingDetector.Detect(_head, isWholeFile: false).Encoding?.Label;

    [Benchmark]
    public string? Detect_256K_Utf8Bom() => EncodingDetector.Detect(_headWithBom, isWholeFile: false).Encoding?.Label;

    /// <summary>Strict UTF-8 → UTF-16 of the same head, as the analyzer does per buffer (a chunk may end mid-character).</summary>
    [Benchmark]
    public int Decode_256K_StrictUtf8() => EncodingDetector.StrictUtf8.GetDecoder().GetChars(_head, _chars, flush: false);
}
