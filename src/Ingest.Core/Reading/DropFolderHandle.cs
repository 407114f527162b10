using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ingest.Reading;

/// <summary>
/// A drop folder opened once per scan (Linux 5.6 and later), so that each file is opened relative to it with
/// <c>openat2</c> and <c>RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS</c>: one system call both opens the file and refuses a
/// symbolic link anywhere below the folder, where the managed path checks each folder level first (a stat, an lstat and
/// a geteuid each) and then opens by path. The folder's own path may go through links (/srv/drop → /mnt/share): it is
/// resolved once, here.
/// </summary>
/// <remarks>
/// <see cref="TryOpen"/> returns null where this is not available (another platform, an older kernel, a seccomp filter
/// that refuses the call, a C library without <c>statx</c>): the analyzer then takes the managed path, as before.
/// </remarks>
internal sealed partial class DropFolderHandle : IDisposable
{
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EAGAIN = 11; // also EWOULDBLOCK: flock on a file locked exclusively
    public const int EACCES = 13;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ELOOP = 40;

    /// <summary>Test switch: scans opened while it is set take the managed path, as on a kernel without openat2.</summary>
    internal static readonly AsyncLocal<bool> ManagedOpenForTests = new();

    private const long SYS_openat2 = 437; // the same number on every Linux architecture
    private const int AT_FDCWD = -100;
    private const int AT_EMPTY_PATH = 0x1000;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const ulong O_CLOEXEC = 0x80000;
    private const ulong O_PATH = 0x200000;
    private const ulong RESOLVE_NO_SYMLINKS = 0x04;
    private const ulong RESOLVE_BENEATH = 0x08;
    private const uint STATX_SIZE_MTIME = 0x200 | 0x40;
    private const int LOCK_SH_NB = 1 | 4;
    private const int POSIX_FADV_SEQUENTIAL = 2;

    /// <summary>.NET's own opt-out of the advisory lock it takes for FileShare on Unix; honoured here the same way.</summary>
    private static readonly bool FileLockingDisabled =
        (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled) ||
        Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is { } value &&
        (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    private readonly SafeFileHandle _folder;

    private DropFolderHandle(string root, SafeFileHandle folder)
    {
        Root = root;
        _folder = folder;
    }

    /// <summary>The folder's path as the scanner reports it, without a trailing separator.</summary>
    public string Root { get; }

    /// <summary>Opens <paramref name="root"/>, or returns null when files must be opened the managed way.</summary>
    public static DropFolderHandle? TryOpen(string root)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess || ManagedOpenForTests.Value)
        {
            return null;
        }

        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

        // O_PATH: only a starting point for the opens below. No O_DIRECTORY (its value differs between architectures):
        // the scanner has already refused a drop folder that is not a directory.
        var how = new OpenHow { Flags = O_PATH | O_CLOEXEC };
        var fd = OpenAt2(AT_FDCWD, root, ref how);
        if (fd < 0)
        {
            return null; // ENOSYS before Linux 5.6, EPERM from some container filters; otherwise the managed path reports it
        }

        var folder = new SafeFileHandle((nint)fd, ownsHandle: true);
        if (!CanStat(folder))
        {
            folder.Dispose();
            return null;
        }

        return new DropFolderHandle(root, folder);
    }

    private static bool CanStat(SafeFileHandle folder)
    {
        try
        {
            return statx(folder, "", AT_EMPTY_PATH, STATX_SIZE_MTIME, out _) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a C library without statx (musl before 1.2.5)
        }
    }

    /// <summary>The path of <paramref name="fullPath"/> relative to the folder, or null when it is not below it.</summary>
    public string? RelativePathOf(string fullPath) =>
        fullPath.Length > Root.Length + 1 && fullPath[Root.Length] == '/' && fullPath.StartsWith(Root, StringComparison.Ordinal)
            ? fullPath[(Root.Length + 1)..]
            : null;

    /// <summary>
    /// Opens a file below the folder for reading, never through a symbolic link, with the shared advisory lock .NET
    /// takes for FileShare.Read (a .NET writer holding the file with FileShare.None has not finished it).
    /// </summary>
    /// <returns>0 and the handle, or the errno: ELOOP or EXDEV for a link on the path, EAGAIN for a lock held.</returns>
    public int Open(string relativePath, bool sequential, out SafeFileHandle? handle)
    {
        handle = null;
        var how = new OpenHow { Flags = O_CLOEXEC, Resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
        long fd;
        for (var attempt = 1; (fd = OpenAt2(_folder, relativePath, ref how)) < 0; attempt++)
        {
            // EAGAIN: a rename elsewhere raced the lookup and the kernel could not prove it stayed beneath the
            // folder; the lookup is retried a few times, then reported like a lock (transient, tried again later).
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR && (errno != EAGAIN || attempt == 8))
            {
                return errno;
            }
        }

        var opened = new SafeFileHandle((nint)fd, ownsHandle: true);
        if (!FileLockingDisabled && flock(opened, LOCK_SH_NB) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            opened.Dispose(); // no lock was taken: closing is all there is to undo
            return errno;
        }

        if (sequential)
        {
            _ = posix_fadvise(opened, 0, 0, POSIX_FADV_SEQUENTIAL); // a hint: larger read-ahead; a failure changes nothing
        }

        handle = opened;
        return 0;
    }

    /// <summary>
    /// What is at the path now, without following a link: one <c>statx</c>. False when nothing readable is there.
    /// The last write is in ticks, truncated from nanoseconds the way .NET reports it to the scanner.
    /// </summary>
    public bool TryStat(string relativePath, out long size, out long lastWriteTicks)
    {
        if (statx(_folder, relativePath, AT_SYMLINK_NOFOLLOW, STATX_SIZE_MTIME, out var s) != 0)
        {
            (size, lastWriteTicks) = (0, 0);
            return false;
        }

        size = (long)s.Size;
        lastWriteTicks = DateTime.UnixEpoch.Ticks + (s.MtimeSeconds * TimeSpan.TicksPerSecond) + (s.MtimeNanoseconds / 100);
        return true;
    }

    /// <summary>
    /// <c>pread</c> on a file opened by <see cref="Open"/>. RandomAccess.Read would first ask the kernel whether the
    /// handle can seek (an lseek per file); these handles are regular files. Throws with the errno as HResult.
    /// </summary>
    public static unsafe int Read(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        fixed (byte* p = buffer)
        {
            nint n;
            while ((n = pread(file, p, (nuint)buffer.Length, offset)) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
                }
            }

            return (int)n;
        }
    }

    public void Dispose() => _folder.Dispose();

    private static long OpenAt2(int dirFd, string path, ref OpenHow how) => syscall(SYS_openat2, dirFd, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());

    private static long OpenAt2(SafeFileHandle dir, string path, ref OpenHow how)
    {
        var added = false;
        dir.DangerousAddRef(ref added);
        try
        {
            return OpenAt2((int)dir.DangerousGetHandle(), path, ref how);
        }
        finally
        {
            if (added)
            {
                dir.DangerousRelease();
            }
        }
    }

    /// <summary><c>struct open_how</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>The leading part of <c>struct statx</c> up to the fields read here; the kernel writes 256 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(112)]
        public long MtimeSeconds;

        [FieldOffset(120)]
        public uint MtimeNanoseconds;
    }

    // openat2 has no C library wrapper in most distributions: the generic syscall entry. The dirfd travels as a long,
    // as every variadic argument of syscall() does.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall(long number, long dirFd, string path, ref OpenHow how, nuint size);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(SafeFileHandle dirFd, string path, int flags, uint mask, out Statx buffer);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int flock(SafeFileHandle fd, int operation);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint pread(SafeFileHandle fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int posix_fadvise(SafeFileHandle fd, long offset, long length, int advice);
}
