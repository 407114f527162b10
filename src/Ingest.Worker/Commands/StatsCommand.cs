using System.CommandLine;
using Ingest.Worker.Output;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest stats</c>: counts over the whole catalog.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("stats", "Count documents, occurrences, duplicates and failures.") { json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            using var catalog = host.Catalogs().OpenReadOnly();
            var s = await catalog.GetStatsAsync(token);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(new StatsJson(s.Documents, s.Occurrences, s.Duplicates, s.Failures, s.DocumentBytes, s.OccurrenceBytes),
                    JsonOutput.Context.StatsJson, token);
                return ExitCodes.Success;
            }

            await Console.Out.WriteAsync(
                $"documents    {s.Documents}\noccurrences  {s.Occurrences}\nduplicates   {s.Duplicates}\nfailures     {s.Failures}\n" +
                $"unique bytes {s.DocumentBytes}\ntotal bytes  {s.OccurrenceBytes}\n");
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
