using System.CommandLine;

namespace Ingest.Worker.Commands;

/// <summary>Options every command takes.</summary>
internal static class CommonOptions
{
    public static readonly Option<string?> Config = new("--config")
    {
        Description = "Configuration file (JSON). Relative paths in it resolve against its directory. Default: appsettings.json next to the executable.",
        Recursive = true,
    };

    public static readonly Option<string?> Database = new("--db")
    {
        Description = "Catalog database file; overrides Ingest:Database.",
        Recursive = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "Write JSON to stdout instead of a table." };

    /// <summary>Configuration overrides from the command line; relative paths resolve against the current directory.</summary>
    public static Dictionary<string, string?> Overrides(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(Database) is { } db)
        {
            overrides["Ingest:Database"] = Path.GetFullPath(db);
        }

        return overrides;
    }
}
