using Microsoft.Extensions.Logging;

namespace Ingest;

/// <summary>Source-generated log messages of the pipeline; event ids are fixed once shipped.</summary>
internal static partial class Log
{
    // Debug: under 'run' a scan starts every few seconds; only scans that did something are worth an Information line.
    [LoggerMessage(1000, LogLevel.Debug, "Scan of {Source} ({DropFolder}) started")]
    public static partial void ScanStarted(ILogger logger, string source, string dropFolder);

    [LoggerMessage(1001, LogLevel.Information, "Scan of {Source} finished: {New} new, {Duplicates} duplicates, {Failed} failed, {Bytes} bytes in {Elapsed:0.000} s")]
    public static partial void ScanFinished(ILogger logger, string source, int @new, int duplicates, int failed, long bytes, double elapsed);

    [LoggerMessage(1002, LogLevel.Debug, "Ingested {Path} as {Status} ({Sha256})")]
    public static partial void Ingested(ILogger logger, string path, string status, string sha256);

    [LoggerMessage(1003, LogLevel.Warning, "Rejected {Path}: {Reason}")]
    public static partial void Rejected(ILogger logger, string path, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "Cannot read {Path} now, left in place: {Reason}")]
    public static partial void Transient(ILogger logger, string path, string reason);

    [LoggerMessage(1005, LogLevel.Information, "Skipped {Path} this pass: {Reason}")]
    public static partial void Skipped(ILogger logger, string path, string reason);

    [LoggerMessage(1006, LogLevel.Error, "Could not dispose of {Path} (record committed; retried on the next scan)")]
    public static partial void DisposeFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(1007, LogLevel.Information, "Finished an interrupted disposal of {Path} to {Destination}")]
    public static partial void Reconciled(ILogger logger, string path, string? destination);

    [LoggerMessage(1008, LogLevel.Warning, "A recorded file vanished before its disposal finished: {Path}")]
    public static partial void ReconcileVanished(ILogger logger, string path);

    [LoggerMessage(1009, LogLevel.Information, "Created drop folder {DropFolder}")]
    public static partial void CreatedDropFolder(ILogger logger, string dropFolder);

    [LoggerMessage(1010, LogLevel.Debug, "Scan of {Source} found nothing to do in {Elapsed:0.000} s")]
    public static partial void ScanIdle(ILogger logger, string source, double elapsed);

    [LoggerMessage(1011, LogLevel.Information, "Catalog upkeep after the scan of {Source} took {Elapsed:0.00} s")]
    public static partial void Maintained(ILogger logger, string source, double elapsed);

    [LoggerMessage(1012, LogLevel.Warning, "Catalog upkeep after the scan of {Source} failed (the scan's records stand; tried again after the next scan)")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception, string source);
}
