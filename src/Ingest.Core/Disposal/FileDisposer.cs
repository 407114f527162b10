using Ingest.Configuration;

namespace Ingest.Disposal;

/// <summary>
/// Step 6 of a scan: moves or deletes a file after its record has committed. A move keeps the relative
/// sub-path and never overwrites: a taken name gets a suffix, <c>name (2).ext</c>, <c>name (3).ext</c>, …
/// </summary>
internal static class FileDisposer
{
    /// <summary>The first free destination for <paramref name="relativePath"/> below <paramref name="root"/>, skipping names in <paramref name="reserved"/>.</summary>
    public static string PlanDestination(string root, string relativePath, ISet<string>? reserved = null)
    {
        var target = PathUtil.FromCatalogPath(root, relativePath);
        if (!IsTaken(target, reserved))
        {
            reserved?.Add(target);
            return target;
        }

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

    private static bool IsTaken(string path, ISet<string>? reserved) =>
        File.Exists(path) || Directory.Exists(path) || (reserved?.Contains(path) ?? false) || IsDanglingLink(path);

    private static bool IsDanglingLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Moves <paramref name="source"/> to <paramref name="planned"/> or, when that name was taken meanwhile,
    /// to the next free name. Returns where the file went.
    /// </summary>
    public static string Move(string source, string planned, string root)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(planned)!);
        var destination = planned;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                File.Move(source, destination, overwrite: false);
                return destination;
            }
            catch (IOException) when (attempt < 1000 && File.Exists(source) && (File.Exists(destination) || Directory.Exists(destination)))
            {
                var relative = Path.GetRelativePath(root, planned);
                destination = PlanDestination(root, PathUtil.ToCatalogPath(relative));
            }
        }
    }
}
