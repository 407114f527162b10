using System.Runtime.InteropServices;

namespace Ingest.Disposal;

/// <summary>
/// The few POSIX calls .NET does not expose: <c>link</c> (a move that cannot replace an existing name and
/// reports EXDEV across file systems) and <c>fsync</c> of a directory (so a rename survives power loss).
/// </summary>
internal static partial class NativeFileSystem
{
    public const int EEXIST = 17;
    public const int EXDEV = 18;

    public static bool IsPosix => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    /// <summary>Creates <paramref name="newPath"/> as a hard link; returns 0 or the errno.</summary>
    public static int Link(string oldPath, string newPath) => link(oldPath, newPath) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Flushes a directory's entries to stable storage. A no-op where the platform has no such call.</summary>
    public static void FsyncDirectory(string directory)
    {
        if (!IsPosix)
        {
            return;
        }

        var fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush directory '{directory}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);
}
