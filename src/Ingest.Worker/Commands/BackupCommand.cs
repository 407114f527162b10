using System.CommandLine;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest backup FILE</c>: a consistent copy of the catalog, safe while the service runs.</summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Where to write the copy; must not exist yet." };
        var command = new Command("backup", "Write a consistent copy of the catalog (SQLite online backup), even while the service runs.") { file };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            var target = Path.GetFullPath(parse.GetValue(file)!);
            using var catalog = host.Catalogs().OpenReadOnly();
            await catalog.BackupAsync(target, token);
            await Console.Out.WriteLineAsync(target);
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
