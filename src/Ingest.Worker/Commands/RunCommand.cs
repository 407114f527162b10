using System.CommandLine;
using Ingest.Worker.Service;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest run</c>: the service. Scans every source on its schedule until SIGTERM or Ctrl+C.</summary>
internal static class RunCommand
{
    public const string Name = "run";

    public static Command Create()
    {
        var command = new Command(Name, "Run as a service: scan every source on its schedule (and early on changes) until stopped.");
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            _ = host.Services.GetRequiredService<IOptions<HealthOptions>>().Value; // validates Health:Url now
            var sources = host.Services.GetRequiredService<ServedSources>();
            var logger = host.Services.GetRequiredService<ILogger<ServedSources>>();

            // Refuse a folder another instance serves before anything starts; a missing folder is only an error to report.
            foreach (var source in sources.All)
            {
                try
                {
                    sources.EnsureLocked(source);
                }
                catch (DirectoryNotFoundException ex)
                {
                    host.Services.GetRequiredService<SourceMonitor>().ScanFailed(source.Name, ex.Message);
                    Log.DropFolderUnavailable(logger, source.Name, ex.Message);
                }
            }

            using (host.Catalogs().OpenForWrite())
            {
                // Creates or migrates the catalog now, so health can open it and a newer schema fails at start.
            }

            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(token);
            await ServiceSetup.ScheduleSourcesAsync(scheduler, sources.All, token);
            foreach (var source in sources.All)
            {
                host.Services.GetRequiredService<SourceMonitor>().Register(source);
                Log.SourceScheduled(logger, source.Name, source.DropFolder, source.Schedule);
            }

            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStarted.Register(() => Log.ServiceStarted(logger, sources.All.Count));
            lifetime.ApplicationStopping.Register(() => Log.ServiceStopping(logger));
            await host.RunAsync(token);
            return ExitCodes.Success;
        }, ct, builder => builder.AddIngestService()));
        return command;
    }
}
