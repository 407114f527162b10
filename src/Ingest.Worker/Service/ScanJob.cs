using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ingest.Worker.Service;

/// <summary>
/// One scan of one source, fired by its cron trigger or early by the folder watcher. A boundary: it logs every
/// failure and never lets one reach the scheduler; cancellation at shutdown is not an error.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScanJob(
    ServedSources sources,
    ScanPipeline pipeline,
    CatalogFactory catalogs,
    SourceMonitor monitor,
    DropFolderWatcher watcher,
    IOptions<IngestOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ScanJob> logger) : IJob
{
    public const string SourceKey = "source";

    public static JobKey KeyFor(string source) => new($"scan-{source}", "ingest");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.MergedJobDataMap.GetString(SourceKey) ?? string.Empty;
        if (sources.Find(name) is not { } source)
        {
            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        try
        {
            var relocked = sources.EnsureLocked(source);
            watcher.Ensure(source, restart: relocked);
            if (monitor.Recovered(source.Name))
            {
                Log.DropFolderRecovered(logger, source.Name, source.DropFolder);
            }

            using var catalog = catalogs.OpenForWrite();
            var summary = await pipeline.RunAsync(source, catalog, options.Value.MaxParallelism, ct, monitor.BeginScan(source.Name));
            monitor.ScanSucceeded(source.Name, summary);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Log.ScanCancelled(logger, source.Name);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FolderInUseException or UnauthorizedAccessException
                                       || (ex is IOException && !Directory.Exists(source.DropFolder)))
        {
            watcher.Ensure(source, restart: false);
            if (monitor.ScanFailed(source.Name, ex.Message))
            {
                Log.DropFolderUnavailable(logger, source.Name, ex.Message);
            }
        }
        catch (Exception ex)
        {
            monitor.ScanFailed(source.Name, ex.Message);
            Log.ScanFailed(logger, ex, source.Name);
        }
    }
}
