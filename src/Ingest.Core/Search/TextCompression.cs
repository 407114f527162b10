using System.IO.Compression;

namespace Ingest.Search;

/// <summary>Stored document text is Brotli-compressed UTF-8: CJK text shrinks to about a third.</summary>
internal static class TextCompression
{
    public static byte[] Compress(ReadOnlySpan<byte> utf8)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(utf8.Length)];
        if (!BrotliEncoder.TryCompress(utf8, buffer, out var written, quality: 4, window: 22))
        {
            throw new InvalidOperationException("Brotli could not compress into its own bound.");
        }

        return buffer[..written];
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
