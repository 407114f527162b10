using System.Runtime.InteropServices;

namespace Ingest.Disposal;

/// <summary>
/// The few POSIX calls .NET does not expose: <c>renameat2</c> with <c>RENAME_NOREPLACE</c> and <c>link</c> (moves
/// that cannot replace an existing name and report EXDEV across file systems) and <c>fsync</c> of a directory (so a
/// rename survives power loss).
/// </summary>
internal static partial class NativeFileSystem
{
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    private const int ENOTDIR = 20;
    private const int EINVAL = 22;
    private const int ENOSYS = 38;
    private const int EOPNOTSUPP = 95;
    private const uint RENAME_NOREPLACE = 1;

    /// <summary>Cleared once the C library or the kernel lacks <c>renameat2</c> (or a test wants the <c>link</c> path).</summary>
    internal static bool RenameNoReplaceAvailable { get; set; } = OperatingSystem.IsLinux();
    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;

    public static bool IsPosix => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    /// <summary>
    /// Renames <paramref name="oldPath"/> to <paramref name="newPath"/> unless that name exists (EEXIST), atomically, in
    /// one system call. Returns 0, the errno, or -1 where it cannot be done this way: no <c>renameat2</c> (not Linux, an
    /// old C library or kernel) or a file system without <c>RENAME_NOREPLACE</c> (some network shares), where the
    /// caller links and unlinks instead.
    /// </summary>
    public static int RenameNoReplace(string oldPath, string newPath)
    {
        if (!RenameNoReplaceAvailable)
        {
            return -1;
        }

        try
        {
            if (renameat2(AT_FDCWD, oldPath, AT_FDCWD, newPath, RENAME_NOREPLACE) == 0)
            {
                return 0;
            }
        }
        catch (EntryPointNotFoundException)
        {
            RenameNoReplaceAvailable = false;
            return -1;
        }

        var errno = Marshal.GetLastPInvokeError();
        switch (errno)
        {
            case ENOSYS:
                RenameNoReplaceAvailable = false;
                return -1;
            case EINVAL or EOPNOTSUPP:
                return -1; // this file system only: another may support it
            default:
                return errno;
        }
    }

    /// <summary>Creates <paramref name="newPath"/> as a hard link; returns 0 or the errno.</summary>
    public static int Link(string oldPath, string newPath) => link(oldPath, newPath) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>
    /// True when a directory entry of that name exists, a dangling symbolic link included. One system call on Linux
    /// (<c>faccessat</c> without following a link) instead of a <c>stat</c> plus a <c>readlink</c>.
    /// </summary>
    public static bool EntryExists(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            if (faccessat(AT_FDCWD, path, 0 /* F_OK */, AT_SYMLINK_NOFOLLOW) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR)
            {
                return false;
            }
        }

        // Other platforms, or an answer faccessat cannot give (no permission to look): the managed checks.
        return Path.Exists(path) || new FileInfo(path).LinkTarget is not null;
    }

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

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "faccessat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int faccessat(int dirFd, string path, int mode, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);
}
