using System.CommandLine;
using System.Diagnostics;
using Ingest.Worker.Output;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest reindex</c>: rebuilds the full-text index from the stored text.</summary>
internal static class ReindexCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("reindex", "Rebuild the full-text index from the text stored in the catalog.") { json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            using var catalog = host.Catalogs().OpenForWrite();
            var started = Stopwatch.GetTimestamp();
            var count = await catalog.ReindexAsync(token);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(new ReindexJson(count, Math.Round(elapsed, 3)), JsonOutput.Context.ReindexJson, token);
            }
            else
            {
                await Console.Out.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"reindexed {count} documents in {elapsed:0.000} s"));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
