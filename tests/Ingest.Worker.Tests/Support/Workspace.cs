using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ingest.Worker.Tests.Support;

/// <summary>A temp folder with a drop folder, outputs, a catalog and a config file pointing at them.</summary>
internal sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "ingest-e2e", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Drop);
        Settings = new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
            ["Ingest"] = new JsonObject
            {
                ["DropFolder"] = "drop",
                ["ProcessedFolder"] = "processed",
                ["DuplicatesFolder"] = "duplicates",
                ["FailedFolder"] = "failed",
                ["Database"] = "data/ingest.db",
                ["MinFileAge"] = 0,
            },
        };
    }

    public string Root { get; }
    public string Drop => Path.Combine(Root, "drop");
    public string Processed => Path.Combine(Root, "processed");
    public string Duplicates => Path.Combine(Root, "duplicates");
    public string Failed => Path.Combine(Root, "failed");
    public string Database => Path.Combine(Root, "data", "ingest.db");
    public string ConfigPath => Path.Combine(Root, "ingest.json");

    /// <summary>The configuration written to <see cref="ConfigPath"/> before each run; relative paths resolve against <see cref="Root"/>.</summary>
    public JsonObject Settings { get; }

    public JsonObject Ingest => (JsonObject)Settings["Ingest"]!;

    public string Put(string relative, byte[] bytes)
    {
        var full = Path.Combine(Drop, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        File.SetLastWriteTimeUtc(full, DateTime.UtcNow.AddMinutes(-1));
        return full;
    }

    public async Task<ProcessResult> RunAsync(params string[] args)
    {
        await File.WriteAllTextAsync(ConfigPath, Settings.ToJsonString(), Encoding.UTF8);
        return await IngestProcess.RunAsync(Root, [.. args, "--config", ConfigPath]);
    }

    /// <summary>Runs a command with --json and parses stdout, failing with stderr when it did not exit 0.</summary>
    public async Task<JsonNode> JsonAsync(params string[] args)
    {
        var result = await RunAsync([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"ingest {string.Join(' ', args)} exited {result.ExitCode}: {result.StdErr}");
        return JsonNode.Parse(result.StdOut)!;
    }

    /// <summary>Files below a folder, leaving out the instance lock file a served drop folder keeps.</summary>
    public static IEnumerable<string> FilesBelow(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".ingest.lock")
            : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

internal static class JsonExtensions
{
    public static string Str(this JsonNode? node, string name) => node![name]!.GetValue<string>();

    public static long Num(this JsonNode node, string name) => node[name]!.GetValue<long>();

    public static JsonArray Arr(this JsonNode node) => node.AsArray();

    public static bool IsExplicitNull(this JsonNode node, string name) => node.AsObject().TryGetPropertyValue(name, out var v) && v is null;

    public static string Pretty(this JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
