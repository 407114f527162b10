using Microsoft.Extensions.Configuration;

namespace Ingest.Worker.Hosting;

/// <summary>
/// Builds the configuration: the JSON file (the built-in one, or <c>--config</c>), then environment variables,
/// then command-line overrides. Relative paths in a <c>--config</c> file resolve against that file's directory;
/// everywhere else they resolve against the current directory.
/// </summary>
internal static class IngestConfiguration
{
    private static readonly HashSet<string> PathKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "DropFolder", "ProcessedFolder", "DuplicatesFolder", "FailedFolder", "Database",
    };

    public const string BuiltInFileName = "appsettings.json";

    public static IConfigurationBuilder AddIngestConfiguration(
        this IConfigurationBuilder builder, string? configFile, IReadOnlyDictionary<string, string?> overrides)
    {
        string file;
        string baseDirectory;
        if (configFile is null)
        {
            file = Path.Combine(AppContext.BaseDirectory, BuiltInFileName);
            baseDirectory = Environment.CurrentDirectory;
        }
        else
        {
            file = Path.GetFullPath(configFile);
            if (!File.Exists(file))
            {
                throw new ConfigurationFileException($"Configuration file '{file}' (--config) does not exist.");
            }

            baseDirectory = Path.GetDirectoryName(file)!;
        }

        IConfigurationRoot fileConfig;
        try
        {
            fileConfig = new ConfigurationBuilder().AddJsonFile(file, optional: configFile is null, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ConfigurationFileException($"Configuration file '{file}' is not valid JSON: {ex.Message}");
        }

        var resolved = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in fileConfig.AsEnumerable())
        {
            if (value is null)
            {
                continue;
            }

            resolved[key] = IsPathKey(key) && value.Length > 0 ? Path.GetFullPath(value, baseDirectory) : value;
        }

        return builder
            .AddInMemoryCollection(resolved)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides);
    }

    private static bool IsPathKey(string key)
    {
        var last = key.LastIndexOf(':');
        return PathKeys.Contains(last < 0 ? key : key[(last + 1)..]);
    }
}

/// <summary>A configuration file that is missing or unreadable: exit code 2.</summary>
internal sealed class ConfigurationFileException(string message) : Exception(message);
