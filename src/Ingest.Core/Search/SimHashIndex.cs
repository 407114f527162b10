using System.Buffers.Binary;

namespace Ingest.Search;

/// <summary>
/// The near-duplicate lookup, in memory: every recorded document's SimHash, chained by each of its four 16-bit bands.
/// By pigeonhole, two SimHashes within a distance of 3 share at least one band, so the candidates of a lookup are the
/// four chains of its band values (about N / 65,536 documents each).
/// </summary>
/// <remarks>
/// On disk a band index is four B-tree rows per document at random places: in a catalog of a million documents that
/// was a large part of a batch's dirty pages, and its lookups read scattered pages. The catalog keeps an append-only
/// log of packed (document id, SimHash) pairs instead (<see cref="EntrySize"/> bytes each, in rows of up to
/// <see cref="EntriesPerRow"/>); this index is built from it once per process and then caught up. 32 bytes per
/// document in memory (32 MB for a million), plus 1 MB. Thread-safe: catalogs opened on the same file share one.
/// </remarks>
internal sealed class SimHashIndex
{
    /// <summary>A log entry: the document id and the SimHash, both big-endian 64-bit.</summary>
    public const int EntrySize = 16;

    /// <summary>A log row is extended until it holds this many entries (64 KB), then a new row starts.</summary>
    public const int EntriesPerRow = 4096;

    private const int Bands = 4;
    private const int BandValues = 1 << 16;

    private readonly Lock _gate = new();
    private readonly int[][] _heads = new int[Bands][];
    private readonly int[][] _next = new int[Bands][];
    private long[] _ids = [];
    private ulong[] _hashes = [];
    private int _count;

    public SimHashIndex()
    {
        for (var b = 0; b < Bands; b++)
        {
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

    public void MarkLoaded() => IsLoaded = true;

    /// <summary>The SimHash of the newest document added (0 when empty), to check the catalog still holds it.</summary>
    public ulong NewestSimHash
    {
        get
        {
            lock (_gate)
            {
                return _count == 0 ? 0 : _hashes[_count - 1];
            }
        }
    }

    /// <summary>Forgets everything: the catalog file was replaced (restored, recreated) under a running process.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var head in _heads)
            {
                Array.Fill(head, -1);
            }

            _count = 0;
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
            AddLocked(documentId, simHash);
        }
    }

    /// <summary>Makes room for <paramref name="documents"/> more at once: growing by doubling to a million documents
    /// allocated (and had the kernel zero) twice the memory, which was most of the load time.</summary>
    public void Reserve(long documents)
    {
        lock (_gate)
        {
            EnsureCapacity((int)Math.Min(Array.MaxLength, _count + documents));
        }
    }

    /// <summary>Adds the packed entries of a log row, skipping those already added.</summary>
    public void AddEntries(ReadOnlySpan<byte> entries)
    {
        // One lock and one resize per row: a million documents load in tens of milliseconds, not hundreds.
        lock (_gate)
        {
            EnsureCapacity(_count + (entries.Length / EntrySize));
            for (var i = 0; i + EntrySize <= entries.Length; i += EntrySize)
            {
                AddLocked(BinaryPrimitives.ReadInt64BigEndian(entries[i..]), BinaryPrimitives.ReadUInt64BigEndian(entries[(i + 8)..]));
            }
        }
    }

    private void AddLocked(long documentId, ulong simHash)
    {
        if (documentId <= MaxDocumentId)
        {
            return; // ids only grow: this one is in already (a catch-up overlapping what this process added)
        }

        var slot = _count++;
        _ids[slot] = documentId;
        _hashes[slot] = simHash;
        for (var b = 0; b < Bands; b++)
        {
            ref var head = ref _heads[b][Fingerprint.Band(simHash, b)];
            _next[b][slot] = head;
            head = slot;
        }

        MaxDocumentId = documentId;
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
            for (var b = 0; b < Bands; b++)
            {
                for (var slot = _heads[b][Fingerprint.Band(simHash, b)]; slot >= 0; slot = _next[b][slot])
                {
                    var other = _hashes[slot];
                    var distance = Fingerprint.Distance(simHash, other);
                    if (distance > maxDistance || _ids[slot] == exclude || SharesEarlierBand(simHash, other, b))
                    {
                        continue; // too far, itself, or already found in an earlier band's chain
                    }

                    found.Add((_ids[slot], other, distance));
                }
            }
        }

        return found;
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

    private void EnsureCapacity(int needed)
    {
        if (needed <= _ids.Length)
        {
            return;
        }

        var size = Math.Max(needed, Math.Max(1024, _ids.Length * 2));
        Array.Resize(ref _ids, size);
        Array.Resize(ref _hashes, size);
        for (var b = 0; b < Bands; b++)
        {
            Array.Resize(ref _next[b], size);
        }
    }
}
