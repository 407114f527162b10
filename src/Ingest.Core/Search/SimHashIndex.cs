using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ingest.Search;

/// <summary>
/// The near-duplicate lookup, in memory: every recorded document's SimHash, grouped by each of its four 16-bit bands.
/// By pigeonhole, two SimHashes within a distance of 3 share at least one band, so the candidates of a lookup are the
/// four groups of its band values (about N / 65,536 documents each).
/// </summary>
/// <remarks>
/// On disk a band index is four B-tree rows per document at random places: in a catalog of a million documents that
/// was a large part of a batch's dirty pages, and its lookups read scattered pages. The catalog keeps an append-only
/// log of packed (document id, SimHash) pairs instead (<see cref="EntrySize"/> bytes each, in rows of up to
/// <see cref="EntriesPerRow"/>); this index is built from it once per process and then caught up.
/// <para>
/// Each band's groups are contiguous (a counting sort of the document slots by band value), so a lookup reads four
/// short runs of slots and then their SimHashes, loads the processor can overlap; linked chains made every candidate
/// wait for the previous one (a lookup in a million documents took 16 µs, most of scenario d's lookups). Documents
/// added after that sort are chained per band until they are an eighth as many, then everything is sorted again.
/// 40 bytes per document (40 MB for a million; 48 with two bands to an entry), plus 2 MB. Thread-safe: catalogs opened on the same file share one.
/// </para>
/// </remarks>
internal sealed partial class SimHashIndex
{
    /// <summary>A log entry: the document id and the SimHash, both big-endian 64-bit.</summary>
    public const int EntrySize = 16;

    /// <summary>A log row is extended until it holds this many entries (64 KB), then a new row starts.</summary>
    public const int EntriesPerRow = 4096;

    private const int Bands = 4;
    private const int BandValues = 1 << 16;

    /// <summary>Chained documents are sorted in once they pass this many (and an eighth of the sorted ones).</summary>
    private const int SortAfter = 4096;

    private readonly Lock _gate = new();

    // Slots [0, BaseCount) are a snapshot file's, mapped read-only (see SimHashIndex.Snapshot.cs); _ids and _hashes hold
    // the slots from BaseCount on, at slot - BaseCount.
    private Snapshot? _base;
    private long[] _ids = [];
    private ulong[] _hashes = [];

    // Slots [0, _sorted) are grouped by band value: those with value v in _order[b][_start[b][v] .. _start[b][v + 1]),
    // each entry the slot and the next band of its SimHash (see Entry).
    private readonly int[][] _start = new int[Bands][];
    private readonly Entry[][] _order = new Entry[Bands][];
    private int _sorted;

    // Slots [_sorted, _chained) are chained from _heads[b][v] through _next[b][slot - _sorted]; [_chained, _count) are
    // appended (a log row being loaded) and join at the next lookup or add.
    private readonly int[][] _heads = new int[Bands][];
    private readonly int[][] _next = new int[Bands][];
    private int _chained;
    private int _count;

    public SimHashIndex()
    {
        for (var b = 0; b < Bands; b++)
        {
            _start[b] = new int[BandValues + 1];
            _order[b] = [];
            _heads[b] = new int[BandValues];
            Array.Fill(_heads[b], -1);
            _next[b] = [];
        }
    }

    /// <summary>False until the catalog has loaded every recorded SimHash into it.</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>The highest document id added.</summary>
    public long MaxDocumentId { get; private set; }

    /// <summary>The last log row read or written: a catalog catches up from it (it may have been extended since).</summary>
    public long LastLogRow { get; private set; }

    /// <summary>Every log row up to <paramref name="row"/> is in the index.</summary>
    public void SeenLogRow(long row)
    {
        lock (_gate)
        {
            LastLogRow = Math.Max(LastLogRow, row);
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Every recorded SimHash is in: groups what the load appended.</summary>
    public void MarkLoaded()
    {
        lock (_gate)
        {
            Join();
            IsLoaded = true;
        }
    }

    /// <summary>The SimHash of the newest document added (0 when empty), to check the catalog still holds it.</summary>
    public ulong NewestSimHash
    {
        get
        {
            lock (_gate)
            {
                return _count == 0 ? 0 : Hash(_count - 1);
            }
        }
    }

    /// <summary>Forgets everything: the catalog file was replaced (restored, recreated) under a running process.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            DropBase();
            ResetChains();
            _count = 0;
            _sorted = 0;
            _chained = 0;
            MaxDocumentId = 0;
            LastLogRow = 0;
            IsLoaded = false;
        }
    }

    /// <summary>Adds a recorded document; a document id already added (or older than the newest) is ignored.</summary>
    public void Add(long documentId, ulong simHash)
    {
        lock (_gate)
        {
            EnsureCapacity(_count + 1);
            Append(documentId, simHash);
            Join();
        }
    }

    /// <summary>
    /// Makes room for <paramref name="documents"/> more at once, and for a few scans' worth beyond: growing a million
    /// documents' arrays copies them into memory the kernel must first hand over (and zero), most of a load's time.
    /// </summary>
    public void Reserve(long documents)
    {
        lock (_gate)
        {
            var needed = _count + documents;
            EnsureCapacity((int)Math.Min(Array.MaxLength, WithRoom(needed)));
            var loaded = (int)Math.Min(_ids.Length, needed - BaseCount);
            HugePages.Prefault(_ids, _count - BaseCount, loaded);
            HugePages.Prefault(_hashes, _count - BaseCount, loaded);
        }
    }

    /// <summary>Adds the packed entries of a log row, skipping those already added.</summary>
    public void AddEntries(ReadOnlySpan<byte> entries)
    {
        // One lock and one resize per row; grouped once the load is done (MarkLoaded) or at the next lookup.
        lock (_gate)
        {
            EnsureCapacity(_count + (entries.Length / EntrySize));
            for (var i = 0; i + EntrySize <= entries.Length; i += EntrySize)
            {
                Append(BinaryPrimitives.ReadInt64BigEndian(entries[i..]), BinaryPrimitives.ReadUInt64BigEndian(entries[(i + 8)..]));
            }
        }
    }

    private void Append(long documentId, ulong simHash)
    {
        if (documentId <= MaxDocumentId)
        {
            return; // ids only grow: this one is in already (a catch-up overlapping what this process added)
        }

        _ids[_count - BaseCount] = documentId;
        _hashes[_count - BaseCount] = simHash;
        _count++;
        MaxDocumentId = documentId;
    }

    /// <summary>Brings appended documents into the lookup: chained when few, otherwise everything is grouped again.</summary>
    private void Join()
    {
        if (_chained == _count)
        {
            return;
        }

        if (_count - _sorted > Math.Max(SortAfter, _sorted / 8))
        {
            Sort();
            return;
        }

        for (var b = 0; b < Bands; b++)
        {
            if (_next[b].Length < _count - _sorted)
            {
                Array.Resize(ref _next[b], Math.Max(SortAfter, _sorted / 8)); // the most ever chained: past it, Sort
            }

            for (var slot = _chained; slot < _count; slot++)
            {
                ref var head = ref _heads[b][Fingerprint.Band(Hash(slot), b)];
                _next[b][slot - _sorted] = head;
                head = slot;
            }
        }

        _chained = _count;
    }

    /// <summary>Groups every document by each band value: a counting sort, two passes over the SimHashes per band.</summary>
    private void Sort()
    {
        Materialize();
        // The bands are independent. Each writes an array of 6 bytes per document that is usually new memory, whose first
        // touch costs more than the sort (the kernel zeroes it; a virtual machine's host may have to back it too): a
        // million documents' load spent ~80 ms of its ~170 ms faulting in these arrays on one thread, while the writer
        // waited for it and the files read ahead filled their queue. Sorted on every core, it waits about half as long.
        if (_count >= ParallelSortMin)
        {
            Parallel.For(0, Bands, SortBand);
        }
        else
        {
            for (var b = 0; b < Bands; b++)
            {
                SortBand(b);
            }
        }

        ResetChains();
        _sorted = _count;
        _chained = _count;
        _sortedLogRow = LastLogRow;
    }

    /// <summary>Below this many documents a sort takes well under a millisecond: not worth handing to other threads.</summary>
    private const int ParallelSortMin = 1 << 16;

    private void SortBand(int b)
    {
        var start = _start[b];
        Array.Clear(start);
        for (var slot = 0; slot < _count; slot++)
        {
            start[Fingerprint.Band(_hashes[slot], b) + 1]++;
        }

        for (var v = 0; v < BandValues; v++)
        {
            start[v + 1] += start[v];
        }

        if (_order[b].Length < _count)
        {
            _order[b] = HugePages.Allocate<Entry>(_ids.Length);
        }

        // start[v + 1] is now where group v ends. Fill each group from its end, slots descending (so ascending within
        // it), which leaves start[v + 1] where group v begins; one shift down makes start[v] that.
        var order = _order[b];
        for (var slot = _count - 1; slot >= 0; slot--)
        {
            var hash = _hashes[slot];
            order[--start[Fingerprint.Band(hash, b) + 1]] = new Entry(slot, NextBand(hash, b));
        }

        Array.Copy(start, 1, start, 0, BandValues);
        start[BandValues] = _count;
    }

    private void ResetChains()
    {
        if (_chained > _sorted)
        {
            foreach (var head in _heads)
            {
                Array.Fill(head, -1);
            }
        }
    }

    /// <summary>Packs a document's log entry.</summary>
    public static void WriteEntry(Span<byte> destination, long documentId, ulong simHash)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, documentId);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], simHash);
    }

    /// <summary>
    /// The documents within <paramref name="maxDistance"/> (at most 3) of <paramref name="simHash"/>, each once, other
    /// than <paramref name="exclude"/>.
    /// </summary>
    public List<(long Id, ulong SimHash, int Distance)> Within(ulong simHash, int maxDistance, long exclude = 0)
    {
        var found = new List<(long, ulong, int)>();
        lock (_gate)
        {
            Join();
            for (var b = 0; b < Bands; b++)
            {
                var value = (int)Fingerprint.Band(simHash, b);
                if (_sorted > 0)
                {
                    var start = GroupStarts(b);
                    var order = GroupOrder(b);
                    var next = NextBand(simHash, b);
                    for (int i = start[value], end = start[value + 1]; i < end; i++)
                    {
                        // A second band is in the entry: all but ~1% of candidates are ruled out without reading the rest.
                        var entry = order[i];
                        if (BitOperations.PopCount((uint)(next ^ entry.NextBand)) <= maxDistance)
                        {
                            Consider(entry.Slot, b);
                        }
                    }
                }

                for (var slot = _heads[b][value]; slot >= 0; slot = _next[b][slot - _sorted])
                {
                    Consider(slot, b);
                }
            }
        }

        return found;

        void Consider(int slot, int band)
        {
            if ((uint)slot >= (uint)_count)
            {
                return; // a snapshot's entry out of range: a damaged file cannot make a lookup read outside it
            }

            var other = Hash(slot);
            var distance = Fingerprint.Distance(simHash, other);
            if (distance > maxDistance || Id(slot) == exclude || SharesEarlierBand(simHash, other, band))
            {
                return; // too far, itself, or already found in an earlier band's group
            }

            found.Add((Id(slot), other, distance));
        }
    }

    /// <summary>
    /// The band after band <paramref name="band"/>, kept in its group entries: the distance of these 16 bits is at most the
    /// whole distance, so a candidate further than that is ruled out without a random read of its SimHash (most of a
    /// lookup's time in a million documents). A random candidate passes with odds of 697 in 65,536 at distance 3; two
    /// bands (32 bits) ruled out nearly all, but cost 2 bytes more per band and document, memory a load must first fault in.
    /// </summary>
    private static ushort NextBand(ulong simHash, int band) => (ushort)BitOperations.RotateRight(simHash, 16 * (band + 1));

    /// <summary>A group entry: 6 bytes, the document's slot and <see cref="NextBand"/>.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    internal readonly struct Entry(int slot, ushort nextBand)
    {
        public readonly int Slot = slot;
        public readonly ushort NextBand = nextBand;
    }

    private static bool SharesEarlierBand(ulong a, ulong b, int band)
    {
        for (var earlier = 0; earlier < band; earlier++)
        {
            if (Fingerprint.Band(a, earlier) == Fingerprint.Band(b, earlier))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Room for slots up to <paramref name="needed"/> (the snapshot's slots need none).</summary>
    private void EnsureCapacity(int needed)
    {
        needed -= BaseCount;
        if (needed <= _ids.Length)
        {
            return;
        }

        // Half as much again, not twice: a million documents' arrays are 16 MB, and new memory costs its first touch.
        var size = Math.Max(needed, Math.Max(1024, _ids.Length + (_ids.Length / 2)));
        _ids = Grown(_ids, size, _count - BaseCount);
        _hashes = Grown(_hashes, size, _count - BaseCount);
    }

    /// <summary>How many slots the mapped snapshot holds: 0 without one.</summary>
    private int BaseCount => _base?.Count ?? 0;

    /// <summary>Room for <paramref name="documents"/> and for a few scans' worth beyond, before an eighth more forces a sort.</summary>
    private static long WithRoom(long documents) => documents + (documents / 8) + SortAfter;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Id(int slot) => slot < BaseCount ? _base!.Ids[slot] : _ids[slot - BaseCount];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Hash(int slot) => slot < BaseCount ? _base!.Hashes[slot] : _hashes[slot - BaseCount];

    /// <summary>Where each value's group of band <paramref name="band"/> starts: the snapshot's when one is mapped.</summary>
    private ReadOnlySpan<int> GroupStarts(int band) => _base is { } mapped ? mapped.Start(band) : _start[band];

    /// <summary>Band <paramref name="band"/>'s entries in group order: the snapshot's when one is mapped.</summary>
    private ReadOnlySpan<Entry> GroupOrder(int band) => _base is { } mapped ? mapped.Order(band) : _order[band];

    /// <summary>A larger array holding the first <paramref name="used"/> items: uninitialized, as every slot is written before it is read.</summary>
    private static T[] Grown<T>(T[] array, int size, int used)
        where T : unmanaged
    {
        var grown = HugePages.Allocate<T>(size);
        array.AsSpan(0, used).CopyTo(grown);
        return grown;
    }
}
