using System.Text.Json;
using System.Text.Json.Serialization;
using Ingest.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Worker.Service;

/// <summary>The <c>Health</c> configuration section.</summary>
internal sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>Where <c>/health</c> and <c>/metrics</c> are served, e.g. <c>http://127.0.0.1:5080</c>; nothing is served when unset.</summary>
    public string? Url { get; set; }
}

internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        string.IsNullOrWhiteSpace(options.Url) || (Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.AbsolutePath == "/")
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{HealthOptions.SectionName}:Url '{options.Url}' must be an http URL without a path, e.g. http://127.0.0.1:5080.");
}

internal sealed record HealthCheckJson(string Name, string Status, string Description);

internal sealed record HealthJson(string Status, IReadOnlyList<HealthCheckJson> Checks);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = true)]
[JsonSerializable(typeof(HealthJson))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;

/// <summary>Computes health: every drop folder reachable and served by this process, and the catalog opens.</summary>
internal sealed class HealthReport(ServedSources sources, SourceMonitor monitor, CatalogFactory catalogs)
{
    public const string Healthy = "Healthy";
    public const string Unhealthy = "Unhealthy";

    public HealthJson Check()
    {
        var checks = new List<HealthCheckJson>();
        foreach (var source in sources.All)
        {
            var problem = monitor[source.Name].Problem;
            var name = $"source:{source.Name}";
            if (!Directory.Exists(source.DropFolder))
            {
                checks.Add(new(name, Unhealthy, $"Drop folder '{source.DropFolder}' is not reachable."));
            }
            else if (problem is not null && problem.Contains("in use by another instance", StringComparison.Ordinal))
            {
                checks.Add(new(name, Unhealthy, problem));
            }
            else
            {
                checks.Add(new(name, Healthy, $"Drop folder '{source.DropFolder}' is reachable."));
            }

            // Recorded files that could not be moved (disk full, permission denied): nothing is lost, but someone should look.
            var stuck = monitor[source.Name].PendingDisposals;
            checks.Add(stuck > 0
                ? new($"disposal:{source.Name}", Unhealthy, $"{stuck} recorded file(s) could not be moved or deleted from '{source.DropFolder}' (disk full or permission denied?); retried on every scan.")
                : new($"disposal:{source.Name}", Healthy, "Every recorded file was disposed of."));
        }

        try
        {
            using var catalog = catalogs.OpenReadOnly();
            checks.Add(new("catalog", Healthy, $"Catalog '{catalogs.DatabasePath}' opens."));
        }
        catch (Exception ex)
        {
            checks.Add(new("catalog", Unhealthy, ex.Message));
        }

        return new HealthJson(checks.TrueForAll(c => c.Status == Healthy) ? Healthy : Unhealthy, checks);
    }

    public string Metrics()
    {
        var states = monitor.States;
        var text = new PrometheusText();
        text.Family("ingest_files_total", "counter", "Files processed, by source and status (new, duplicate, failed).");
        foreach (var s in states)
        {
            lock (s)
            {
                text.Sample("ingest_files_total", s.FilesNew, ("source", s.Name), ("status", "new"))
                    .Sample("ingest_files_total", s.FilesDuplicate, ("source", s.Name), ("status", "duplicate"))
                    .Sample("ingest_files_total", s.FilesFailed, ("source", s.Name), ("status", "failed"));
            }
        }

        Family("ingest_bytes_total", "counter", "Bytes of the files ingested, by source.", s => s.Bytes);
        Family("ingest_scan_duration_seconds", "gauge", "Duration of the last scan in seconds, by source.", s => s.LastScanSeconds);
        Family("ingest_last_scan_success_timestamp_seconds", "gauge", "Unix time of the last successful scan, by source.", s => s.LastSuccessUnixSeconds);
        Family("ingest_backlog_files", "gauge", "Ready files not yet processed, by source.", s => s.Backlog);
        return text.ToString();

        void Family(string name, string type, string help, Func<SourceState, double> value)
        {
            text.Family(name, type, help);
            foreach (var s in states)
            {
                lock (s)
                {
                    text.Sample(name, value(s), ("source", s.Name));
                }
            }
        }
    }
}

/// <summary>Serves <c>GET /health</c> and <c>GET /metrics</c> with Kestrel when <c>Health:Url</c> is set.</summary>
internal sealed class HealthServer(IOptions<HealthOptions> options, HealthReport report, ILogger<HealthServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Url))
        {
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "ingest" });
        builder.WebHost.UseKestrelCore().UseUrls(options.Value.Url);
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken);
        _app = app;
        Log.HealthListening(logger, options.Value.Url);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        switch (context.Request.Path.Value)
        {
            case "/health":
                var health = report.Check();
                context.Response.StatusCode = health.Status == HealthReport.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.Headers.CacheControl = "no-store";
                await JsonSerializer.SerializeAsync(context.Response.Body, health, HealthJsonContext.Default.HealthJson, ct);
                break;
            case "/metrics":
                context.Response.ContentType = PrometheusText.ContentType;
                await context.Response.WriteAsync(report.Metrics(), ct);
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }
}
