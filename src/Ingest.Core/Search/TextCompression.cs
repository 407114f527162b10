using System.Buffers;
using System.IO.Compression;

namespace Ingest.Search;

/// <summary>How a document's stored text is compressed: <c>document_text.codec</c>. Stored values; never renumber.</summary>
internal enum TextCodec
{
    /// <summary>Brotli at quality 0: every row before catalog v10, and text the CJK model does not fit.</summary>
    Brotli = 0,

    /// <summary><see cref="Search.CjkHuffman"/>.</summary>
    CjkHuffman = 1,
}

/// <summary>Stored document text: compressed UTF-8 and the codec it takes.</summary>
internal readonly record struct StoredText(TextCodec Codec, byte[] Bytes);

/// <summary>Compresses stored text with the CJK Huffman code, or Brotli where that code does not fit the text.</summary>
internal static class TextCompression
{
    public static StoredText Compress(ReadOnlySpan<byte> utf8)
    {
        // Text the CJK model does not know (Latin, Hangul, Cyrillic) codes long: past 3/4 of its UTF-8, Brotli is
        // smaller, and the Huffman encoder stops as soon as it reaches that bound.
        var bound = utf8.Length / 4 * 3 + 16;
        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            var written = CjkHuffman.Encode(utf8, buffer.AsSpan(0, bound));
            if (written >= 0)
            {
                return new StoredText(TextCodec.CjkHuffman, buffer.AsSpan(0, written).ToArray());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new StoredText(TextCodec.Brotli, Brotli(utf8));
    }

    /// <summary>Brotli at quality 0, as all stored text was before catalog v10 and text the CJK code does not fit is now.</summary>
    public static byte[] Brotli(ReadOnlySpan<byte> utf8)
    {
        // The window need not exceed the input: Brotli's state grows with it (4 MB at 22), which costs more than the
        // compression itself for a small file. Quality 0: several times faster than 2, for output 5-8% larger.
        var window = Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(utf8.Length, 1)), 10, 22);
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

    public static byte[] Decompress(StoredText stored)
    {
        switch (stored.Codec)
        {
            case TextCodec.CjkHuffman:
                return CjkHuffman.Decode(stored.Bytes);
            case TextCodec.Brotli:
                using (var input = new MemoryStream(stored.Bytes))
                using (var brotli = new BrotliStream(input, CompressionMode.Decompress))
                using (var output = new MemoryStream())
                {
                    brotli.CopyTo(output);
                    return output.ToArray();
                }

            default:
                throw new InvalidDataException($"Stored text has an unknown codec: {(int)stored.Codec}.");
        }
    }
}
