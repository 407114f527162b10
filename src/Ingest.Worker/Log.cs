using Microsoft.Extensions.Logging;

namespace Ingest.Worker;

/// <summary>Source-generated log messages of the worker; event ids are fixed once shipped.</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Error, "Invalid configuration: {Message}")]
    public static partial void InvalidConfiguration(ILogger logger, string message);

    [LoggerMessage(2001, LogLevel.Error, "{Message}")]
    public static partial void CommandFailed(ILogger logger, string message);

    [LoggerMessage(2002, LogLevel.Critical, "Unexpected error")]
    public static partial void Unexpected(ILogger logger, Exception exception);

    [LoggerMessage(2003, LogLevel.Information, "Cancelled")]
    public static partial void Cancelled(ILogger logger);

    [LoggerMessage(2010, LogLevel.Information, "Serving {Count} source(s); schedule started")]
    public static partial void ServiceStarted(ILogger logger, int count);

    [LoggerMessage(2011, LogLevel.Information, "Stopping: finishing the batch in flight")]
    public static partial void ServiceStopping(ILogger logger);

    [LoggerMessage(2012, LogLevel.Information, "Scheduled source {Source} ({DropFolder}) with cron '{Schedule}'")]
    public static partial void SourceScheduled(ILogger logger, string source, string dropFolder, string schedule);

    [LoggerMessage(2013, LogLevel.Information, "Scan of {Source} stopped for shutdown")]
    public static partial void ScanCancelled(ILogger logger, string source);

    [LoggerMessage(2014, LogLevel.Error, "Scan of {Source} failed")]
    public static partial void ScanFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(2015, LogLevel.Error, "Drop folder of {Source} is unavailable: {Reason}")]
    public static partial void DropFolderUnavailable(ILogger logger, string source, string reason);

    [LoggerMessage(2016, LogLevel.Information, "Drop folder of {Source} is available again ({DropFolder})")]
    public static partial void DropFolderRecovered(ILogger logger, string source, string dropFolder);

    [LoggerMessage(2017, LogLevel.Warning, "Watching {DropFolder} failed; the schedule still applies")]
    public static partial void WatcherFailed(ILogger logger, Exception exception, string dropFolder);

    [LoggerMessage(2018, LogLevel.Debug, "Change in {DropFolder}: scan of {Source} triggered early")]
    public static partial void WatcherTriggered(ILogger logger, string dropFolder, string source);

    [LoggerMessage(2019, LogLevel.Warning, "Could not notify systemd ({State})")]
    public static partial void NotifyFailed(ILogger logger, Exception exception, string state);

    [LoggerMessage(2020, LogLevel.Information, "Health and metrics on {Url}")]
    public static partial void HealthListening(ILogger logger, string url);

    [LoggerMessage(2021, LogLevel.Information, "Acquired instance lock {LockFile}")]
    public static partial void LockAcquired(ILogger logger, string lockFile);

    [LoggerMessage(2022, LogLevel.Warning, "Windows service control: {Message}")]
    public static partial void ServiceControl(ILogger logger, string message);
}
