using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ingest.Search;

/// <summary>
/// Large arrays of the in-memory near-duplicate index, asked to be backed by 2 MB pages on Linux. A million documents'
/// index is some 36 MB that a scan fills at start; in 4 KB pages that is 9,000 first-touch page faults, and on the
/// benchmark's virtual machine each cost ~17 µs of kernel time (0.17 s of a 1.2 s scan). Transparent huge pages in
/// <c>madvise</c> mode (the usual default) serve such a range in 2 MB pieces. Elsewhere, or if the kernel says no,
/// nothing changes.
/// </summary>
internal static partial class HugePages
{
    private const int MADV_HUGEPAGE = 14;
    private const long Size = 2 << 20;

    /// <summary>Arrays below this many bytes are left alone: they cover no whole 2 MB page, or too few to matter.</summary>
    private const long MinBytes = 2 * Size;

    /// <summary>An uninitialized array, pinned so that its memory stays where the advice was given.</summary>
    public static T[] Allocate<T>(int length)
        where T : unmanaged
    {
        var bytes = (long)length * Unsafe.SizeOf<T>();
        if (bytes < MinBytes || !OperatingSystem.IsLinux())
        {
            return GC.AllocateUninitializedArray<T>(length);
        }

        var array = GC.AllocateUninitializedArray<T>(length, pinned: true);
        unsafe
        {
            // Only the whole 2 MB pages inside the array: the advice must not reach memory the array does not own.
            var start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            var first = (start + Size - 1) & ~(Size - 1);
            var last = (start + bytes) & ~(Size - 1);
            if (last > first)
            {
                _ = madvise((nint)first, (nuint)(last - first), MADV_HUGEPAGE); // advice: a refusal changes nothing
            }
        }

        return array;
    }

    /// <summary>
    /// Writes the default value into <paramref name="array"/>[<paramref name="from"/>..<paramref name="to"/>) a page at a
    /// time, from every core. A fresh page's first write is what costs (the kernel zeroes it; on a virtual machine the
    /// host may have to back it too): the load of a million documents' SimHashes spent ~50 ms of its ~170 ms faulting in
    /// the 18 MB it then fills on one thread, while the writer waited. Only for a range about to be filled.
    /// </summary>
    public static void Prefault<T>(T[] array, int from, int to)
        where T : unmanaged
    {
        if ((long)(to - from) * Unsafe.SizeOf<T>() < MinBytes || Environment.ProcessorCount < 2)
        {
            return;
        }

        var perChunk = (int)(Size / Unsafe.SizeOf<T>());
        var perPage = Math.Max(1, 4096 / Unsafe.SizeOf<T>());
        var chunks = (int)(((long)to - from + perChunk - 1) / perChunk);
        Parallel.For(0, chunks, c =>
        {
            var end = (int)Math.Min(to, from + ((long)(c + 1) * perChunk));
            for (var i = from + (c * perChunk); i < end; i += perPage)
            {
                array[i] = default;
            }
        });
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int madvise(nint address, nuint length, int advice);
}
