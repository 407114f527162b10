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

        if (errors.Count == 0 && !string.IsNullOrWhiteSpace(options.DropFolder))
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
}
