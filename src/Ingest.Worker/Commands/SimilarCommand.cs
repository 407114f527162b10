using System.CommandLine;
using System.Globalization;
using Ingest.Worker.Output;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest similar SHA256-OR-PREFIX</c>: near-duplicates of one document, nearest first.</summary>
internal static class SimilarCommand
{
    public static Command Create()
    {
        var sha = new Argument<string>("sha256") { Description = "SHA-256 of the document, or a unique prefix of it." };
        var json = CommonOptions.Json();
        var command = new Command("similar", "List documents within the near-duplicate distance (Search:NearDuplicateDistance) of one document.") { sha, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            using var catalog = host.Catalogs().OpenReadOnly();
            if (await CommandRunner.FindDocumentOrReportAsync(catalog, parse.GetValue(sha)!, token) is not { } d)
            {
                return ExitCodes.UnknownDocument;
            }

            var similar = await catalog.FindSimilarAsync(d.Sha256, token);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(similar.Select(s => new SimilarJson(s.Sha256, s.Title, s.Distance, s.Similarity)).ToList(),
                    JsonOutput.Context.ListSimilarJson, token);
                return ExitCodes.Success;
            }

            var table = new Table("SHA256", "DISTANCE", "SIMILARITY", "TITLE");
            foreach (var s in similar)
            {
                table.Add(s.Sha256[..12], s.Distance.ToString(CultureInfo.InvariantCulture), s.Similarity.ToString("0.00", CultureInfo.InvariantCulture), Table.Cut(s.Title, 60));
            }

            await Console.Out.WriteAsync(table.ToString());
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
