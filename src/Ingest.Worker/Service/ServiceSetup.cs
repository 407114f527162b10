using Ingest.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ingest.Worker.Service;

internal static class ServiceSetup
{
    /// <summary>Refuses a bad cron in <c>Schedule</c> for every command, not only <c>run</c>: a configuration is valid or not.</summary>
    public static IServiceCollection AddScheduleValidation(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestOptions>, ScheduleValidator>());
        return services;
    }

    /// <summary>Everything <c>ingest run</c> adds to the composition root: Quartz, the watcher, systemd, health and metrics.</summary>
    public static HostApplicationBuilder AddIngestService(this HostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HealthOptions>().Bind(builder.Configuration.GetSection(HealthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>());
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddMetrics();
        services.AddSingleton<ServedSources>();
        services.AddSingleton<SourceMonitor>();
        services.AddSingleton<HealthReport>();
        services.AddSingleton<DropFolderWatcher>();
        services.AddTransient<ScanJob>();

        services.AddQuartz(q => q.UseInMemoryStore(_ => { }));
        services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            o.AwaitApplicationStarted = false; // the scheduler runs before READY=1 is sent
        });
        services.AddHostedService(sp => sp.GetRequiredService<DropFolderWatcher>());
        services.AddHostedService<HealthServer>();
        services.AddHostedService<SystemdNotifier>();
        if (WindowsServiceLifetime.IsStartedByServiceControlManager())
        {
            services.AddSingleton<IHostLifetime, WindowsServiceLifetime>();
        }

        return builder;
    }

    /// <summary>One <c>[DisallowConcurrentExecution]</c> job per source with its cron trigger; misfires are dropped, not replayed.</summary>
    public static async Task ScheduleSourcesAsync(IScheduler scheduler, IReadOnlyList<IngestSource> sources, CancellationToken ct)
    {
        foreach (var source in sources)
        {
            var key = ScanJob.KeyFor(source.Name);
            var job = JobBuilder.Create<ScanJob>()
                .WithIdentity(key)
                .UsingJobData(ScanJob.SourceKey, source.Name)
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity($"cron-{source.Name}", "ingest")
                .ForJob(key)
                .WithCronSchedule(source.Schedule, b => b.WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                .Build();
            await scheduler.ScheduleJob(job, trigger, cancellationToken: ct);
        }
    }
}
