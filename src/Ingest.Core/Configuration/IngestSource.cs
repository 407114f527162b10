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

    /// <summary>The Quartz cron expression of this source's scan job under <c>ingest run</c>.</summary>
    public string Schedule { get; init; } = "0/5 * * * * ?";

    /// <summary>How a file is judged complete.</summary>
    public ReadyCheck ReadyCheck { get; init; } = ReadyCheck.Age;

    /// <summary>Suffix of the marker file when <see cref="ReadyCheck"/> is Marker.</summary>
    public string ReadyMarkerSuffix { get; init; } = ".done";

    /// <summary>The configuration key prefix of this source, for messages (<c>Ingest</c> or <c>Ingest:Sources:0</c>).</summary>
    public string ConfigKey { get; init; } = IngestOptions.SectionName;

    /// <summary>Every source of a configuration: the <c>Sources</c> entries, or the top-level drop folder when there are none.</summary>
    public static IReadOnlyList<IngestSource> AllFromOptions(IngestOptions o)
    {
        if (o.Sources is not { Length: > 0 } entries)
        {
            return [FromOptions(o)];
        }

        var list = new List<IngestSource>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            var include = e.Include is { Length: > 0 } inc ? inc : (IReadOnlyList<string>)o.EffectiveInclude;
            list.Add(new IngestSource(
                e.Name ?? string.Empty,
                FullOrEmpty(e.DropFolder),
                FullOrEmpty(e.ProcessedFolder ?? o.ProcessedFolder),
                FullOrEmpty(e.DuplicatesFolder ?? o.DuplicatesFolder),
                FullOrEmpty(e.FailedFolder ?? o.FailedFolder),
                include,
                e.Exclude ?? o.EffectiveExclude,
                TimeSpan.FromSeconds(e.MinFileAge is { } age && double.IsFinite(age) && age >= 0 ? age : o.MinFileAge),
                e.OnSuccess ?? o.OnSuccess,
                e.OnDuplicate ?? o.OnDuplicate,
                e.OnFailure ?? o.OnFailure,
                e.CreateDropFolder ?? o.CreateDropFolder,
                e.MaxFileSize ?? o.MaxFileSize)
            {
                Schedule = e.Schedule ?? o.Schedule,
                ReadyCheck = e.ReadyCheck ?? o.ReadyCheck,
                ReadyMarkerSuffix = e.ReadyMarkerSuffix ?? o.ReadyMarkerSuffix,
                ConfigKey = $"{IngestOptions.SectionName}:Sources:{i}",
                Durability = o.Durability,
                RetryFailedAfter = TimeSpan.FromSeconds(o.RetryFailedAfter),
            });
        }

        return list;

        static string FullOrEmpty(string? path) => string.IsNullOrWhiteSpace(path) ? string.Empty : Path.GetFullPath(path);
    }

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
        Schedule = o.Schedule,
        ReadyCheck = o.ReadyCheck,
        ReadyMarkerSuffix = o.ReadyMarkerSuffix,
    };
}
