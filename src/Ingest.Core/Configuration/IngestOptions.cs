namespace Ingest.Configuration;

/// <summary>What happens to a file once its record is committed.</summary>
public enum Disposition
{
    /// <summary>Move to the matching output folder, keeping the relative sub-path.</summary>
    Move,
    /// <summary>Leave the file where it is; Keep-mode identity stops it being ingested twice.</summary>
    Keep,
    /// <summary>Delete the file.</summary>
    Delete,
}

/// <summary>What happens to a rejected file once its failure is committed.</summary>
public enum FailureDisposition
{
    /// <summary>Move to the failed folder.</summary>
    Move,
    /// <summary>Leave the file where it is.</summary>
    Keep,
}

/// <summary>How hard Ingest works to make a record and a move survive a crash.</summary>
public enum Durability
{
    /// <summary>Survives power loss: synchronous commits, flushed directories after renames, verified copies.</summary>
    Full,
    /// <summary>Survives process crashes (kill -9), not power loss: the OS may still hold the last writes.</summary>
    Normal,
}

/// <summary>How a scan judges that a file is complete (<c>Ingest:ReadyCheck</c>).</summary>
public enum ReadyCheck
{
    /// <summary>The last write is at least <c>MinFileAge</c> seconds old.</summary>
    Age,
    /// <summary>Size and last-write time are unchanged across two consecutive scans.</summary>
    Stable,
    /// <summary>A marker file <c>&lt;name&gt;&lt;ReadyMarkerSuffix&gt;</c> exists; it is removed after ingest.</summary>
    Marker,
}

/// <summary>The <c>Ingest</c> configuration section.</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Ingest";

    /// <summary>Default include globs, used when <see cref="Include"/> is not configured.</summary>
    public static readonly IReadOnlyList<string> DefaultInclude = ["**/*"];

    /// <summary>Default exclude globs: hidden and temporary names at any depth.</summary>
    public static readonly IReadOnlyList<string> DefaultExclude =
        ["**/.*", "**/.*/**", "**/*.tmp", "**/*.part", "**/*.crdownload", "**/~$*"];

    /// <summary>The folder operators drop files into.</summary>
    public string DropFolder { get; set; } = "drop";

    /// <summary>Where new documents go when <see cref="OnSuccess"/> is Move.</summary>
    public string ProcessedFolder { get; set; } = "processed";

    /// <summary>Where duplicates go when <see cref="OnDuplicate"/> is Move.</summary>
    public string DuplicatesFolder { get; set; } = "duplicates";

    /// <summary>Where rejected files go when <see cref="OnFailure"/> is Move.</summary>
    public string FailedFolder { get; set; } = "failed";

    /// <summary>The SQLite catalog file.</summary>
    public string Database { get; set; } = "data/ingest.db";

    /// <summary>Create a missing drop folder instead of failing.</summary>
    public bool CreateDropFolder { get; set; }

    /// <summary>Include globs relative to the drop folder; null means <see cref="DefaultInclude"/>.</summary>
    /// <remarks>Null by default so that a configured list replaces the defaults instead of merging by index.</remarks>
    public string[]? Include { get; set; }

    /// <summary>Exclude globs relative to the drop folder; null means <see cref="DefaultExclude"/>.</summary>
    public string[]? Exclude { get; set; }

    /// <summary>Seconds since the last write before a file counts as complete.</summary>
    public double MinFileAge { get; set; } = 2;

    /// <summary>Disposition of a file whose content is new.</summary>
    public Disposition OnSuccess { get; set; } = Disposition.Move;

    /// <summary>Disposition of a file whose content is already catalogued.</summary>
    public Disposition OnDuplicate { get; set; } = Disposition.Move;

    /// <summary>Disposition of a rejected file.</summary>
    public FailureDisposition OnFailure { get; set; } = FailureDisposition.Move;

    /// <summary>How many files are read and hashed at once.</summary>
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Quartz cron expression for <c>ingest run</c>.</summary>
    public string Schedule { get; set; } = "0/5 * * * * ?";

    /// <summary>Files larger than this many bytes fail as "too large"; null for no limit.</summary>
    public long? MaxFileSize { get; set; }

    /// <summary>Crash and power-loss safety of records and moves.</summary>
    public Durability Durability { get; set; } = Durability.Full;

    /// <summary>Seconds before a file that could not be read (permissions, sharing) is tried again; doubles per attempt up to 64 times.</summary>
    public double RetryFailedAfter { get; set; } = 60;

    /// <summary>Watch the drop folders under <c>ingest run</c> to trigger a scan early; the schedule stays the safety net.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>How a file is judged complete.</summary>
    public ReadyCheck ReadyCheck { get; set; } = ReadyCheck.Age;

    /// <summary>Suffix of the marker file when <see cref="ReadyCheck"/> is Marker.</summary>
    public string ReadyMarkerSuffix { get; set; } = ".done";

    /// <summary>Several drop folders; when set, the top-level <see cref="DropFolder"/> is not a source of its own.</summary>
    public IngestSourceOptions[]? Sources { get; set; }

    /// <summary>The effective include list.</summary>
    public IReadOnlyList<string> EffectiveInclude => Include is { Length: > 0 } ? Include : DefaultInclude;

    /// <summary>The effective exclude list.</summary>
    public IReadOnlyList<string> EffectiveExclude => Exclude ?? DefaultExclude;
}

/// <summary>One entry of <c>Ingest:Sources</c>. Every unset value is inherited from the <c>Ingest</c> section.</summary>
public sealed class IngestSourceOptions
{
    /// <summary>Unique name of the source, recorded with each occurrence.</summary>
    public string? Name { get; set; }

    /// <summary>The folder operators drop files into.</summary>
    public string? DropFolder { get; set; }

    /// <summary>Where new documents go.</summary>
    public string? ProcessedFolder { get; set; }

    /// <summary>Where duplicates go.</summary>
    public string? DuplicatesFolder { get; set; }

    /// <summary>Where rejected files go.</summary>
    public string? FailedFolder { get; set; }

    /// <summary>Create a missing drop folder.</summary>
    public bool? CreateDropFolder { get; set; }

    /// <summary>Include globs; replaces the inherited list.</summary>
    public string[]? Include { get; set; }

    /// <summary>Exclude globs; replaces the inherited list.</summary>
    public string[]? Exclude { get; set; }

    /// <summary>Seconds since the last write before a file counts as complete.</summary>
    public double? MinFileAge { get; set; }

    /// <summary>Quartz cron expression of this source's scan job.</summary>
    public string? Schedule { get; set; }

    /// <summary>Disposition of a new document.</summary>
    public Disposition? OnSuccess { get; set; }

    /// <summary>Disposition of a duplicate.</summary>
    public Disposition? OnDuplicate { get; set; }

    /// <summary>Disposition of a rejected file.</summary>
    public FailureDisposition? OnFailure { get; set; }

    /// <summary>Files larger than this many bytes fail as "too large".</summary>
    public long? MaxFileSize { get; set; }

    /// <summary>How a file is judged complete.</summary>
    public ReadyCheck? ReadyCheck { get; set; }

    /// <summary>Suffix of the marker file.</summary>
    public string? ReadyMarkerSuffix { get; set; }
}
