using System.CommandLine;
using System.Globalization;
using Ingest.Worker.Output;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest list</c>: documents in the order they were first seen.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var limit = new Option<int?>("--limit") { Description = "At most this many documents." };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0)
            {
                r.AddError("--limit must be 0 or more.");
            }
        });
        var command = new Command("list", "List documents with their occurrences.") { json, limit };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            using var catalog = host.Catalogs().OpenReadOnly();
            var docs = await catalog.ListDocumentsAsync(parse.GetValue(limit), token);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(docs.Select(DocumentJson.From).ToList(), JsonOutput.Context.ListDocumentJson, token);
                return ExitCodes.Success;
            }

            var table = new Table("SHA256", "FIRST SEEN", "SIZE", "ENCODING", "LANG", "LINES", "SEEN", "TITLE");
            foreach (var d in docs)
            {
                table.Add(d.Sha256[..12], Table.Time(d.FirstSeenUtc), d.SizeBytes.ToString(CultureInfo.InvariantCulture), d.Encoding, d.Details?.Language ?? "-",
                    d.LineCount.ToString(CultureInfo.InvariantCulture), d.Occurrences.Count.ToString(CultureInfo.InvariantCulture), Table.Cut(d.Title, 60));
            }

            await Console.Out.WriteAsync(table.ToString());
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
