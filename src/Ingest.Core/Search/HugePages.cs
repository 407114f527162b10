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

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int madvise(nint address, nuint length, int advice);
}
