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
}
