using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Ingest.Search;

namespace Ingest.Benchmarks;

/// <summary>
/// Size and speed of the stored-text codecs on real files, one file at a time as a scan stores them:
/// <c>dotnet run -c Release --project tests/Ingest.Benchmarks -- codec DIR [PIECE_BYTES]</c>. Files are cut into pieces of
/// PIECE_BYTES (whole files when 0) at character boundaries. Prints figures only.
/// </summary>
internal static class CodecComparison
{
    public static void Run(string folder, int pieceBytes)
    {
        var pieces = new List<byte[]>();
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(path);
            for (var start = 0; start < bytes.Length;)
            {
                var end = pieceBytes <= 0 ? bytes.Length : Math.Min(bytes.Length, start + pieceBytes);
                while (end < bytes.Length && (bytes[end] & 0xC0) == 0x80)
                {
                    end++; // not inside a character
                }

                pieces.Add(bytes[start..end]);
                start = end;
            }
        }

        var total = pieces.Sum(p => (long)p.Length);
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(pieces.Max(p => p.Length)) + 16];
        Console.WriteLine($"{pieces.Count} pieces, {total:N0} bytes of UTF-8");
        Console.WriteLine("codec                 size    compress MB/s  decompress MB/s");
        Measure("Brotli quality 0", p => TextCompression.Brotli(p), c => TextCompression.Decompress(new StoredText(TextCodec.Brotli, c)));
        Measure("CJK Huffman", p =>
        {
            var n = CjkHuffman.Encode(p, buffer);
            return n >= 0 ? buffer[..n] : throw new InvalidOperationException("not UTF-8");
        }, c => CjkHuffman.Decode(c));
        Measure("as stored (either)", p => TextCompression.Compress(p).Bytes, null);

        void Measure(string name, Func<byte[], byte[]> compress, Func<byte[], byte[]>? decompress)
        {
            var compressed = pieces.Select(compress).ToList(); // the sizes
            // Long enough for tiered compilation to replace the first, unoptimized code.
            for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 1.5;)
            {
                for (var i = 0; i < pieces.Count; i++)
                {
                    _ = compress(pieces[i]);
                    _ = decompress?.Invoke(compressed[i]);
                }
            }

            var best = double.MaxValue;
            var bestDecode = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                var sw = Stopwatch.StartNew();
                foreach (var p in pieces)
                {
                    _ = compress(p);
                }

                best = Math.Min(best, sw.Elapsed.TotalSeconds);
                if (decompress is not null)
                {
                    sw.Restart();
                    for (var i = 0; i < pieces.Count; i++)
                    {
                        if (decompress(compressed[i]).Length != pieces[i].Length)
                        {
                            throw new InvalidOperationException($"{name} did not round-trip piece {i}");
                        }
                    }

                    bestDecode = Math.Min(bestDecode, sw.Elapsed.TotalSeconds);
                }
            }

            var size = compressed.Sum(c => (long)c.Length) / (double)total;
            var decode = decompress is null ? "-" : (total / 1e6 / bestDecode).ToString("F0", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-20} {size,6:F3}  {total / 1e6 / best,14:F0}  {decode,15}"));
        }
    }
}
