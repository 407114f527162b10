using System.CommandLine;
using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Worker.Hosting;
using Ingest.Worker.Service;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ingest.Worker.Commands;

/// <summary>The boundary of every command: builds the host, runs the action, and maps failures to exit codes.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(
        ParseResult parse,
        IReadOnlyDictionary<string, string?> overrides,
        Func<IHost, CancellationToken, Task<int>> action,
        CancellationToken ct,
        Action<HostApplicationBuilder>? configure = null)
    {
        try
        {
            CatalogFactory.WarmUp(); // every command opens the catalog
            var builder = Program.CreateHostBuilder(parse.GetValue(CommonOptions.Config), overrides);
            configure?.Invoke(builder);
            using var host = builder.Build();
            _ = host.Services.GetRequiredService<IOptions<IngestOptions>>().Value; // validates now, naming bad keys
            return await action(host, ct);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"ingest: invalid configuration: {failure}");
            }

            return ExitCodes.BadConfiguration;
        }
        catch (ConfigurationFileException ex)
        {
            await Console.Error.WriteLineAsync($"ingest: {ex.Message}");
            return ExitCodes.BadConfiguration;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder names the key, e.g. "at 'Ingest:OnSuccess' to type 'Ingest.Configuration.Disposition'".
            await Console.Error.WriteLineAsync($"ingest: invalid configuration: {ex.Message}");
            return ExitCodes.BadConfiguration;
        }
        catch (FolderInUseException ex)
        {
            await Console.Error.WriteLineAsync($"ingest: {ex.Message}");
            return ExitCodes.FolderInUse;
        }
        catch (CatalogException ex)
        {
            await Console.Error.WriteLineAsync($"ingest: {ex.Message}");
            return ExitCodes.RuntimeError;
        }
        catch (DirectoryNotFoundException ex)
        {
            await Console.Error.WriteLineAsync($"ingest: {ex.Message}");
            return ExitCodes.RuntimeError;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("ingest: interrupted; nothing half-recorded.");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"ingest: error: {ex}");
            return ExitCodes.RuntimeError;
        }
    }

    /// <summary>The document with this SHA-256 or unique prefix; otherwise says why on stderr and returns null (exit code 4).</summary>
    public static async Task<DocumentView?> FindDocumentOrReportAsync(ICatalog catalog, string prefix, CancellationToken ct)
    {
        var lookup = await catalog.FindDocumentAsync(prefix, ct);
        if (lookup.Document is null)
        {
            await Console.Error.WriteLineAsync(lookup.Matches > 1
                ? $"ingest: '{prefix}' is ambiguous: it matches more than one document; give more characters."
                : $"ingest: no document has a SHA-256 starting with '{prefix}'.");
        }

        return lookup.Document;
    }

    public static CatalogFactory Catalogs(this IHost host) => host.Services.GetRequiredService<CatalogFactory>();
}
