using System.Runtime.InteropServices;
using System.Text;
using Ingest.Pipeline;

namespace Ingest.Worker.Service;

/// <summary>The drop folder is served by another process: exit code 3.</summary>
internal sealed class FolderInUseException(string dropFolder, string holder)
    : Exception($"Drop folder '{dropFolder}' is in use by another instance ({holder}).")
{
    public string DropFolder { get; } = dropFolder;

    public string Holder { get; } = holder;
}

/// <summary>
/// One instance per drop folder: <c>&lt;DropFolder&gt;/.ingest.lock</c> held open with an OS-level lock
/// (flock on Linux and macOS, a share-mode lock on Windows) and holding the PID and host name of the holder.
/// The OS releases it when the process dies, so a crash never leaves a stale lock.
/// </summary>
internal sealed partial class DropFolderLock : IDisposable
{
    private readonly FileStream _stream;

    private DropFolderLock(string path, FileStream stream)
    {
        LockFile = path;
        _stream = stream;
    }

    public string LockFile { get; }

    /// <summary>The lock file still exists (false once the drop folder was removed, even if it came back).</summary>
    public bool IsCurrent => File.Exists(LockFile);

    /// <summary>Takes the lock of <paramref name="dropFolder"/>, which must exist.</summary>
    /// <exception cref="FolderInUseException">Another process holds it.</exception>
    public static DropFolderLock Acquire(string dropFolder)
    {
        var path = Path.Combine(dropFolder, ScanPipeline.LockFileName);
        FileStream stream;
        try
        {
            // FileShare.None makes .NET take flock(LOCK_EX|LOCK_NB) on Unix; on Windows, readers may still read the holder.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite,
                OperatingSystem.IsWindows() ? FileShare.Read : FileShare.None, 4096, FileOptions.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new FolderInUseException(dropFolder, ReadHolder(path));
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.Hidden);
            }

            var text = Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} on {Environment.MachineName}\n");
            stream.SetLength(0);
            stream.Write(text);
            stream.Flush(flushToDisk: false);
            return new DropFolderLock(path, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>What the holder wrote, e.g. "pid 1234 on host".</summary>
    internal static string ReadHolder(string path)
    {
        try
        {
            var bytes = OperatingSystem.IsWindows() ? ReadShared(path) : ReadIgnoringFlock(path);
            var text = Encoding.UTF8.GetString(bytes).Trim();
            return text.Length == 0 ? "holder unknown" : text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return "holder unknown";
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[512];
        var n = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..n];
    }

    /// <summary>flock is advisory: a plain open(2) reads the file even though .NET's FileStream would refuse (it takes LOCK_SH).</summary>
    private static byte[] ReadIgnoringFlock(string path)
    {
        var fd = Libc.Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open {path} (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            var buffer = new byte[512];
            var n = Libc.Read(fd, buffer, buffer.Length);
            return n <= 0 ? [] : buffer[..(int)n];
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    public void Dispose() => _stream.Dispose();

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
        public static partial nint Read(int fd, [Out] byte[] buffer, nint count);

        [LibraryImport("libc", EntryPoint = "close")]
        public static partial int Close(int fd);
    }
}
