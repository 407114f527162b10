using System.CommandLine;
using Ingest.Worker.Output;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest failures</c>: rejected and unreadable files with their reasons.</summary>
internal static class FailuresCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("failures", "List files that could not be ingested, with the reason.") { json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            using var catalog = host.Catalogs().OpenReadOnly();
            var failures = await catalog.ListFailuresAsync(token);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(
                    failures.Select(f => new FailureJson(f.Path, f.Reason, f.FailedUtc, f.Source, f.Kind, f.SizeBytes, f.Destination, f.Attempts, f.Resolved)).ToList(),
                    JsonOutput.Context.ListFailureJson, token);
                return ExitCodes.Success;
            }

            var table = new Table("FAILED", "PATH", "REASON", "NOW AT");
            foreach (var f in failures)
            {
                table.Add(Table.Time(f.FailedUtc), f.Path, f.Reason, f.Destination ?? "(left in place)");
            }

            await Console.Out.WriteAsync(table.ToString());
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
