using System.Collections.Concurrent;
using Ingest.Configuration;
using Ingest.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Ingest.Worker.Service;

/// <summary>
/// <c>Ingest:Watch</c>: a FileSystemWatcher per drop folder whose only job is to fire the source's scan early, debounced.
/// Watchers drop events (buffer overflow, network shares), so the cron schedule stays the safety net.
/// Also fires every scan once right after start.
/// </summary>
internal sealed class DropFolderWatcher(
    ServedSources sources,
    ISchedulerFactory schedulers,
    IOptions<IngestOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<DropFolderWatcher> logger) : IHostedService, IDisposable
{
    /// <summary>Quiet time after the last change before the scan fires.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private readonly ConcurrentDictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private volatile bool _stopping;

    private ILogger Logger => logger;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var source in sources.All)
            {
                Ensure(source, restart: false);
                Fire(source);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Starts watching the drop folder when it exists, or stops when it is gone; <paramref name="restart"/> after it came back.</summary>
    public void Ensure(IngestSource source, bool restart)
    {
        if (!options.Value.Watch || _stopping)
        {
            return;
        }

        lock (_watches)
        {
            if (_watches.TryGetValue(source.Name, out var existing))
            {
                if (!restart && !existing.Broken && Directory.Exists(source.DropFolder))
                {
                    return;
                }

                existing.Dispose();
                _watches.TryRemove(source.Name, out _);
            }

            if (!Directory.Exists(source.DropFolder))
            {
                return;
            }

            try
            {
                _watches[source.Name] = new Watch(this, source);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                Log.WatcherFailed(logger, ex, source.DropFolder);
            }
        }
    }

    private void Fire(IngestSource source)
    {
        if (_stopping)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                var scheduler = await schedulers.GetScheduler(lifetime.ApplicationStopping);
                await scheduler.TriggerJob(ScanJob.KeyFor(source.Name), null, lifetime.ApplicationStopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SchedulerException or ObjectDisposedException)
            {
                // Shutting down, or the scheduler is gone: the schedule takes over or nothing is left to do.
            }
        });
    }

    public void Dispose()
    {
        lock (_watches)
        {
            foreach (var w in _watches.Values)
            {
                w.Dispose();
            }

            _watches.Clear();
        }
    }

    private sealed class Watch : IDisposable
    {
        private readonly DropFolderWatcher _owner;
        private readonly IngestSource _source;
        private readonly FileSystemWatcher _watcher;
        private readonly Timer _debounce;
        private readonly Timer _followUp;

        public Watch(DropFolderWatcher owner, IngestSource source)
        {
            _owner = owner;
            _source = source;
            _debounce = new Timer(_ => Elapsed(), null, Timeout.Infinite, Timeout.Infinite);
            _followUp = new Timer(_ => _owner.Fire(_source), null, Timeout.Infinite, Timeout.Infinite);
            _watcher = new FileSystemWatcher(source.DropFolder)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            _watcher.Created += OnChange;
            _watcher.Changed += OnChange;
            _watcher.Renamed += OnChange;
            _watcher.Error += OnError;
            _watcher.EnableRaisingEvents = true;
        }

        public bool Broken { get; private set; }

        private void OnChange(object sender, FileSystemEventArgs e)
        {
            if (e.Name is { } n && Path.GetFileName(n) == ScanPipeline.LockFileName)
            {
                return;
            }

            _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        }

        private void OnError(object sender, ErrorEventArgs e)
        {
            // Overflow or the folder went away: scan now (the scan notices a missing folder) and rebuild the watcher later.
            Broken = !Directory.Exists(_source.DropFolder) || e.GetException() is not InternalBufferOverflowException;
            _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        }

        private void Elapsed()
        {
            Log.WatcherTriggered(_owner.Logger, _source.DropFolder, _source.Name);
            _owner.Fire(_source);

            // Under ReadyCheck Age a file that just arrived is too young: look again once it is old enough.
            if (_source.ReadyCheck == ReadyCheck.Age && _source.MinFileAge > TimeSpan.Zero)
            {
                _followUp.Change(_source.MinFileAge + TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan);
            }
        }

        public void Dispose()
        {
            _watcher.EnableRaisingEvents = false;
            _watcher.Dispose();
            _debounce.Dispose();
            _followUp.Dispose();
        }
    }
}
