using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Ingest.Decoding;

namespace Ingest.Search;

/// <summary>
/// A static, character-level Huffman code for stored CJK text: each character of a fixed model (the common Chinese
/// characters and kanji, CJK punctuation, kana, ASCII) has its own prefix code, 5 to 13 bits; any other character is
/// an escape code plus its scalar value. No table travels with the text, so a 4 KB piece compresses as well as a whole
/// book: about 0.45 of the UTF-8 for Chinese prose, where Brotli at its fastest quality leaves 0.5-0.6 (0.75 on the
/// benchmark's random characters), at several times Brotli's speed.
/// </summary>
/// <remarks>
/// Format (<see cref="TextCodec.CjkHuffman"/>): the UTF-8 length as a LEB128 varint, then the codes packed from the
/// least significant bit of each byte up, the last byte padded with zeros. The model is part of the format: stored text
/// decodes only with the same model, so it never changes (a test pins it). A better model is a new codec id.
/// </remarks>
internal static class CjkHuffman
{
    private const int Escape = -1;      // followed by the 21-bit scalar value
    private const int EscapeHan = -2;   // followed by 15 bits: the offset of a character in U+4E00-U+9FFF
    private const int HanFirst = 0x4E00, HanLast = 0x9FFF;

    /// <summary>The longest code a model may have (this one's are at most 13 bits); the decoder's table has 2^this entries.</summary>
    internal const int MaxCodeLength = 15;

    /// <summary>
    /// Encodes <paramref name="utf8"/> into <paramref name="destination"/>. Returns the bytes written, or -1 when they
    /// do not fit (the caller passes the most it would keep) or the input is not well-formed UTF-8.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var position = WriteVarint(destination, (uint)utf8.Length);
        if (position < 0)
        {
            return -1;
        }

        var model = Model.Instance;
        ref var codes = ref MemoryMarshal.GetArrayDataReference(model.Codes);
        ulong bits = 0;
        var count = 0;
        var limit = destination.Length - sizeof(ulong);
        var i = 0;
        while (i < utf8.Length)
        {
            uint scalar = utf8[i];
            if (scalar < 0x80)
            {
                i++;
            }
            else if ((scalar & 0xF0) == 0xE0 && i + 2 < utf8.Length)
            {
                // Three bytes: CJK, kana, full-width punctuation. Continuation bytes are 10xxxxxx; no overlong or surrogate.
                uint b1 = utf8[i + 1], b2 = utf8[i + 2];
                scalar = ((scalar & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
                if (((b1 ^ 0x80) | (b2 ^ 0x80)) > 0x3F || scalar < 0x800 || scalar - 0xD800 <= 0x7FF)
                {
                    return -1;
                }

                i += 3;
            }
            else if ((scalar & 0xE0) == 0xC0 && i + 1 < utf8.Length)
            {
                uint b1 = utf8[i + 1];
                scalar = ((scalar & 0x1F) << 6) | (b1 & 0x3F);
                if ((b1 ^ 0x80) > 0x3F || scalar < 0x80)
                {
                    return -1;
                }

                i += 2;
            }
            else if ((scalar & 0xF8) == 0xF0 && i + 3 < utf8.Length)
            {
                uint b1 = utf8[i + 1], b2 = utf8[i + 2], b3 = utf8[i + 3];
                scalar = ((scalar & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
                if (((b1 ^ 0x80) | (b2 ^ 0x80) | (b3 ^ 0x80)) > 0x3F || scalar - 0x10000 > 0x10FFFF - 0x10000)
                {
                    return -1;
                }

                i += 4;
            }
            else
            {
                return -1;
            }

            // An entry is the code, bit-reversed for this LSB-first stream, with its length in the top byte; 0: not in the model.
            var entry = scalar <= char.MaxValue ? Unsafe.Add(ref codes, (nint)scalar) : 0;
            if (entry == 0)
            {
                var (escape, value, width) = scalar - HanFirst <= HanLast - HanFirst
                    ? (model.EscapeHanCode, scalar - HanFirst, 15)
                    : (model.EscapeCode, scalar, 21);
                bits |= (ulong)(escape & 0xFFFFFF) << count;
                count += (int)(escape >> 24);
                if (!Flush(destination, ref position, limit, ref bits, ref count))
                {
                    return -1;
                }

                entry = value | ((uint)width << 24);
            }

            bits |= (ulong)(entry & 0xFFFFFF) << count;
            count += (int)(entry >> 24);
            if (!Flush(destination, ref position, limit, ref bits, ref count))
            {
                return -1;
            }
        }

        for (; count > 0; count -= 8, bits >>= 8)
        {
            if (position == destination.Length)
            {
                return -1;
            }

            destination[position++] = (byte)bits;
        }

        return position;
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote; <see cref="InvalidDataException"/> for anything it could not have.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        var position = ReadVarint(encoded, out var length);
        // A code is at least one bit and stands for at most four bytes: a longer claimed length is corrupt.
        if (position < 0 || length > (ulong)(encoded.Length - position) * 8 * 4)
        {
            throw Corrupt();
        }

        var model = Model.Instance;
        ref var table = ref MemoryMarshal.GetArrayDataReference(model.DecodeTable);
        var output = new byte[length];
        var o = 0;
        ulong bits = 0;
        var count = 0; // bits in hand; below zero once codes ran past the end of the input
        while (o < output.Length)
        {
            // Enough for the longest symbol (an escape and 21 bits), whenever the input has them.
            if (position <= encoded.Length - sizeof(ulong))
            {
                bits |= BinaryPrimitives.ReadUInt64LittleEndian(encoded[position..]) << count;
                position += (63 - count) >> 3;
                count |= 56;
            }
            else
            {
                for (; count <= 56 && position < encoded.Length; count += 8)
                {
                    bits |= (ulong)encoded[position++] << count;
                }
            }

            var entry = Unsafe.Add(ref table, (nint)(bits & ((1u << MaxCodeLength) - 1)));
            var codeLength = (int)(entry >> 24) & 0xF;
            bits >>= codeLength;
            count -= codeLength;
            var utf8Length = (int)(entry >> 28);
            if (count < 0)
            {
                throw Corrupt();
            }

            if (utf8Length != 0 && o <= output.Length - sizeof(uint))
            {
                // All four bytes of the entry: the ones past this character's are overwritten by the next ones.
                BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(o), entry);
                o += utf8Length;
                continue;
            }

            if (utf8Length != 0)
            {
                // The last characters, byte by byte.
                if (o > output.Length - utf8Length)
                {
                    throw Corrupt();
                }

                for (var k = 0; k < utf8Length; k++)
                {
                    output[o++] = (byte)(entry >> (8 * k));
                }

                continue;
            }

            var width = (int)(entry & 0xFF);
            var value = (int)(bits & ((1u << width) - 1));
            bits >>= width;
            count -= width;
            var scalar = width == 15 ? HanFirst + value : value;
            if (count < 0 || !Rune.IsValid(scalar) || (scalar < 0x10000 && model.Codes[scalar] != 0)
                || !new Rune(scalar).TryEncodeToUtf8(output.AsSpan(o), out var written))
            {
                throw Corrupt(); // cut short, not a scalar value, one the model has its own code for, or past the length
            }

            o += written;
        }

        // The encoder pads the last byte only, with zeros.
        if (count >= 8 || position != encoded.Length || bits != 0)
        {
            throw Corrupt();
        }

        return output;
    }

    private static InvalidDataException Corrupt() => new("Stored text is corrupt: not a valid CJK Huffman stream.");

    /// <summary>
    /// Writes the whole bytes in hand. Away from the end, all eight bytes of <paramref name="bits"/> at once, with no
    /// branch on how many are whole (a branch taken every few characters, at random, was much of the encoder's time):
    /// the bytes past the whole ones are written again by the next flush.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Flush(Span<byte> destination, ref int position, int limit, ref ulong bits, ref int count)
    {
        if (position <= limit)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[position..], bits);
            var whole = count >> 3;
            position += whole;
            bits >>= whole << 3;
            count &= 7;
            return true;
        }

        for (; count >= 8; count -= 8, bits >>= 8)
        {
            if (position == destination.Length)
            {
                return false;
            }

            destination[position++] = (byte)bits;
        }

        return true;
    }

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var position = 0;
        do
        {
            if (position == destination.Length)
            {
                return -1;
            }

            destination[position++] = (byte)(value < 0x80 ? value : (value & 0x7F) | 0x80);
            value >>= 7;
        }
        while (value != 0);
        return position;
    }

    private static int ReadVarint(ReadOnlySpan<byte> source, out ulong value)
    {
        value = 0;
        for (var i = 0; i < source.Length && i < 5; i++)
        {
            value |= (ulong)(source[i] & 0x7F) << (7 * i);
            if (source[i] < 0x80)
            {
                return value <= int.MaxValue ? i + 1 : -1;
            }
        }

        return -1;
    }

    /// <summary>The model: its symbols in a fixed order, their weights, and the canonical code they give.</summary>
    internal sealed class Model
    {
        public static readonly Model Instance = new();

        private Model()
        {
            var (symbols, weights) = Weighted();
            Symbols = symbols;
            Lengths = CodeLengths(weights);
            Codes = new uint[char.MaxValue + 1];
            DecodeTable = new uint[1 << MaxCodeLength];

            // Canonical codes: by length, then by symbol order, counting up (as Deflate assigns them).
            var order = Enumerable.Range(0, symbols.Length).OrderBy(s => Lengths[s]).ThenBy(s => s).ToArray();
            var code = 0u;
            var previousLength = Lengths[order[0]];
            foreach (var s in order)
            {
                code <<= Lengths[s] - previousLength;
                previousLength = Lengths[s];
                var reversed = Reverse(code, Lengths[s]);
                var entry = reversed | ((uint)Lengths[s] << 24);
                switch (symbols[s])
                {
                    case Escape:
                        EscapeCode = entry;
                        break;
                    case EscapeHan:
                        EscapeHanCode = entry;
                        break;
                    default:
                        Codes[symbols[s]] = entry;
                        break;
                }

                // Every table index whose low bits are this code decodes to it: the character's UTF-8 (up to three bytes,
                // in order from the low one), its code length in bits 24-27 and its UTF-8 length in bits 28-29; for an
                // escape, UTF-8 length 0 and the width of the value that follows.
                var decoded = symbols[s] switch
                {
                    Escape => 21u,
                    EscapeHan => 15u,
                    var scalar => Utf8Of(scalar),
                };
                for (var index = reversed; index < DecodeTable.Length; index += 1u << Lengths[s])
                {
                    DecodeTable[index] = decoded | ((uint)Lengths[s] << 24);
                }

                code++;
            }

            if (code != 1u << previousLength)
            {
                throw new InvalidOperationException("The CJK Huffman model's code is not complete.");
            }
        }

        /// <summary>The scalar value of each symbol, or <see cref="Escape"/> / <see cref="EscapeHan"/>.</summary>
        public int[] Symbols { get; }

        /// <summary>Code length of each symbol, in <see cref="Symbols"/> order.</summary>
        public int[] Lengths { get; }

        /// <summary>By UTF-16 code unit: the bit-reversed code with its length in the top byte; 0 for none.</summary>
        public uint[] Codes { get; }

        public uint EscapeCode { get; }

        public uint EscapeHanCode { get; }

        /// <summary>By the next <see cref="MaxCodeLength"/> bits of the stream: what the code there decodes to.</summary>
        public uint[] DecodeTable { get; }

        /// <summary>
        /// The symbols and their integer weights (per ~10^9 characters of Chinese prose). Fitted roughly on Chinese speeches:
        /// characters of the frequency list (<see cref="ChineseFrequency"/>, then <see cref="JapaneseFrequency"/>'s
        /// kanji) weigh 10^8 / (rank + 16), a Zipf curve; punctuation and ASCII by their usual share.
        /// </summary>
        internal static (int[] Symbols, long[] Weights) Weighted()
        {
            var symbols = new List<int>();
            var weights = new List<long>();
            var seen = new HashSet<int>();
            void Add(int symbol, long weight)
            {
                if (seen.Add(symbol))
                {
                    symbols.Add(symbol);
                    weights.Add(weight);
                }
            }

            Add(Escape, 2_000_000);
            Add(EscapeHan, 25_000_000);
            Add('\n', 5_000_000);
            foreach (var c in "0123456789")
            {
                Add(c, 1_000_000);
            }

            var english = " etaoinshrdlcumwfgypbvkjxqz";
            for (var i = 0; i < english.Length; i++)
            {
                Add(english[i], 6_000_000 / (i + 2));
            }

            for (var c = ' '; c < 0x7F; c++)
            {
                Add(c, 200_000);
            }

            Add('\t', 100_000);
            Add('\r', 100_000);
            foreach (var (c, weight) in (ReadOnlySpan<(char, long)>)[
                ('，', 25_000_000), ('、', 12_000_000), ('。', 10_000_000), ('“', 5_000_000), ('”', 5_000_000),
                ('：', 2_000_000), ('；', 2_000_000), ('（', 2_000_000), ('）', 2_000_000), ('《', 2_000_000), ('》', 2_000_000),
                ('？', 1_000_000), ('！', 1_000_000), ('—', 1_000_000), ('…', 1_000_000)])
            {
                Add(c, weight);
            }

            foreach (var c in ChineseFrequency.FullWidthPunctuation)
            {
                Add(c, 500_000);
            }

            for (var c = '０'; c <= '９'; c++)
            {
                Add(c, 200_000);
            }

            var rank = 0;
            foreach (var c in ChineseFrequency.Simplified + ChineseFrequency.Traditional + JapaneseFrequency.Kanji)
            {
                if (!seen.Contains(c))
                {
                    Add(c, 100_000_000 / (rank++ + 16));
                }
            }

            for (var c = '\u3041'; c <= '\u3096'; c++)
            {
                Add(c, 300_000); // hiragana
            }

            for (var c = '\u30A1'; c <= '\u30FA'; c++)
            {
                Add(c, 150_000); // katakana
            }

            Add('ー', 300_000);
            return (symbols.ToArray(), weights.ToArray());
        }

        /// <summary>Huffman's algorithm; ties go to the earlier symbol, then the earlier merge, so the result never varies.</summary>
        internal static int[] CodeLengths(long[] weights)
        {
            var queue = new PriorityQueue<int, (long Weight, int Order)>();
            var parent = new int[2 * weights.Length - 1];
            var nodeWeight = new long[parent.Length];
            for (var s = 0; s < weights.Length; s++)
            {
                nodeWeight[s] = weights[s];
                queue.Enqueue(s, (weights[s], s));
            }

            for (var next = weights.Length; queue.Count > 1; next++)
            {
                var a = queue.Dequeue();
                var b = queue.Dequeue();
                parent[a] = parent[b] = next;
                nodeWeight[next] = nodeWeight[a] + nodeWeight[b];
                queue.Enqueue(next, (nodeWeight[next], next));
            }

            var lengths = new int[weights.Length];
            var depth = new int[parent.Length];
            for (var node = parent.Length - 2; node >= 0; node--)
            {
                depth[node] = depth[parent[node]] + 1; // parents are numbered after their children
            }

            Array.Copy(depth, lengths, lengths.Length);
            if (lengths.Max() > MaxCodeLength)
            {
                throw new InvalidOperationException($"The CJK Huffman model has codes longer than {MaxCodeLength} bits.");
            }

            return lengths;
        }

        private static uint Utf8Of(int scalar)
        {
            Span<byte> utf8 = stackalloc byte[4];
            var length = new Rune(scalar).EncodeToUtf8(utf8);
            if (length > 3)
            {
                throw new InvalidOperationException("The CJK Huffman model has a character outside the BMP.");
            }

            return (utf8[0] | (uint)utf8[1] << 8 | (uint)utf8[2] << 16) & ((1u << (8 * length)) - 1) | ((uint)length << 28);
        }

        private static uint Reverse(uint code, int length)
        {
            var reversed = 0u;
            for (var i = 0; i < length; i++, code >>= 1)
            {
                reversed = (reversed << 1) | (code & 1);
            }

            return reversed;
        }
    }
}
