using System.CommandLine;
using System.Globalization;
using Ingest.Configuration;
using Ingest.Pipeline;
using Ingest.Reading;
using Ingest.Worker.Output;
using Ingest.Worker.Service;
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

            _ = Task.Run(FileAnalyzer.WarmUp, CancellationToken.None); // first-use costs on the other core, beside the host build
            return CommandRunner.RunAsync(parse, overrides, async (host, token) =>
            {
                var options = host.Services.GetRequiredService<IOptions<IngestOptions>>().Value;
                var pipeline = host.Services.GetRequiredService<ScanPipeline>();
                var sources = parse.GetValue(drop) is null ? IngestSource.AllFromOptions(options) : [IngestSource.FromOptions(options)];
                var isDryRun = parse.GetValue(dryRun);
                var summaries = new List<ScanSummary>(sources.Count);
                if (isDryRun)
                {
                    using var catalog = host.Catalogs().OpenIfExists();
                    foreach (var source in sources)
                    {
                        summaries.Add(await pipeline.DryRunAsync(source, catalog, token));
                    }
                }
                else
                {
                    // One instance per drop folder: refuse (exit 3) before touching anything when another process serves one.
                    var locks = new List<DropFolderLock>();
                    try
                    {
                        foreach (var source in sources)
                        {
                            if (!Directory.Exists(source.DropFolder) && source.CreateDropFolder)
                            {
                                Directory.CreateDirectory(source.DropFolder);
                            }

                            if (Directory.Exists(source.DropFolder))
                            {
                                locks.Add(DropFolderLock.Acquire(source.DropFolder));
                            }
                        }

                        using var catalog = host.Catalogs().OpenForWrite();
                        using var progress = ScanProgress.ForConsole(host.Services.GetRequiredService<TimeProvider>());
                        foreach (var source in sources)
                        {
                            progress?.Begin(source.Name);
                            summaries.Add(await pipeline.RunAsync(source, catalog, options.MaxParallelism, token, progress));
                        }
                    }
                    finally
                    {
                        locks.ForEach(l => l.Dispose());
                    }
                }

                var summary = Combine(summaries);
                if (parse.GetValue(json))
                {
                    await ScanJsonWriter.WriteToStdoutAsync(ScanJson.From(summary, isDryRun), token);
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

    /// <summary>The summary over every source (a single-source scan returns its own summary unchanged).</summary>
    internal static ScanSummary Combine(IReadOnlyList<ScanSummary> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var total = new ScanSummary();
        foreach (var p in parts)
        {
            total.New += p.New;
            total.Duplicates += p.Duplicates;
            total.Failed += p.Failed;
            total.Bytes += p.Bytes;
            total.NotReady += p.NotReady;
            total.Skipped += p.Skipped;
            total.Reconciled += p.Reconciled;
            total.Ready += p.Ready;
            total.Elapsed += p.Elapsed;
            total.Planned.AddRange(p.Planned);
        }

        return total;
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
