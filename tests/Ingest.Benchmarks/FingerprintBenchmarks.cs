using BenchmarkDotNet.Attributes;
using Ingest.Search;

namespace Ingest.Benchmarks;

/// <summary>
/// The near-duplicate fingerprint of one captured text (~4 KB: a small file of scenario a; 64 KB: one whole piece of
/// <see cref="FingerprintBuilder.OfUtf8"/>), from decoded chars and from the UTF-8 capture as the analyzer calls it.
/// </summary>
public class FingerprintBenchmarks : FingerprintBenchmarkBase
{
    [Params(4 * 1024, 64 * 1024)]
    public int Utf8Bytes { get; set; }

    [GlobalSetup]
    public void Setup() => Use(CjkText.Generate(Utf8Bytes, seed: 6));
}

/// <summary>The two ways to fingerprint a text; subclasses choose the text.</summary>
[MemoryDiagnoser]
public abstract class FingerprintBenchmarkBase
{
    private string _text = "";
    private byte[] _utf8 = [];

    protected void Use(string text) => (_text, _utf8) = (text, System.Text.Encoding.UTF8.GetBytes(text));

    [Benchmark]
    public ulong Append_Chars()
    {
        var builder = new FingerprintBuilder();
        builder.Append(_text);
        return builder.Build()!.SimHash;
    }

    [Benchmark]
    public ulong OfUtf8() => FingerprintBuilder.OfUtf8(_utf8)!.SimHash;
}
