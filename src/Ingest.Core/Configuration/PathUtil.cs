namespace Ingest.Configuration;

internal static class PathUtil
{
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>True when <paramref name="candidate"/> is <paramref name="folder"/> or lies below it.</summary>
    public static bool IsSameOrInside(string folder, string candidate)
    {
        var f = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var c = Path.TrimEndingDirectorySeparator(Path.GetFullPath(candidate));
        if (c.Equals(f, PathComparison))
        {
            return true;
        }

        return c.Length > f.Length && c.StartsWith(f, PathComparison) &&
               (c[f.Length] == Path.DirectorySeparatorChar || c[f.Length] == Path.AltDirectorySeparatorChar || f.EndsWith(Path.DirectorySeparatorChar));
    }

    /// <summary>
    /// True when <paramref name="fullPath"/>, or any folder between <paramref name="root"/> and it, is a symbolic link
    /// (or junction): reading through it could leave the configured folder.
    /// </summary>
    public static bool HasLinkBelow(string root, string fullPath)
    {
        var current = Path.TrimEndingDirectorySeparator(fullPath);
        root = Path.TrimEndingDirectorySeparator(root);
        while (current.Length > root.Length && IsSameOrInside(root, current))
        {
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && (info.Attributes & FileAttributes.ReparsePoint) != 0)
            {
                return true;
            }

            current = Path.GetDirectoryName(current) ?? root;
        }

        return false;
    }

    /// <summary>A path relative to the drop folder with forward slashes, as recorded in the catalog.</summary>
    public static string ToCatalogPath(string relative) =>
        Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>The platform path for a catalog path below <paramref name="root"/>.</summary>
    public static string FromCatalogPath(string root, string catalogPath) =>
        Path.Combine(root, Path.DirectorySeparatorChar == '/' ? catalogPath : catalogPath.Replace('/', Path.DirectorySeparatorChar));
}
