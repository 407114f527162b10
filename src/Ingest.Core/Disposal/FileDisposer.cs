using System.Security.Cryptography;
using Ingest.Configuration;

namespace Ingest.Disposal;

/// <summary>
/// Step 6 of a scan: moves or deletes a file after its record has committed. A move keeps the relative
/// sub-path and never overwrites: a taken name gets a suffix, <c>name (2).ext</c>, <c>name (3).ext</c>, …
/// </summary>
/// <remarks>
/// On Linux a move is <c>renameat2</c> with <c>RENAME_NOREPLACE</c>; elsewhere on POSIX, and on file systems without
/// that flag, <c>link</c> then <c>unlink</c>. Both fail on a taken name instead of replacing it, and report a move
/// across file systems, which becomes copy, flush, verify, rename, then delete, so there is never a moment when
/// neither copy is durable. With <see cref="Durability.Full"/> both directories are flushed.
/// </remarks>
internal static class FileDisposer
{
    private const string PartialSuffix = ".ingest-partial";

    /// <summary>The first free destination for <paramref name="relativePath"/> below <paramref name="root"/>, skipping names in <paramref name="reserved"/>.</summary>
    /// <param name="newFolders">This scan's knowledge of folders that did not exist before it (null: look every name up).</param>
    public static string PlanDestination(string root, string relativePath, ISet<string>? reserved = null, NewFolders? newFolders = null)
    {
        var target = PathUtil.FromCatalogPath(root, relativePath);
        if (!PathUtil.IsSameOrInside(root, target) || PathUtil.IsSameOrInside(target, root))
        {
            throw new IOException($"Destination '{target}' would escape its folder '{root}'.");
        }

        if (!IsTaken(target, reserved, onDisk: newFolders?.IsNew(Path.GetDirectoryName(target)!) != true))
        {
            reserved?.Add(target);
            return target;
        }

        return NextFree(target, reserved);
    }

    private static string NextFree(string target, ISet<string>? reserved)
    {
        var directory = Path.GetDirectoryName(target)!;
        var stem = Path.GetFileNameWithoutExtension(target);
        var extension = Path.GetExtension(target);
        for (var n = 2; ; n++)
        {
            var candidate = Path.Combine(directory, $"{stem} ({n}){extension}");
            if (!IsTaken(candidate, reserved))
            {
                reserved?.Add(candidate);
                return candidate;
            }
        }
    }

    /// <param name="onDisk">False where no other name can be on disk (a folder new in this scan): only reservations count.</param>
    private static bool IsTaken(string path, ISet<string>? reserved, bool onDisk = true) =>
        (reserved?.Contains(path) ?? false) || (onDisk && NativeFileSystem.EntryExists(path));

    /// <summary>
    /// Moves <paramref name="source"/> to <paramref name="planned"/> or, when that name was taken meanwhile,
    /// to the next free name. Returns where the file went.
    /// </summary>
    /// <param name="sync">Collects the directories to flush (Durability Full); null skips flushing (Normal).</param>
    /// <param name="folders">Destination folders already created and checked in this batch; null checks every time.</param>
    public static string Move(string source, string planned, string root, DirectorySync? sync = null, DestinationFolders? folders = null)
    {
        var directory = Path.GetDirectoryName(planned)!;
        if (folders is null || !folders.IsReady(directory))
        {
            CreateDirectoryWithoutLinks(root, directory);
            folders?.MarkReady(directory);
        }

        var destination = planned;
        var recreated = false;
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            if (!NativeFileSystem.IsPosix)
            {
                if (Path.Exists(destination))
                {
                    destination = NextFree(destination, null);
                    continue;
                }

                File.Move(source, destination, overwrite: false);
                return destination;
            }

            // One atomic rename that refuses a taken name; where the file system cannot, link then unlink.
            var errno = NativeFileSystem.RenameNoReplace(source, destination);
            if (errno < 0 && (errno = NativeFileSystem.Link(source, destination)) == 0)
            {
                File.Delete(source);
            }

            if (errno == 0)
            {
                sync?.Add(directory, Path.GetDirectoryName(source)!);
                return destination;
            }

            if (errno == NativeFileSystem.EEXIST)
            {
                destination = NextFree(destination, null);
                continue;
            }

            if (errno == NativeFileSystem.EXDEV)
            {
                CopyAcrossFileSystems(source, destination, sync);
                return destination;
            }

            if (errno == NativeFileSystem.ENOENT && folders is not null && !recreated && File.Exists(source))
            {
                // The folder checked earlier in the batch went away meanwhile: create and check it again, once.
                recreated = true;
                folders.Forget(directory);
                CreateDirectoryWithoutLinks(root, directory);
                folders.MarkReady(directory);
                continue;
            }

            if (!File.Exists(source))
            {
                throw new FileNotFoundException($"'{source}' vanished before it could be moved.", source);
            }

            // A file system without hard links (some network shares): a rename after checking the name is free.
            if (Path.Exists(destination))
            {
                destination = NextFree(destination, null);
                continue;
            }

            File.Move(source, destination, overwrite: false);
            sync?.Add(directory, Path.GetDirectoryName(source)!);
            return destination;
        }

        throw new IOException($"No free name for '{planned}'.");
    }

    /// <summary>Deletes a file after its record committed.</summary>
    public static void Delete(string source, DirectorySync? sync)
    {
        File.Delete(source);
        sync?.Add(Path.GetDirectoryName(source)!);
    }

    /// <summary>True when two files hold the same bytes (used to finish an interrupted move).</summary>
    public static bool SameContent(string a, string b)
    {
        var fa = new FileInfo(a);
        var fb = new FileInfo(b);
        if (!fa.Exists || !fb.Exists || fa.Length != fb.Length)
        {
            return false;
        }

        return HashOf(a).AsSpan().SequenceEqual(HashOf(b));
    }

    private static byte[] HashOf(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        return SHA256.HashData(stream);
    }

    private static void CopyAcrossFileSystems(string source, string destination, DirectorySync? sync)
    {
        var directory = Path.GetDirectoryName(destination)!;
        var partial = Path.Combine(directory, "." + Path.GetFileName(destination) + PartialSuffix);
        byte[] sourceHash;
        using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = input.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                output.Write(buffer, 0, n);
            }

            output.Flush(flushToDisk: sync is not null);
            sourceHash = hash.GetHashAndReset();
        }

        File.SetLastWriteTimeUtc(partial, File.GetLastWriteTimeUtc(source));
        if (!HashOf(partial).AsSpan().SequenceEqual(sourceHash))
        {
            File.Delete(partial);
            throw new IOException($"The copy of '{source}' to '{destination}' did not verify; the source was kept.");
        }

        var final = destination;
        while (NativeFileSystem.Link(partial, final) is var errno && errno != 0)
        {
            if (errno != NativeFileSystem.EEXIST)
            {
                throw new IOException($"Cannot name the copy '{final}' (errno {errno}); the source was kept.");
            }

            final = NextFree(final, null);
        }

        File.Delete(partial);
        if (sync is not null)
        {
            // The copy's name must be durable before the source goes: never a moment without a durable copy.
            NativeFileSystem.FsyncDirectory(directory);
        }

        File.Delete(source);
        sync?.Add(Path.GetDirectoryName(source)!);
    }

    /// <summary>Creates the destination's folders, refusing a symbolic link anywhere below the output root.</summary>
    private static void CreateDirectoryWithoutLinks(string root, string directory)
    {
        Directory.CreateDirectory(root);
        var relative = Path.GetRelativePath(root, directory);
        if (relative == ".")
        {
            return;
        }

        var current = root;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            var info = new DirectoryInfo(current);
            if (info.LinkTarget is not null)
            {
                throw new IOException($"'{current}' is a symbolic link; Ingest never moves files through a link.");
            }

            if (!info.Exists)
            {
                info.Create();
            }
        }
    }
}

/// <summary>
/// Destination folders that did not exist when a scan first planned a file into them. Every name in such a folder was
/// then planned by this scan, from distinct relative paths, so a planned name needs no look-up on disk: a scan of 10,000
/// files into new sub-folders saves 10,000 <c>faccessat</c> calls on the writer's path. A file another program puts there
/// meanwhile is still never overwritten: the move refuses a taken name and takes the next free one.
/// </summary>
internal sealed class NewFolders
{
    private readonly Dictionary<string, bool> _absent = new(StringComparer.Ordinal);

    public bool IsNew(string directory)
    {
        if (!_absent.TryGetValue(directory, out var absent))
        {
            absent = !Path.Exists(directory);
            _absent[directory] = absent;
        }

        return absent;
    }
}

/// <summary>
/// Destination folders created and checked for links once per batch: without it every move repeated a
/// <c>mkdir</c>, a <c>stat</c>, a <c>readlink</c> and an <c>lstat</c> per folder level for the same few folders.
/// </summary>
internal sealed class DestinationFolders
{
    private readonly HashSet<string> _ready = new(StringComparer.Ordinal);

    public bool IsReady(string directory) => _ready.Contains(directory);

    public void MarkReady(string directory) => _ready.Add(directory);

    public void Forget(string directory) => _ready.Remove(directory);
}

/// <summary>
/// Directories whose entries changed in a batch (Durability Full): flushed once each, before the batch's disposals
/// are marked done, so a power cut can never leave a "done" record for a rename that was lost.
/// </summary>
internal sealed class DirectorySync
{
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    public void Add(params string[] directories)
    {
        foreach (var d in directories)
        {
            _dirty.Add(d);
        }
    }

    public void FlushAll()
    {
        foreach (var d in _dirty)
        {
            NativeFileSystem.FsyncDirectory(d);
        }

        _dirty.Clear();
    }
}
