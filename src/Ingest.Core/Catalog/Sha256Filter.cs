using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Ingest.Catalog;

/// <summary>
/// A Bloom filter of a hash index tier's SHA-256 hashes: the settled tier's (schema v8), built with each merge of the
/// tiers and stored beside their boundary, and the recent tier's (v9), kept by each fold. A new document's look-up then
/// reads no leaf of those indexes: in a catalog of a
/// million documents 10,000 new files were 10,000 random leaf reads, from the page cache at best and from the disk
/// otherwise. It has no false negatives; a hash it never saw answers "maybe" about once in 2,000 and is then looked up
/// in every tier, as every hash was before.
/// </summary>
internal sealed class Sha256Filter
{
    private const byte FormatVersion = 1;
    private const int BitsPerHash = 16;
    private const int Probes = 8;

    private readonly ulong[] _words;
    private readonly ulong _mask; // bit index mask: the bit count is a power of two

    private Sha256Filter(ulong[] words)
    {
        _words = words;
        _mask = ((ulong)words.Length * 64) - 1;
    }

    /// <summary>An empty filter sized for <paramref name="hashes"/> hashes (16 to 32 bits each).</summary>
    public static Sha256Filter Create(long hashes)
    {
        var bits = BitOperations.RoundUpToPowerOf2((ulong)Math.Max(64, hashes * BitsPerHash));
        return new Sha256Filter(new ulong[bits / 64]);
    }

    /// <summary>Adds a hash; a value that is not 64 hex digits is skipped, as <see cref="MayContain"/> always answers maybe for one.</summary>
    public void Add(string sha256)
    {
        if (TryKey(sha256, out var h1, out var h2))
        {
            Set(h1, h2);
        }
    }

    /// <summary><see cref="Add(string)"/> of the hash's UTF-8 text, as SQLite returns it: a merge adds a million without a string each.</summary>
    public void AddUtf8(ReadOnlySpan<byte> sha256)
    {
        if (TryKey(sha256, out var h1, out var h2))
        {
            Set(h1, h2);
        }
    }

    public bool MayContain(string sha256)
    {
        if (!TryKey(sha256, out var h1, out var h2))
        {
            return true;
        }

        for (var i = 0; i < Probes; i++)
        {
            var bit = Bit(h1, h2, i);
            if ((_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private void Set(ulong h1, ulong h2)
    {
        for (var i = 0; i < Probes; i++)
        {
            var bit = Bit(h1, h2, i);
            _words[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    /// <summary>The i-th probe: double hashing with an odd step, so the probes of a hash never repeat a bit too soon.</summary>
    private ulong Bit(ulong h1, ulong h2, int i) => (h1 + ((ulong)i * (h2 | 1))) & _mask;

    /// <summary>A format byte, then the bits as little-endian 64-bit words.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[1 + (_words.Length * 8)];
        bytes[0] = FormatVersion;
        for (var i = 0; i < _words.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1 + (i * 8)), _words[i]);
        }

        return bytes;
    }

    /// <summary>The filter <see cref="ToBytes"/> wrote, or null for anything else (then it is built again).</summary>
    public static Sha256Filter? FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (!IsWellFormed(bytes))
        {
            return null;
        }

        var words = new ulong[(bytes.Length - 1) / 8];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(1 + (i * 8))..]);
        }

        return new Sha256Filter(words);
    }

    /// <summary>Whether <paramref name="bytes"/> is a filter <see cref="FromBytes"/> reads, without reading it.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> bytes)
    {
        var length = bytes.Length - 1;
        return !bytes.IsEmpty && bytes[0] == FormatVersion && length >= 8 && length % 8 == 0 && BitOperations.IsPow2(length / 8);
    }

    /// <summary>Two 64-bit values from the hash's own digits (it is uniformly random already).</summary>
    private static bool TryKey(ReadOnlySpan<char> hex, out ulong h1, out ulong h2)
    {
        (h1, h2) = (0, 0);
        return hex.Length == 64 &&
               ulong.TryParse(hex[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out h1) &&
               ulong.TryParse(hex[16..32], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out h2);
    }

    /// <summary><see cref="TryKey(ReadOnlySpan{char}, out ulong, out ulong)"/> of UTF-8 digits.</summary>
    private static bool TryKey(ReadOnlySpan<byte> hex, out ulong h1, out ulong h2)
    {
        (h1, h2) = (0, 0);
        return hex.Length == 64 &&
               ulong.TryParse(hex[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out h1) &&
               ulong.TryParse(hex[16..32], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out h2);
    }
}
