using System.Runtime.InteropServices;
using System.Text;

namespace Ingest.Scanning;

/// <summary>
/// Recovers the raw bytes of file names that are not valid UTF-8 (e.g. GBK names unpacked from a Windows zip on
/// Linux). .NET decodes such names lossily (U+FFFD), so the real name is read with <c>readdir</c> and escaped.
/// </summary>
internal static partial class RawFileNames
{
    /// <summary>The name with every byte outside printable ASCII written as <c>\xNN</c>; the lossy name where the raw one cannot be read.</summary>
    public static string Escape(string directory, string lossyName)
    {
        if (OperatingSystem.IsLinux())
        {
            foreach (var raw in ListRaw(directory))
            {
                if (Encoding.UTF8.GetString(raw) == lossyName)
                {
                    return EscapeBytes(raw);
                }
            }
        }

        return lossyName.Replace("\uFFFD", "\\ufffd", StringComparison.Ordinal);
    }

    internal static string EscapeBytes(ReadOnlySpan<byte> raw)
    {
        var sb = new StringBuilder(raw.Length * 2);
        foreach (var b in raw)
        {
            if (b is >= 0x20 and < 0x7F && b != (byte)'\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return sb.ToString();
    }

    private static List<byte[]> ListRaw(string directory)
    {
        var names = new List<byte[]>();
        var dir = opendir(directory);
        if (dir == IntPtr.Zero)
        {
            return names;
        }

        try
        {
            IntPtr entry;
            while ((entry = readdir(dir)) != IntPtr.Zero)
            {
                // glibc's struct dirent on 64-bit Linux: ino (8), off (8), reclen (2), type (1), then the NUL-terminated name.
                var name = ReadCString(entry + 19);
                if (name.Length > 0 && !System.Text.Unicode.Utf8.IsValid(name))
                {
                    names.Add(name);
                }
            }
        }
        finally
        {
            _ = closedir(dir);
        }

        return names;
    }

    private static byte[] ReadCString(IntPtr p)
    {
        var length = 0;
        while (length < 256 && Marshal.ReadByte(p, length) != 0)
        {
            length++;
        }

        var bytes = new byte[length];
        Marshal.Copy(p, bytes, 0, length);
        return bytes;
    }

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr opendir(string name);

    [LibraryImport("libc", EntryPoint = "readdir")]
    private static partial IntPtr readdir(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int closedir(IntPtr dir);
}
