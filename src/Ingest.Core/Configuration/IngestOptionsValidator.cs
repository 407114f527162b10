using Microsoft.Extensions.Options;

using Microsoft.Extensions.FileSystemGlobbing;

namespace Ingest.Configuration;

/// <summary>Refuses an invalid <c>Ingest</c> section at start, naming each bad key.</summary>
internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var errors = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        const string p = IngestOptions.SectionName + ":";
        foreach (var (key, value) in new[]
                 {
                     ("DropFolder", options.DropFolder), ("ProcessedFolder", options.ProcessedFolder),
                     ("DuplicatesFolder", options.DuplicatesFolder), ("FailedFolder", options.FailedFolder),
                     ("Database", options.Database),
                 })
        {
            Require(!string.IsNullOrWhiteSpace(value), $"{p}{key} must be set.");
        }

        Require(options.MinFileAge >= 0 && double.IsFinite(options.MinFileAge), $"{p}MinFileAge must be a number of seconds >= 0 (got {options.MinFileAge}).");
        Require(options.MaxParallelism >= 1, $"{p}MaxParallelism must be >= 1 (got {options.MaxParallelism}).");
        Require(options.MaxFileSize is null or > 0, $"{p}MaxFileSize must be a positive number of bytes (got {options.MaxFileSize}).");
        Require(options.RetryFailedAfter >= 0 && double.IsFinite(options.RetryFailedAfter), $"{p}RetryFailedAfter must be a number of seconds >= 0 (got {options.RetryFailedAfter}).");
        Require(Enum.IsDefined(options.Durability), $"{p}Durability must be Full or Normal.");
        Require(Enum.IsDefined(options.OnSuccess), $"{p}OnSuccess must be Move, Keep or Delete.");
        Require(Enum.IsDefined(options.OnDuplicate), $"{p}OnDuplicate must be Move, Keep or Delete.");
        Require(Enum.IsDefined(options.OnFailure), $"{p}OnFailure must be Move or Keep.");
        Require(!string.IsNullOrWhiteSpace(options.Schedule), $"{p}Schedule must be a Quartz cron expression.");
        ValidateGlobs(options.Include, "Include");
        ValidateGlobs(options.Exclude, "Exclude");
        Require(Enum.IsDefined(options.ReadyCheck), $"{p}ReadyCheck must be Age, Stable or Marker.");
        Require(!string.IsNullOrWhiteSpace(options.ReadyMarkerSuffix), $"{p}ReadyMarkerSuffix must not be empty.");
        if (options.Sources is { Length: > 0 })
        {
            ValidateSources(options, errors);
        }
        else if (errors.Count == 0 && !string.IsNullOrWhiteSpace(options.DropFolder))
        {
            var drop = Path.GetFullPath(options.DropFolder);
            foreach (var (key, value) in new[] { ("ProcessedFolder", options.ProcessedFolder), ("DuplicatesFolder", options.DuplicatesFolder), ("FailedFolder", options.FailedFolder) })
            {
                var full = Path.GetFullPath(value);
                Require(!PathUtil.IsSameOrInside(drop, full) || IsExcluded(options, Path.GetRelativePath(drop, full)),
                    $"{p}{key} ({full}) is inside the drop folder ({drop}) and not excluded by {p}Exclude: its files would be ingested again.");
                Require(!PathUtil.IsSameOrInside(full, drop), $"{p}DropFolder ({drop}) must not be inside {p}{key} ({full}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        static bool IsExcluded(IngestOptions o, string relative)
        {
            if (relative == ".")
            {
                return false;
            }

            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddIncludePatterns(o.EffectiveInclude);
            matcher.AddExcludePatterns(o.EffectiveExclude);
            return !matcher.Match(PathUtil.ToCatalogPath(relative) + "/any-file.txt").HasMatches;
        }

        void ValidateGlobs(string[]? globs, string key)
        {
            if (globs is null)
            {
                return;
            }

            for (var i = 0; i < globs.Length; i++)
            {
                Require(!string.IsNullOrWhiteSpace(globs[i]), $"{p}{key}:{i} must not be empty.");
            }
        }
    }

    /// <summary>Each <c>Ingest:Sources</c> entry, after inheriting unset values from <c>Ingest</c>.</summary>
    private static void ValidateSources(IngestOptions options, List<string> errors)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var drops = new Dictionary<string, string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        var sources = IngestSource.AllFromOptions(options);
        for (var i = 0; i < sources.Count; i++)
        {
            var s = sources[i];
            var e = options.Sources![i];
            var k = s.ConfigKey + ":";
            if (string.IsNullOrWhiteSpace(s.Name))
            {
                errors.Add($"{k}Name must be set.");
            }
            else if (!names.Add(s.Name))
            {
                errors.Add($"{k}Name '{s.Name}' is used by another source; names must be unique.");
            }

            if (string.IsNullOrWhiteSpace(s.DropFolder))
            {
                errors.Add($"{k}DropFolder must be set.");
                continue;
            }

            var drop = Path.TrimEndingDirectorySeparator(s.DropFolder);
            if (drops.TryGetValue(drop, out var other))
            {
                errors.Add($"{k}DropFolder ({drop}) is already the drop folder of {other}.");
            }

            drops[drop] = k.TrimEnd(':');
            if (e.MinFileAge is { } age && (age < 0 || !double.IsFinite(age)))
            {
                errors.Add($"{k}MinFileAge must be a number of seconds >= 0 (got {age}).");
            }

            if (e.MaxFileSize is <= 0)
            {
                errors.Add($"{k}MaxFileSize must be a positive number of bytes (got {e.MaxFileSize}).");
            }

            if (e.Schedule is not null && string.IsNullOrWhiteSpace(e.Schedule))
            {
                errors.Add($"{k}Schedule must be a Quartz cron expression.");
            }

            if (e.ReadyMarkerSuffix is not null && string.IsNullOrWhiteSpace(e.ReadyMarkerSuffix))
            {
                errors.Add($"{k}ReadyMarkerSuffix must not be empty.");
            }

            foreach (var (key, globs) in new[] { ("Include", e.Include), ("Exclude", e.Exclude) })
            {
                for (var g = 0; globs is not null && g < globs.Length; g++)
                {
                    if (string.IsNullOrWhiteSpace(globs[g]))
                    {
                        errors.Add($"{k}{key}:{g} must not be empty.");
                    }
                }
            }

            foreach (var (key, value) in new[] { ("ProcessedFolder", s.ProcessedFolder), ("DuplicatesFolder", s.DuplicatesFolder), ("FailedFolder", s.FailedFolder) })
            {
                if (PathUtil.IsSameOrInside(drop, value))
                {
                    errors.Add($"{k}{key} ({value}) must not be the drop folder or inside it ({drop}).");
                }
                else if (PathUtil.IsSameOrInside(value, drop))
                {
                    errors.Add($"{k}DropFolder ({drop}) must not be inside {key} ({value}).");
                }
            }
        }
    }
}
