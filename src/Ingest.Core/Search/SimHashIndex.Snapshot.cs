using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ingest.Search;

/// <summary>
/// The sorted part of the index saved to a file beside the catalog, which a later process maps instead of loading and
/// grouping every SimHash again.
/// </summary>
/// <remarks>
/// Loading a million documents meant 40 MB of new memory, whose first touch the kernel must zero (and a virtual machine's
/// host may first have to back): that was nearly all a scan into a large catalog paid over a scan into an empty one. A
/// mapped file is the page cache's memory, already there; a lookup touches only the few pages it reads. The file is a
/// cache: the catalog checks it against its SimHash log before use (<see cref="Snapshot.Count"/> entries, the first,
/// one in the middle, the newest) and otherwise loads from the log as before. It is written to a temporary name,
/// flushed, then renamed over the old one, so a reader maps a whole file or none.
/// </remarks>
internal sealed partial class SimHashIndex
{
    private const ulong SnapshotMagic = 0x31484D4953474E49; // "INGSIMH1", little-endian
    private const int SnapshotVersion = 1;
    private const int SnapshotByteOrder = 0x01020304;
    private const int SnapshotHeaderSize = 4096;

    // LastLogRow when the sorted part last held every document: the log row of its newest one or an earlier row, from
    // which a process that maps the snapshot catches up (ids it already has are skipped).
    private long _sortedLogRow;

    // How many sorted documents this process last saved (or tried to): -1 when none since its index was last grouped
    // from scratch. A mapped snapshot is never saved again as it is (see SaveSnapshotIfDue).
    private int _savedCount = -1;

    /// <summary>The documents in the mapped snapshot, 0 without one (for tests and diagnostics).</summary>
    public int SnapshotCount
    {
        get
        {
            lock (_gate)
            {
                return BaseCount;
            }
        }
    }

    /// <summary>
    /// Starts from a checked snapshot, which it then owns; false (and the snapshot disposed) when documents were added
    /// meanwhile, by another catalog sharing this index.
    /// </summary>
    public bool TryLoad(Snapshot snapshot)
    {
        lock (_gate)
        {
            if (_count != 0 || IsLoaded)
            {
                snapshot.Dispose();
                return false;
            }

            _base = snapshot;
            _count = _sorted = _chained = snapshot.Count;
            (_ids, _hashes) = ([], []);
            MaxDocumentId = snapshot.MaxDocumentId;
            LastLogRow = _sortedLogRow = snapshot.LastLogRow;
            return true;
        }
    }

    /// <summary>
    /// Writes the sorted part to <paramref name="path"/> when it holds at least <paramref name="minDocuments"/> documents
    /// and more than the snapshot there (as far as this process knows); false when there was nothing to write.
    /// </summary>
    /// <exception cref="IOException">The file could not be written (the old one, if any, is left as it was).</exception>
    public bool SaveSnapshotIfDue(string path, int minDocuments)
    {
        lock (_gate)
        {
            if (_base is not null || !IsLoaded || _sorted < Math.Max(minDocuments, 1) || _sorted == _savedCount)
            {
                return false;
            }

            var temp = $"{path}.{Environment.ProcessId}.tmp";
            try
            {
                using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
                {
                    var header = new byte[SnapshotHeaderSize];
                    BinaryPrimitives.WriteUInt64LittleEndian(header, SnapshotMagic);
                    BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), SnapshotVersion);
                    MemoryMarshal.Write(header.AsSpan(12), SnapshotByteOrder); // native order, as the arrays below
                    BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), _sorted);
                    BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), _ids[_sorted - 1]);
                    BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), _sortedLogRow);
                    file.Write(header);
                    file.Write(MemoryMarshal.AsBytes(_ids.AsSpan(0, _sorted)));
                    file.Write(MemoryMarshal.AsBytes(_hashes.AsSpan(0, _sorted)));
                    for (var b = 0; b < Bands; b++)
                    {
                        file.Write(MemoryMarshal.AsBytes(_start[b].AsSpan()));
                    }

                    for (var b = 0; b < Bands; b++)
                    {
                        file.Write(MemoryMarshal.AsBytes(_order[b].AsSpan(0, _sorted)));
                    }

                    file.Flush(flushToDisk: true); // the rename must never publish a file whose data is not on disk yet
                }

                File.Move(temp, path, overwrite: true);
                _savedCount = _sorted;
                return true;
            }
            catch
            {
                _savedCount = _sorted; // tried once for this grouping: a full disk is not written 40 MB at every scan
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }

                throw;
            }
        }
    }

    /// <summary>The snapshot at <paramref name="path"/>, mapped and checked for shape; null when absent or malformed.</summary>
    /// <remarks>Whether it belongs to a catalog is the catalog's check: see <c>SqliteCatalog.SnapshotMatches</c>.</remarks>
    public static Snapshot? OpenSnapshot(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            Span<byte> header = stackalloc byte[40];
            if (file.Length < SnapshotHeaderSize || file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length ||
                BinaryPrimitives.ReadUInt64LittleEndian(header) != SnapshotMagic ||
                BinaryPrimitives.ReadInt32LittleEndian(header[8..]) != SnapshotVersion ||
                MemoryMarshal.Read<int>(header[12..]) != SnapshotByteOrder)
            {
                file.Dispose();
                return null;
            }

            var count = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
            if (count <= 0 || count > Array.MaxLength || file.Length != Snapshot.LengthFor((int)count))
            {
                file.Dispose();
                return null;
            }

            var snapshot = new Snapshot(file, (int)count, BinaryPrimitives.ReadInt64LittleEndian(header[24..]), BinaryPrimitives.ReadInt64LittleEndian(header[32..]));
            if (!snapshot.IsWellFormed())
            {
                snapshot.Dispose();
                return null;
            }

            return snapshot;
        }
        catch (IOException)
        {
            file.Dispose();
            return null;
        }
    }

    /// <summary>Turns the mapped slots into arrays of this process's own, before a sort rewrites them all.</summary>
    private void Materialize()
    {
        if (_base is not { } mapped)
        {
            return;
        }

        var tail = _count - mapped.Count;
        var size = (int)Math.Min(Array.MaxLength, WithRoom(_count));
        var (ids, hashes) = (HugePages.Allocate<long>(size), HugePages.Allocate<ulong>(size));
        mapped.Ids.CopyTo(ids);
        mapped.Hashes.CopyTo(hashes);
        _ids.AsSpan(0, tail).CopyTo(ids.AsSpan(mapped.Count));
        _hashes.AsSpan(0, tail).CopyTo(hashes.AsSpan(mapped.Count));
        (_ids, _hashes) = (ids, hashes);
        DropBase();
    }

    private void DropBase()
    {
        _base?.Dispose();
        _base = null;
        _savedCount = -1;
    }

    /// <summary>A snapshot file mapped read-only: the sorted slots' ids and SimHashes, and each band's groups.</summary>
    internal sealed unsafe class Snapshot : IDisposable
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private readonly byte* _data;
        private bool _disposed;

        public Snapshot(FileStream file, int count, long maxDocumentId, long lastLogRow)
        {
            (Count, MaxDocumentId, LastLogRow) = (count, maxDocumentId, lastLogRow);
            _file = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* data = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref data);
            _data = data + _view.PointerOffset;
        }

        public int Count { get; }

        public long MaxDocumentId { get; }

        public long LastLogRow { get; }

        public ulong NewestSimHash => Hashes[Count - 1];

        public ReadOnlySpan<long> Ids => new(_data + SnapshotHeaderSize, Count);

        public ReadOnlySpan<ulong> Hashes => new(_data + SnapshotHeaderSize + (8L * Count), Count);

        public ReadOnlySpan<int> Start(int band) => new(_data + StartOffset(Count) + (4L * (BandValues + 1) * band), BandValues + 1);

        public ReadOnlySpan<Entry> Order(int band) => new(_data + StartOffset(Count) + (4L * (BandValues + 1) * Bands) + ((long)Unsafe.SizeOf<Entry>() * Count * band), Count);

        public static long LengthFor(int count) => StartOffset(count) + (4L * (BandValues + 1) * Bands) + ((long)Unsafe.SizeOf<Entry>() * count * Bands);

        private static long StartOffset(int count) => SnapshotHeaderSize + (16L * count);

        /// <summary>Every group bound in range and in order, and the newest id the header names: lookups trust them.</summary>
        public bool IsWellFormed()
        {
            if (Ids[Count - 1] != MaxDocumentId)
            {
                return false;
            }

            for (var b = 0; b < Bands; b++)
            {
                var start = Start(b);
                if (start[0] != 0 || start[BandValues] != Count)
                {
                    return false;
                }

                for (var v = 0; v < BandValues; v++)
                {
                    if (start[v] > start[v + 1])
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }
}
