using BenchmarkDotNet.Attributes;
using Ingest.Metadata;
using Ingest.Reading;

namespace Ingest.Benchmarks;

/// <summary>The metadata pass (NFC check, line count, title, text hash) over ~1 MB of decoded CJK text, fed in analyzer-sized chunks.</summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private char[] _text = [];
    private int _chunk;

    [GlobalSetup]
    public void Setup()
    {
        _text = CjkText.Generate(1 << 20, seed: 2).ToCharArray();
        _chunk = FileAnalyzer.BufferSize / 3; // a 256 KB buffer of CJK UTF-8 decodes to about this many chars
    }

    [Benchmark]
    public long TextMetrics_1MB_Cjk()
    {
        using var builder = new TextMetricsBuilder();
        for (var offset = 0; offset < _text.Length; offset += _chunk)
        {
            builder.Append(_text.AsSpan(offset, Math.Min(_chunk, _text.Length - offset)));
        }

        return builder.Complete().LineCount;
    }
}
