using BenchmarkDotNet.Attributes;
using Ingest.Metadata;
using Ingest.Reading;

namespace Ingest.Benchmarks;

/// <summary>
/// The pieces of the large-file fast path over ~4 MB of CJK text: the metrics pass as the analyzer runs it on BOM-free
/// UTF-8 (raw mode: no re-encode, no text hash), the same with the text hash (the general path), the line statistics
/// alone, and the vectorized NFC quick check against ICU's.
/// </summary>
[MemoryDiagnoser]
public class FastPathBenchmarks
{
    private char[] _text = [];
    private int _chunk;
    private readonly byte[] _digest = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        _text = CjkText.Generate(4 << 20, seed: 4).ToCharArray();
        _chunk = FileAnalyzer.BufferSize / 3;
    }

    [Benchmark(Baseline = true)]
    public long Metrics_WithTextHash()
    {
        using var builder = new TextMetricsBuilder();
        Feed(builder);
        return builder.Complete().CharCount;
    }

    [Benchmark]
    public long Metrics_RawUtf8Mode()
    {
        using var builder = new TextMetricsBuilder();
        builder.UseRawUtf8AsText((_, _) => throw new InvalidOperationException("the generated text is LF-only NFC"));
        Feed(builder);
        return builder.Complete(_digest).CharCount;
    }

    [Benchmark]
    public long LineStatisticsOnly()
    {
        using var statistics = new LineStatistics();
        for (var offset = 0; offset < _text.Length; offset += _chunk)
        {
            statistics.Append(_text.AsSpan(offset, Math.Min(_chunk, _text.Length - offset)));
        }

        return statistics.Complete().CharCount;
    }

    [Benchmark]
    public bool NfcCheck_Vectorized() => TextMetricsBuilder.AllStable(_text);

    [Benchmark]
    public bool NfcCheck_Icu() => _text.AsSpan().IsNormalized(System.Text.NormalizationForm.FormC);

    private void Feed(TextMetricsBuilder builder)
    {
        for (var offset = 0; offset < _text.Length; offset += _chunk)
        {
            builder.Append(_text.AsSpan(offset, Math.Min(_chunk, _text.Length - offset)));
        }
    }
}
