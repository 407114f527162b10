using Microsoft.Win32.SafeHandles;

namespace Ingest.Reading;

/// <summary>
/// A file open for one analysis, read with positional reads from a position kept here: the handle may come from
/// <see cref="DropFolderHandle"/> or from a managed open, and no <see cref="FileStream"/> is needed for either.
/// </summary>
/// <param name="expectedLength">The length enumeration saw: a short read that reaches it is the end of the file.</param>
/// <param name="openedBelow">Opened by <see cref="DropFolderHandle.Open"/>: a regular file, read with pread directly.</param>
internal sealed class OpenedFile(SafeFileHandle handle, long expectedLength, bool openedBelow) : IDisposable
{
    /// <summary>Where the next <see cref="ReadFull"/> starts.</summary>
    public long Position { get; set; }

    /// <summary>The length now (one fstat): for a rejected file, its length as if read whole.</summary>
    public long Length => RandomAccess.GetLength(handle);

    /// <summary>
    /// Reads until the buffer is full or the file ends, so a short read means end of file. A short read that reaches the
    /// length enumeration saw is taken as the end without the read that would return 0 (a small file costs one read);
    /// a file that grew meanwhile then counts fewer bytes than it has, and the check after the read skips it.
    /// </summary>
    public int ReadFull(byte[] buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = ReadAt(buffer.AsSpan(filled), Position);
            if (n == 0)
            {
                break;
            }

            filled += n;
            Position += n;
            if (Position >= expectedLength && filled < buffer.Length)
            {
                break;
            }
        }

        return filled;
    }

    /// <summary>Reads at <paramref name="offset"/> without moving <see cref="Position"/>.</summary>
    public int ReadAt(Span<byte> buffer, long offset) =>
        openedBelow ? DropFolderHandle.Read(handle, buffer, offset) : RandomAccess.Read(handle, buffer, offset);

    public void Dispose() => handle.Dispose();
}
