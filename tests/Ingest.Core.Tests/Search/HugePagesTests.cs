using System.Globalization;
using System.Runtime.InteropServices;
using Ingest.Search;

namespace Ingest.Tests.Search;

public sealed class HugePagesTests
{
    [Fact]
    public void Allocate_LargeArray_HasTheLengthAndHoldsWhatIsWritten()
    {
        var array = HugePages.Allocate<int>(3 << 20);

        Assert.Equal(3 << 20, array.Length);
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = i ^ 0x5A5A;
        }

        Assert.True(array.Select((v, i) => v == (i ^ 0x5A5A)).All(ok => ok));
    }

    [Fact]
    public void Prefault_WritesTheDefaultAPageApartInsideTheRangeAndNothingOutsideIt()
    {
        var array = new long[3 << 20]; // 24 MB
        Array.Fill(array, 7L);
        var (from, to) = (100_003, (2 << 20) + 5);

        HugePages.Prefault(array, from, to);

        var perPage = 4096 / sizeof(long);
        for (var i = 0; i < array.Length; i++)
        {
            var touched = i >= from && i < to && (i - from) % perPage == 0;
            if (array[i] != (touched ? 0L : 7L) && (Environment.ProcessorCount > 1 || array[i] != 7L))
            {
                Assert.Fail($"element {i}: {array[i]}");
            }
        }
    }

    [Fact]
    public void Allocate_LargeArrayOnLinux_AdvisesTheKernelToUseHugePagesForIt()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"))
        {
            return; // no transparent huge pages to advise (another OS, or a kernel built without): a plain array, tested above
        }

        var array = HugePages.Allocate<long>(2 << 20); // 16 MB: whole 2 MB pages inside
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        var start = (ulong)handle.AddrOfPinnedObject();
        handle.Free();
        var inside = ((start + (2ul << 20) - 1) & ~((2ul << 20) - 1)) + 4096;

        // The mapping that holds an aligned address inside the array carries the "hg" flag (MADV_HUGEPAGE).
        string? flags = null;
        var current = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var from) &&
                ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var to))
            {
                current = from <= inside && inside < to;
            }
            else if (current && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                flags = line;
                break;
            }
        }

        GC.KeepAlive(array);
        Assert.NotNull(flags);
        Assert.Contains(" hg", flags);
    }
}
