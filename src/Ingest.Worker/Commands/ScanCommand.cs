using System.CommandLine;
using System.Globalization;
using Ingest.Configuration;
using Ingest.Pipeline;
using Ingest.Worker.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest scan</c>: one pass over the drop folder.</summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var drop = new Option<string?>("--drop") { Description = "Drop folder; overrides Ingest:DropFolder." };
        var json = CommonOptions.Json();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would happen to each ready file; change nothing." };
        var command = new Command("scan", "Scan the drop folder once: hash, dedupe, record and dispose of every ready file.") { drop, json, dryRun };
        command.SetAction((parse, ct) =>
        {
            var overrides = CommonOptions.Overrides(parse);
            if (parse.GetValue(drop) is { } d)
            {
                overrides["Ingest:DropFolder"] = Path.GetFullPath(d);
            }

            return CommandRunner.RunAsync(parse, overrides, async (host, token) =>
            {
                var options = host.Services.GetRequiredService<IOptions<IngestOptions>>().Value;
                var pipeline = host.Services.GetRequiredService<ScanPipeline>();
                var source = IngestSource.FromOptions(options);
                var isDryRun = parse.GetValue(dryRun);
                ScanSummary summary;
                if (isDryRun)
                {
                    using var catalog = host.Catalogs().OpenIfExists();
                    summary = await pipeline.DryRunAsync(source, catalog, token);
                }
                else
                {
                    using var catalog = host.Catalogs().OpenForWrite();
                    summary = await pipeline.RunAsync(source, catalog, options.MaxParallelism, token);
                }

                if (parse.GetValue(json))
                {
                    await JsonOutput.WriteAsync(ScanJson.From(summary, isDryRun), JsonOutput.Context.ScanJson, token);
                }
                else
                {
                    await Console.Out.WriteAsync(Render(summary, isDryRun));
                }

                return ExitCodes.Success;
            }, ct);
        });
        return command;
    }

    private static string Render(ScanSummary s, bool dryRun)
    {
        var text = string.Empty;
        if (dryRun)
        {
            var table = new Table("ACTION", "PATH", "DESTINATION / REASON");
            foreach (var p in s.Planned)
            {
                table.Add(p.Action, p.Path, p.Reason ?? p.Destination ?? "(kept in place)");
            }

            text = table.ToString() + "\n(dry run: nothing was changed)\n";
        }

        var inv = CultureInfo.InvariantCulture;
        var line = $"new {s.New}, duplicates {s.Duplicates}, failed {s.Failed}, bytes {s.Bytes.ToString(inv)} ({(s.Bytes / 1048576.0).ToString("0.0", inv)} MB), elapsed {s.Elapsed.TotalSeconds.ToString("0.000", inv)} s";
        if (s.NotReady > 0)
        {
            line += $", not ready yet {s.NotReady}";
        }

        if (s.Skipped > 0)
        {
            line += $", skipped {s.Skipped}";
        }

        return text + line + "\n";
    }
}
