namespace Ingest.Scanning;

/// <summary>A file found in a drop folder. <see cref="RelativePath"/> uses forward slashes.</summary>
internal readonly record struct ScanCandidate(
    string FullPath,
    string RelativePath,
    long Size,
    DateTime LastWriteUtc,
    bool IsSymbolicLink);
