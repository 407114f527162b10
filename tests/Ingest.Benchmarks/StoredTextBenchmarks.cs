using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Ingest.Search;

namespace Ingest.Benchmarks;

/// <summary>
/// The stored text of a small file (4 KB of CJK UTF-8): the CJK Huffman code that Ingest stores against Brotli at
/// quality 0, which it stored before catalog v10, both ways. Sizes are printed by <c>-- codec</c>.
/// </summary>
[MemoryDiagnoser]
public class StoredTextBenchmarks
{
    private byte[] _text = [];
    private byte[] _huffman = [];
    private byte[] _brotli = [];
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _text = CjkText.Utf8(4096, seed: 3);
        _buffer = new byte[BrotliEncoder.GetMaxCompressedLength(_text.Length)];
        _huffman = _buffer.AsSpan(0, CjkHuffman.Encode(_text, _buffer)).ToArray();
        BrotliEncoder.TryCompress(_text, _buffer, out var written, quality: 0, window: 13);
        _brotli = _buffer.AsSpan(0, written).ToArray();
    }

    [Benchmark(Baseline = true)]
    public int Compress_4K_Brotli0() => BrotliEncoder.TryCompress(_text, _buffer, out var written, quality: 0, window: 13) ? written : -1;

    [Benchmark]
    public int Compress_4K_CjkHuffman() => CjkHuffman.Encode(_text, _buffer);

    [Benchmark]
    public int Decompress_4K_Brotli() => TextCompression.Decompress(new StoredText(TextCodec.Brotli, _brotli)).Length;

    [Benchmark]
    public int Decompress_4K_CjkHuffman() => CjkHuffman.Decode(_huffman).Length;
}
