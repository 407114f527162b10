namespace Ingest.Configuration;

/// <summary>One drop folder with everything needed to serve it, paths made absolute.</summary>
internal sealed record IngestSource(
    string Name,
    string DropFolder,
    string ProcessedFolder,
    string DuplicatesFolder,
    string FailedFolder,
    IReadOnlyList<string> Include,
    IReadOnlyList<string> Exclude,
    TimeSpan MinFileAge,
    Disposition OnSuccess,
    Disposition OnDuplicate,
    FailureDisposition OnFailure,
    bool CreateDropFolder,
    long? MaxFileSize)
{
    /// <summary>The name of the single source of a configuration without <c>Sources</c>.</summary>
    public const string DefaultName = "default";

    /// <summary>Crash and power-loss safety of moves (global, copied into each source).</summary>
    public Durability Durability { get; init; } = Durability.Full;

    /// <summary>Base delay before an unreadable file is tried again.</summary>
    public TimeSpan RetryFailedAfter { get; init; } = TimeSpan.FromSeconds(60);

    public static IngestSource FromOptions(IngestOptions o, string name = DefaultName) => new(
        name,
        Path.GetFullPath(o.DropFolder),
        Path.GetFullPath(o.ProcessedFolder),
        Path.GetFullPath(o.DuplicatesFolder),
        Path.GetFullPath(o.FailedFolder),
        o.EffectiveInclude,
        o.EffectiveExclude,
        TimeSpan.FromSeconds(o.MinFileAge),
        o.OnSuccess,
        o.OnDuplicate,
        o.OnFailure,
        o.CreateDropFolder,
        o.MaxFileSize)
    {
        Durability = o.Durability,
        RetryFailedAfter = TimeSpan.FromSeconds(o.RetryFailedAfter),
    };
}
