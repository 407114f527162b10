using System.Buffers;
using System.IO.Compression;

namespace Ingest.Search;

/// <summary>Stored document text is Brotli-compressed UTF-8: Chinese prose shrinks to about half.</summary>
internal static class TextCompression
{
    public static byte[] Compress(ReadOnlySpan<byte> utf8)
    {
        // The window need not exceed the input: Brotli's state grows with it (4 MB at 22), which costs more than the
        // compression itself for a small file. Quality 0, measured on Chinese speeches: 18 µs per 4 KB piece and 64 µs
        // per 20 KB speech, against 45 and 195 µs at quality 2, for output 5-8% larger (0.63 and 0.51 of the input,
        // against 0.60 and 0.47). Per small file this was the largest single cost after the kernel's.
        var window = Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(utf8.Length, 1)), 10, 22);
        // Compressed into a pooled buffer of the worst-case size, then copied out at its real size: a new worst-case
        // buffer per file was half of what a small file's analysis allocated.
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(utf8.Length));
        try
        {
            if (!BrotliEncoder.TryCompress(utf8, buffer, out var written, quality: 0, window: window))
            {
                throw new InvalidOperationException("Brotli could not compress into its own bound.");
            }

            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static byte[] Decompress(byte[] compressed)
    {
        using var input = new MemoryStream(compressed);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        brotli.CopyTo(output);
        return output.ToArray();
    }
}
