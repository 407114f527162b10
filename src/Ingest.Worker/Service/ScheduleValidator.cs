using Ingest.Configuration;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ingest.Worker.Service;

/// <summary>Refuses a <c>Schedule</c> that is not a Quartz cron expression, naming the key (exit code 2).</summary>
internal sealed class ScheduleValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var errors = new List<string>();
        Check($"{IngestOptions.SectionName}:Schedule", options.Schedule);
        for (var i = 0; options.Sources is not null && i < options.Sources.Length; i++)
        {
            if (options.Sources[i].Schedule is { } own)
            {
                Check($"{IngestOptions.SectionName}:Sources:{i}:Schedule", own);
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(string key, string? cron)
        {
            if (!IsValid(cron))
            {
                errors.Add($"{key} '{cron}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year], e.g. '0/5 * * * * ?').");
            }
        }
    }

    public static bool IsValid(string? cron) => !string.IsNullOrWhiteSpace(cron) && CronExpression.TryParse(cron, out _);
}
