using System.CommandLine;
using Ingest;
using Ingest.Worker.Commands;
using Ingest.Worker.Hosting;
using Ingest.Worker.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var root = new RootCommand("Ingest: records every text file dropped into a folder, exactly once, in a catalog.")
{
    CommonOptions.Config,
    CommonOptions.Database,
    ScanCommand.Create(),
    RunCommand.Create(),
    ListCommand.Create(),
    ShowCommand.Create(),
    StatsCommand.Create(),
    FailuresCommand.Create(),
    BackupCommand.Create(),
    ReanalyzeCommand.Create(),
    SearchCommand.Create(),
    SimilarCommand.Create(),
    ReindexCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync($"ingest: {error.Message}");
    }

    return ExitCodes.BadConfiguration;
}

// `run` stops through the host's lifetime (SIGTERM, Ctrl+C, the Windows SCM), which finishes the batch in flight
// and exits 0; the other commands are cancelled by System.CommandLine and exit 130.
var invocation = new InvocationConfiguration();
if (parse.CommandResult.Command.Name == RunCommand.Name)
{
    invocation.ProcessTerminationTimeout = null;
}

return await parse.InvokeAsync(invocation);

/// <summary>The composition root shared by every command.</summary>
internal static partial class Program
{
    internal static HostApplicationBuilder CreateHostBuilder(string? configFile, IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Environment.CurrentDirectory,
        });
        builder.Configuration.AddIngestConfiguration(configFile, overrides);
        builder.Logging.AddIngestLogging(builder.Configuration);
        builder.Services
            .AddIngestPipeline(builder.Configuration)
            .AddScheduleValidation()
            .AddIngestSearch(builder.Configuration)
            .AddSqliteCatalog();
        return builder;
    }
}
