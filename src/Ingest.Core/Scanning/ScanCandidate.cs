namespace Ingest.Scanning;

/// <summary>
/// A file found in a drop folder. <see cref="RelativePath"/> uses forward slashes; for a name that is not valid
/// in the platform's encoding it holds the raw name escaped (<see cref="HasInvalidName"/>).
/// </summary>
internal readonly record struct ScanCandidate(
    string FullPath,
    string RelativePath,
    long Size,
    DateTime LastWriteUtc,
    bool IsSymbolicLink,
    bool HasInvalidName = false);
