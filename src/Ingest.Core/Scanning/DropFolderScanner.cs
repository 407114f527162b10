using System.IO.Enumeration;
using Ingest.Configuration;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Ingest.Scanning;

/// <summary>
/// Step 1 of a scan: enumerates a drop folder recursively, never following a symbolic link,
/// and keeps the files whose relative path matches the include and not the exclude globs.
/// </summary>
internal sealed class DropFolderScanner
{
    private readonly Matcher _matcher;
    private readonly SimpleGlobs? _simple;
    private readonly StringComparer _pathComparer;
    private readonly string _root;
    private readonly string[] _prunedFolders;

    public DropFolderScanner(IngestSource source)
    {
        _root = Path.TrimEndingDirectorySeparator(source.DropFolder);
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        _pathComparer = StringComparer.FromComparison(comparison);
        _matcher = new Matcher(comparison);
        _matcher.AddIncludePatterns(source.Include);
        _matcher.AddExcludePatterns(source.Exclude);
        _simple = SimpleGlobs.TryCreate(source.Include, source.Exclude, comparison);

        // Output folders below the drop folder are never scanned (validation refuses that layout, this is a second guard).
        _prunedFolders = new[] { source.ProcessedFolder, source.DuplicatesFolder, source.FailedFolder }
            .Where(f => PathUtil.IsSameOrInside(_root, f))
            .Select(Path.TrimEndingDirectorySeparator)
            .ToArray();
    }

    /// <summary>Lists matching files. Throws <see cref="DirectoryNotFoundException"/> when the drop folder is missing.</summary>
    public IEnumerable<ScanCandidate> Enumerate(CancellationToken ct)
    {
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"Drop folder '{_root}' does not exist.");
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = true,
            ReturnSpecialDirectories = false,
        };
        var rootLength = _root.Length + 1;
        var entries = new FileSystemEnumerable<ScanCandidate>(
            _root,
            (ref FileSystemEntry e) =>
            {
                var full = e.ToFullPath();
                var relative = PathUtil.ToCatalogPath(full[rootLength..]);
                var isLink = (e.Attributes & FileAttributes.ReparsePoint) != 0;
                return new ScanCandidate(full, relative, isLink ? 0 : e.Length, e.LastWriteTimeUtc.UtcDateTime, isLink);
            },
            options)
        {
            // A link to a directory is reported as an entry but never descended into.
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory || (e.Attributes & FileAttributes.ReparsePoint) != 0,
            ShouldRecursePredicate = (ref FileSystemEntry e) =>
                (e.Attributes & FileAttributes.ReparsePoint) == 0 && !IsPruned(e),
        };

        // Globs are matched a chunk at a time: one in-memory match over thousands of paths costs about a fifth of
        // matching each path on its own, and a chunk keeps memory bounded in a folder of millions of files. The first
        // chunks are small, so the first files are read after a few entries rather than after listing 4,096 of them
        // (about 10 ms, with a stat per entry, before any file was read).
        var limit = FirstGlobChunk;
        var chunk = new List<ScanCandidate>(limit);
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            chunk.Add(entry);
            if (chunk.Count == limit)
            {
                foreach (var candidate in Matching(chunk))
                {
                    yield return candidate;
                }

                chunk.Clear();
                limit = Math.Min(limit * 2, GlobChunk);
            }
        }

        foreach (var candidate in Matching(chunk))
        {
            yield return candidate;
        }
    }

    private const int FirstGlobChunk = 64;
    private const int GlobChunk = 4096;

    private List<ScanCandidate> Matching(List<ScanCandidate> chunk)
    {
        var result = new List<ScanCandidate>(chunk.Count);
        if (chunk.Count == 0)
        {
            return result;
        }

        var simple = _simple is not null && chunk.TrueForAll(c => SimpleGlobs.CanMatch(c.RelativePath)) ? _simple : null;
        var matched = simple is not null
            ? null
            : _matcher.Match(_root, chunk.Select(c => c.RelativePath)).Files
                .Select(f => f.Path)
                .ToHashSet(_pathComparer);
        foreach (var candidate in chunk)
        {
            if (!(simple?.IsMatch(candidate.RelativePath) ?? matched!.Contains(candidate.RelativePath)))
            {
                continue;
            }

            if (candidate.RelativePath.Contains('\uFFFD', StringComparison.Ordinal))
            {
                // A name .NET could not decode: it cannot be opened by that name, so it is reported with its raw bytes.
                var directory = Path.GetDirectoryName(candidate.FullPath)!;
                var slash = candidate.RelativePath.LastIndexOf('/');
                var escaped = RawFileNames.Escape(directory, Path.GetFileName(candidate.FullPath));
                result.Add(candidate with { RelativePath = (slash < 0 ? "" : candidate.RelativePath[..(slash + 1)]) + escaped, HasInvalidName = true });
                continue;
            }

            result.Add(candidate);
        }

        return result;
    }

    private bool IsPruned(in FileSystemEntry e)
    {
        if (_prunedFolders.Length == 0)
        {
            return false;
        }

        var full = e.ToFullPath();
        return _prunedFolders.Any(p => PathUtil.IsSameOrInside(p, full));
    }
}
