using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Ingest.Search;

/// <summary>A document's near-duplicate fingerprint: a 64-bit SimHash and a small MinHash signature.</summary>
internal sealed record Fingerprint(ulong SimHash, uint[] MinHash)
{
    public const int MinHashSize = 64;

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    /// <summary>Band 0-3 of a SimHash: its 16-bit slice, the key of the near-duplicate lookup.</summary>
    public static long Band(ulong simHash, int band) => (long)((simHash >> (16 * band)) & 0xFFFF);

    /// <summary>Estimated Jaccard similarity of the two documents' shingle sets.</summary>
    public static double Similarity(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (a.Length == 0 || a.Length != b.Length)
        {
            return 0;
        }

        var same = 0;
        for (var i = 0; i < a.Length; i++)
        {
            same += a[i] == b[i] ? 1 : 0;
        }

        return (double)same / a.Length;
    }

    /// <summary>The MinHash as stored (little-endian bytes), without a copy on a little-endian machine.</summary>
    public ReadOnlySpan<byte> MinHashStored => BitConverter.IsLittleEndian ? MemoryMarshal.AsBytes(MinHash.AsSpan()) : MinHashBytes();

    public byte[] MinHashBytes()
    {
        var bytes = new byte[MinHash.Length * 4];
        for (var i = 0; i < MinHash.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), MinHash[i]);
        }

        return bytes;
    }

    public static uint[] MinHashFromBytes(ReadOnlySpan<byte> bytes)
    {
        var values = new uint[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]);
        }

        return values;
    }
}

/// <summary>
/// Streams normalized text into a SimHash (Charikar) and a MinHash over 2-character shingles of the NFKC text
/// with whitespace removed. Two characters: a dozen edits in a 3,000-character speech keep 98% of copies within
/// 3 bits while different speeches stay 11 or more apart; 3-character shingles spread edits over more features
/// (only about 60% stay within 3 bits).
/// </summary>
internal sealed class FingerprintBuilder
{
    /// <summary>Test switch: builders created while it is set count with the portable bit planes below.</summary>
    internal static readonly AsyncLocal<bool> PortableCountsForTests = new();

    // SimHash needs, for each of the 64 bits, how many shingle hashes have it set. With AVX2 each hash adds 1 to 64 byte
    // counters (two 32-byte vectors: spread a bit to a byte, compare, subtract), which are added to 64 wide totals
    // before a byte can overflow; about a fifth of the bit-plane ripple's cost per shingle, which was the largest
    // single cost of fingerprinting a small file.
    private Vector256<byte> _lowBytes;
    private Vector256<byte> _highBytes;
    private int _inBytes;
    private readonly long[]? _totals;

    // Elsewhere: vertical (bit-sliced) counters: _counts[k] holds bit k of all 64 counts, so adding a hash is a ripple
    // carry through the planes.
    private readonly ulong[]? _counts;
    private readonly uint[] _minHash = new uint[Fingerprint.MinHashSize];
    private int _previous = -1;
    private long _shingles;
    private int _pendingHigh;

    public FingerprintBuilder()
    {
        Array.Fill(_minHash, uint.MaxValue);
        if (!CountsArePortable)
        {
            _totals = new long[64];
        }
        else
        {
            _counts = new ulong[48];
        }
    }

    /// <summary>One builder per thread for <see cref="OfUtf8"/>: its counters were a kilobyte of garbage per file.</summary>
    [ThreadStatic]
    private static FingerprintBuilder? t_spare;

    /// <summary>This thread's spare builder, emptied, or a new one; give it back with <see cref="Return"/>.</summary>
    private static FingerprintBuilder Rent()
    {
        var spare = t_spare;
        t_spare = null;
        return spare is not null && (spare._totals is null) == CountsArePortable ? spare : new FingerprintBuilder();
    }

    private static bool CountsArePortable => !Avx2.IsSupported || PortableCountsForTests.Value;

    private static void Return(FingerprintBuilder builder)
    {
        builder._lowBytes = default;
        builder._highBytes = default;
        builder._inBytes = 0;
        builder._totals?.AsSpan().Clear();
        builder._counts?.AsSpan().Clear();
        Array.Fill(builder._minHash, uint.MaxValue);
        builder._previous = -1;
        builder._shingles = 0;
        builder._pendingHigh = 0;
        t_spare = builder;
    }

    /// <summary>
    /// The fingerprint of normalized UTF-8 text (the search capture), decoded a piece at a time; pieces end before a
    /// character that combines with nothing before it, so the result is that of the whole text.
    /// </summary>
    public static Fingerprint? OfUtf8(ReadOnlySpan<byte> utf8)
    {
        const int PieceBytes = 64 * 1024;
        var builder = Rent();
        var chars = ArrayPool<char>.Shared.Rent(2 * PieceBytes);
        try
        {
            var carry = 0;
            while (!utf8.IsEmpty)
            {
                var cut = Math.Min(utf8.Length, PieceBytes);
                while (cut < utf8.Length && cut > 0 && (utf8[cut] & 0xC0) == 0x80)
                {
                    cut--;
                }

                var decoded = carry + Encoding.UTF8.GetChars(utf8[..cut], chars.AsSpan(carry));
                utf8 = utf8[cut..];
                var pending = chars.AsSpan(0, decoded);
                var boundary = utf8.IsEmpty ? decoded : Ingest.Metadata.TextMetricsBuilder.LastBoundary(pending);
                if (boundary <= 0 || decoded - boundary > PieceBytes / 2)
                {
                    boundary = char.IsHighSurrogate(pending[^1]) ? decoded - 1 : decoded; // no boundary: cut anywhere
                }

                builder.Append(pending[..boundary]);
                pending[boundary..].CopyTo(chars);
                carry = decoded - boundary;
            }

            builder.Append(chars.AsSpan(0, carry));
            return builder.Build();
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            Return(builder);
        }
    }

    /// <summary>
    /// Adds text, in any chunking that keeps each surrogate pair in one chunk: ICU rejects a lone surrogate, and the
    /// call then throws having added nothing of the chunk (<see cref="OfUtf8"/> never splits a pair).
    /// </summary>
    public void Append(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var nonPlain = IndexOfNonPlainKc(text);
        if (_pendingHigh != 0 || (nonPlain >= 0 && !IcuAccepts(text)))
        {
            // A high surrogate waiting for its pair, or text ICU rejects: whole, as always, so ICU throws before anything
            // of the chunk is added.
            AppendGeneral(text);
            return;
        }

        // Every plain or mapped character is a safe cut: it combines with nothing before it, so NFKC of the chunk is NFKC
        // of the pieces between such cuts, joined. Plain runs take the fast loop, the rest ICU as before.
        while (nonPlain >= 0)
        {
            // A mapped character on its own needs a safe cut after it too: the next character must be plain or mapped.
            var mapped = MappedKc(text[nonPlain]);
            if (mapped is not null && (nonPlain + 1 == text.Length || IsPlainKc(text[nonPlain + 1]) || MappedKc(text[nonPlain + 1]) is not null))
            {
                AppendPlain(text[..nonPlain]);
                foreach (var c in mapped)
                {
                    AddScalar(c);
                }

                text = text[(nonPlain + 1)..];
            }
            else
            {
                // The plain character before may combine with this one (a + U+0301, か + U+3099, 가 + U+11A8): it goes too.
                var start = Math.Max(nonPlain - 1, 0);
                var end = EndOfGeneral(text, nonPlain + 1);
                AppendPlain(text[..start]);
                AppendGeneral(text[start..end]);
                text = text[end..];
            }

            nonPlain = IndexOfNonPlainKc(text);
        }

        AppendPlain(text);
    }

    /// <summary>
    /// Whether .NET passes the text to ICU: it throws for a lone surrogate or U+FFFE (both outside the plain and mapped
    /// sets, so a chunk that has them has a general piece).
    /// </summary>
    private static bool IcuAccepts(ReadOnlySpan<char> text)
    {
        if (text.Contains('\uFFFE'))
        {
            return false;
        }

        for (var i = text.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0; i = text.IndexOfAnyInRange('\uD800', '\uDFFF'))
        {
            if (!char.IsHighSurrogate(text[i]) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return false;
            }

            text = text[(i + 2)..];
        }

        return true;
    }

    // Cutting a piece for ICU costs a call into it: only before a plain run at least this long (text in another script
    // with ASCII spaces and punctuation stays in one piece, as before).
    private const int MinPlainRun = 32;

    /// <summary>Where the piece for ICU that goes on at <paramref name="from"/> ends: before a long plain run, or at the end.</summary>
    private static int EndOfGeneral(ReadOnlySpan<char> text, int from)
    {
        var i = from;
        while (i < text.Length)
        {
            if (!IsPlainKc(text[i]))
            {
                i++;
                continue;
            }

            var run = IndexOfNonPlainKc(text[i..]);
            if (run < 0 || run >= MinPlainRun)
            {
                return i;
            }

            i += run;
        }

        return text.Length;
    }

    /// <summary>Any text through ICU's NFKC, a character at a time.</summary>
    private void AppendGeneral(ReadOnlySpan<char> text)
    {
        char[]? rented = null;
        if (!text.IsNormalized(NormalizationForm.FormKC))
        {
            var length = text.GetNormalizedLength(NormalizationForm.FormKC);
            rented = ArrayPool<char>.Shared.Rent(length);
            text.TryNormalize(rented, out var written, NormalizationForm.FormKC);
            text = rented.AsSpan(0, written);
        }

        foreach (var c in text)
        {
            int scalar;
            if (char.IsHighSurrogate(c))
            {
                _pendingHigh = c;
                continue;
            }

            if (char.IsLowSurrogate(c) && _pendingHigh != 0)
            {
                scalar = char.ConvertToUtf32((char)_pendingHigh, c);
                _pendingHigh = 0;
            }
            else
            {
                scalar = c;
            }

            AddScalar(scalar);
        }

        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>One character of the NFKC text: whitespace is dropped, the rest makes a shingle with the one before.</summary>
    private void AddScalar(int scalar)
    {
        if (scalar < 0x10000 && char.IsWhiteSpace((char)scalar))
        {
            return;
        }

        if (_previous >= 0)
        {
            AddShingle(((ulong)(uint)_previous << 21) | (uint)scalar);
        }

        _previous = scalar;
    }

    /// <summary>
    /// Plain text without ICU: its NFKC form is itself except for full-width ASCII forms, which map to ASCII one to one
    /// (see <see cref="IsPlainKc"/>).
    /// </summary>
    private void AppendPlain(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        if (_totals is not null)
        {
            AddPlainShingles(text);
            return;
        }

        foreach (var c in text)
        {
            AddScalar(PlainScalar(c));
        }
    }

    /// <summary>
    /// The NFKC form of a character outside the plain set that real documents have now and then, which combines with
    /// nothing before it (checked exhaustively by a test); null for any other. Spares a call into ICU for each.
    /// </summary>
    internal static string? MappedKc(char c) => c switch
    {
        '\u3000' or '\u00A0' => " ",
        '\uFE50' => ",",
        '\uFE51' => "\u3001",
        '\u2026' => "...",
        '\u00B7' => "\u00B7",
        '\u2236' => "\u2236",
        '\u2013' => "\u2013",
        '\u2015' => "\u2015",
        '\u2022' => "\u2022",
        '\u00B0' => "\u00B0",
        '\u00D7' => "\u00D7",
        '\u3014' => "\u3014",
        '\u3015' => "\u3015",
        '\u30FB' => "\u30FB",
        '\u30FC' => "\u30FC",
        _ => null,
    };

    /// <summary>The NFKC form of a plain character: full-width ASCII forms map to ASCII, the rest to themselves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PlainScalar(char c) =>
        c - (0xFEE0 & -Unsafe.BitCast<bool, byte>((uint)(c - '\uFF01') <= '\uFF5E' - '\uFF01')); // no branch: ，is every few characters

    /// <summary>char.IsWhiteSpace of a plain scalar: only ASCII ones are whitespace (see <see cref="IsPlainKc"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsPlainWhiteSpace(int scalar) =>
        (uint)scalar <= ' ' && ((1UL << scalar) & (1UL << ' ' | 1UL << '\t' | 1UL << '\n' | 1UL << '\v' | 1UL << '\f' | 1UL << '\r')) != 0;

    /// <summary>
    /// <see cref="AddShingle"/> with the byte counters for plain text, the state in locals: kept in fields and updated
    /// once per call, every shingle was a chain of 32-byte stores and reloads.
    /// </summary>
    private void AddPlainShingles(ReadOnlySpan<char> text)
    {
        var i = 0;
        var previous = _previous;
        while (previous < 0 && i < text.Length)
        {
            var scalar = PlainScalar(text[i++]);
            previous = IsPlainWhiteSpace(scalar) ? -1 : scalar;
        }

        // Shingles are counted 255 at a time, as the byte counters are flushed, and inBytes at the end.
        var (low, high, inBytes, flushedShingles) = (_lowBytes, _highBytes, _inBytes, _shingles - _inBytes);
        ref var bins = ref MemoryMarshal.GetArrayDataReference(_minHash);
        var (lowIndex, highIndex, bitOfByte) = (SpreadIndex, SpreadIndex + Vector256.Create((byte)4), BitOfByte);
        for (; i < text.Length; i++)
        {
            var scalar = PlainScalar(text[i]);
            if (IsPlainWhiteSpace(scalar))
            {
                continue;
            }

            var h = Mix(((ulong)(uint)previous << 21) | (uint)scalar);
            previous = scalar;

            // One broadcast of the hash serves both halves: vpshufb picks bytes 0-3 or 4-7 of each 16-byte lane.
            var spread = Vector256.Create(h).AsByte();
            low -= Vector256.Equals(Avx2.Shuffle(spread, lowIndex) & bitOfByte, bitOfByte);
            high -= Vector256.Equals(Avx2.Shuffle(spread, highIndex) & bitOfByte, bitOfByte);
            if (++inBytes == byte.MaxValue)
            {
                AddToTotals(low, high);
                (low, high, inBytes, flushedShingles) = (Vector256<byte>.Zero, Vector256<byte>.Zero, 0, flushedShingles + byte.MaxValue);
            }

            // Stored unconditionally: whether a shingle lowers its bin is a coin toss early in a text, and mispredicted
            // branches were much of this loop's time.
            ref var bin = ref Unsafe.Add(ref bins, (nint)(h >> 58));
            var lower = (long)(uint)h - bin;
            bin = (uint)(bin + (lower & (lower >> 63))); // the smaller of the two (Math.Min compiles to a branch)
        }

        (_lowBytes, _highBytes, _inBytes, _shingles, _previous) = (low, high, inBytes, flushedShingles + inBytes, previous);
    }

    /// <summary>The index of the first character that is not <see cref="IsPlainKc"/>, or -1; 16 at a time where the common ranges cover them.</summary>
    internal static int IndexOfNonPlainKc(ReadOnlySpan<char> text)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            for (; i <= text.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var common = Vector256.LessThan(v, Vector256.Create((ushort)0x80))
                    | Vector256.LessThan(v - Vector256.Create((ushort)0x4E00), Vector256.Create((ushort)(0x9FFF - 0x4E00 + 1)))
                    | Vector256.LessThan(v - Vector256.Create((ushort)0xFF01), Vector256.Create((ushort)(0xFF5E - 0xFF01 + 1)))
                    | Vector256.LessThan(v - Vector256.Create((ushort)0x3001), Vector256.Create((ushort)2));
                if (common != Vector256<ushort>.AllBitsSet && IndexOfNonPlainKcScalar(text.Slice(i, Vector256<ushort>.Count)) is >= 0 and var at)
                {
                    return i + at;
                }
            }
        }

        return IndexOfNonPlainKcScalar(text[i..]) is >= 0 and var tail ? i + tail : -1;
    }

    private static int IndexOfNonPlainKcScalar(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsPlainKc(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Characters whose NFKC form is themselves (or, for U+FF01–U+FF5E, the ASCII character 0xFEE0 below) and that
    /// never combine with a neighbour; none is whitespace but the ASCII ones. Checked exhaustively by a test.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsPlainKc(char c) =>
        c < '\u0080'
        || c is >= '\u4E00' and <= '\u9FFF'
        || c is >= '\uFF01' and <= '\uFF5E'
        || c is '\u3001' or '\u3002' or '\u2014' or '\u2018' or '\u2019' or '\u201C' or '\u201D'
        || c is >= '\u3008' and <= '\u3011'
        || c is >= '\u3041' and <= '\u3096'
        || c is >= '\u30A1' and <= '\u30FA'
        || c is >= '\uAC00' and <= '\uD7A3';

    private void AddShingle(ulong shingle)
    {
        _shingles++;
        var h = Mix(shingle);

        if (_totals is not null)
        {
            CountBytes(h);
        }
        else
        {
            var counts = _counts!;
            var carry = h;
            for (var k = 0; carry != 0; k++)
            {
                var next = counts[k] & carry;
                counts[k] ^= carry;
                carry = next;
            }
        }

        // MinHash by one-permutation hashing: the top bits pick a bin, the low bits compete for its minimum.
        var bin = (int)(h >> 58);
        var value = (uint)h;
        if (value < _minHash[bin])
        {
            _minHash[bin] = value;
        }
    }

    /// <summary>The fingerprint, or null for a text without a single non-whitespace character.</summary>
    public Fingerprint? Build()
    {
        if (_previous < 0)
        {
            return null;
        }

        if (_shingles == 0)
        {
            AddShingle((ulong)(uint)_previous << 21); // a one-character text still gets a fingerprint
        }

        // A bit is set when more than half of the shingle hashes have it (the sum of +1 and -1 is positive).
        FlushBytes();
        ulong simHash = 0;
        for (var bit = 0; bit < 64; bit++)
        {
            if (2 * Count(bit) > _shingles)
            {
                simHash |= 1UL << bit;
            }
        }

        return new Fingerprint(simHash, Densify(_minHash));
    }

    /// <summary>How many shingle hashes had this bit set (byte counters flushed).</summary>
    private long Count(int bit)
    {
        if (_totals is not null)
        {
            return _totals[bit];
        }

        long count = 0;
        for (var k = 0; k < _counts!.Length; k++)
        {
            count |= (long)((_counts[k] >> bit) & 1) << k;
        }

        return count;
    }

    // Byte j of the spread holds byte j / 8 of a 32-bit half (vpshufb picks within each 16-byte lane, and every lane of
    // the broadcast holds the same four bytes); masking with 1 << (j % 8) isolates bit j.
    private static readonly Vector256<byte> SpreadIndex = Vector256.Create(
        (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);

    private static readonly Vector256<byte> BitOfByte = Vector256.Create(
        (byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountBytes(ulong h)
    {
        _lowBytes -= Spread((uint)h);
        _highBytes -= Spread((uint)(h >> 32));
        if (++_inBytes == byte.MaxValue)
        {
            FlushBytes();
        }
    }

    /// <summary>All-ones (that is, -1) in byte j where bit j of <paramref name="half"/> is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // R2R cannot compile AVX2 code: uninlined, it ran at tier 0 first
    private static Vector256<byte> Spread(uint half)
    {
        var bytes = Avx2.Shuffle(Vector256.Create(half).AsByte(), SpreadIndex);
        return Vector256.Equals(bytes & BitOfByte, BitOfByte);
    }

    private void FlushBytes()
    {
        if (_totals is null || _inBytes == 0)
        {
            return;
        }

        AddToTotals(_lowBytes, _highBytes);
        (_lowBytes, _highBytes, _inBytes) = (Vector256<byte>.Zero, Vector256<byte>.Zero, 0);
    }

    private void AddToTotals(Vector256<byte> low, Vector256<byte> high)
    {
        var totals = _totals!;
        for (var j = 0; j < 32; j++)
        {
            totals[j] += low.GetElement(j);
            totals[j + 32] += high.GetElement(j);
        }
    }

    /// <summary>Empty bins borrow from the next filled one (rotation densification), so short texts still compare.</summary>
    private static uint[] Densify(uint[] bins)
    {
        var result = (uint[])bins.Clone();
        for (var i = 0; i < result.Length; i++)
        {
            for (int k = 1, j = i + 1; result[i] == uint.MaxValue && k < result.Length; k++, j++)
            {
                j = j == bins.Length ? 0 : j; // (i + k) % bins.Length: the division was most of a short text's cost
                var donor = bins[j];
                if (donor != uint.MaxValue)
                {
                    result[i] = donor ^ (uint)k; // mixed with the distance so borrowed values differ from real ones
                }
            }
        }

        return result;
    }

    /// <summary>SplitMix64's finalizer: a fast, well-mixed 64-bit hash of a 64-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }


}
