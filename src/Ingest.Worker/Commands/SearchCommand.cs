using System.CommandLine;
using System.Globalization;
using Ingest.Search;
using Ingest.Worker.Output;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest search QUERY</c>: documents containing every term, best first.</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("query")
        {
            Description = "Terms separated by spaces must all match, as case-insensitive substrings; \"…\" quotes a phrase with spaces.",
        };
        var json = CommonOptions.Json();
        var limit = new Option<int>("--limit") { Description = "At most this many documents.", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--limit must be 1 or more.");
            }
        });
        var command = new Command("search", "Full-text search over the stored text (Chinese and Japanese of any length, Latin words).") { query, json, limit };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            SearchQuery parsed;
            try
            {
                parsed = SearchQuery.Parse(parse.GetValue(query)!);
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync($"ingest: {ex.Message}");
                return ExitCodes.BadConfiguration;
            }

            using var catalog = host.Catalogs().OpenReadOnly();
            var hits = await catalog.SearchAsync(parsed, parse.GetValue(limit), token);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(hits.Select(h => new SearchHitJson(h.Sha256, h.Title, h.Snippet, h.Score)).ToList(),
                    JsonOutput.Context.ListSearchHitJson, token);
                return ExitCodes.Success;
            }

            var table = new Table("SHA256", "SCORE", "TITLE", "SNIPPET");
            foreach (var h in hits)
            {
                table.Add(h.Sha256[..12], h.Score.ToString("G4", CultureInfo.InvariantCulture), Table.Cut(h.Title, 30), h.Snippet);
            }

            await Console.Out.WriteAsync(table.ToString());
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
