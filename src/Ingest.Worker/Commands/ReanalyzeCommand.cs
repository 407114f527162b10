using System.CommandLine;
using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Reading;
using Ingest.Worker.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Worker.Commands;

/// <summary>
/// <c>ingest reanalyze</c>: re-reads kept documents from where they went (the destination of a moved occurrence,
/// or the drop folder for one kept in place) and updates their text metadata, so a better detector applies
/// to an existing catalog. The bytes must still hash to the document's SHA-256; a missing file is reported.
/// </summary>
internal static class ReanalyzeCommand
{
    public static Command Create()
    {
        var sha = new Argument<string?>("sha256") { Description = "SHA-256 of the document, or a unique prefix of it.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Re-analyze every document." };
        var json = CommonOptions.Json();
        var command = new Command("reanalyze", "Re-read kept documents and update their encoding and text metadata.") { sha, all, json };
        command.Validators.Add(r =>
        {
            var hasPrefix = r.GetValue(sha) is not null;
            if (hasPrefix == r.GetValue(all))
            {
                r.AddError("Give either --all or one SHA-256 prefix.");
            }
        });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            var options = host.Services.GetRequiredService<IOptions<IngestOptions>>().Value;
            var source = IngestSource.FromOptions(options);
            using var catalog = host.Catalogs().OpenForWrite();

            IReadOnlyList<DocumentView> docs;
            if (parse.GetValue(sha) is { } prefix)
            {
                if (await CommandRunner.FindDocumentOrReportAsync(catalog, prefix, token) is not { } d)
                {
                    return ExitCodes.UnknownDocument;
                }

                docs = [d];
            }
            else
            {
                docs = await catalog.ListDocumentsAsync(null, token);
            }

            var results = new List<ReanalyzedJson>(docs.Count);
            foreach (var doc in docs)
            {
                token.ThrowIfCancellationRequested();
                results.Add(await ReanalyzeAsync(doc, source, catalog, token));
            }

            var summary = new ReanalyzeJson(
                results.Count(r => r.Status == "updated"), results.Count(r => r.Status == "unchanged"), results.Count(r => r.Status == "missing"),
                results.Count(r => r.Status == "mismatch"), results.Count(r => r.Status == "failed"), results);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(summary, JsonOutput.Context.ReanalyzeJson, token);
            }
            else
            {
                var table = new Table("SHA256", "STATUS", "PATH", "DETAIL");
                foreach (var r in results)
                {
                    table.Add(r.Sha256[..12], r.Status, r.Path, r.Detail);
                }

                await Console.Out.WriteAsync(table + $"updated {summary.Updated}, unchanged {summary.Unchanged}, missing {summary.Missing}, mismatch {summary.Mismatched}, failed {summary.Failed}\n");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task<ReanalyzedJson> ReanalyzeAsync(DocumentView doc, IngestSource source, ICatalog catalog, CancellationToken ct)
    {
        string? mismatch = null;
        foreach (var path in Locations(doc, source))
        {
            if (!File.Exists(path))
            {
                continue;
            }

            var analysis = FileAnalyzer.AnalyzePath(path, path, source.MaxFileSize, ct);
            if (analysis.Kind != AnalysisKind.Document)
            {
                return new ReanalyzedJson(doc.Sha256, "failed", path, analysis.Reason);
            }

            var facts = analysis.Facts!;
            if (!string.Equals(facts.Sha256, doc.Sha256, StringComparison.Ordinal))
            {
                // Edited since it was recorded: another copy may still hold the original bytes.
                mismatch = path;
                continue;
            }

            var same = SameDetails(doc.Details, facts.Details) && doc.Encoding == facts.Encoding && doc.Title == facts.Title
                && doc.TextSha256 == facts.TextSha256 && doc.LineCount == facts.LineCount && doc.Confidence.Equals(facts.Confidence);
            await catalog.UpdateDocumentFactsAsync(facts, ct);
            return new ReanalyzedJson(doc.Sha256, same ? "unchanged" : "updated", path, $"{facts.Encoding}, {facts.Details?.Language}");
        }

        return mismatch is not null
            ? new ReanalyzedJson(doc.Sha256, "mismatch", mismatch, "the file's SHA-256 no longer matches the document")
            : new ReanalyzedJson(doc.Sha256, "missing", null, "no kept copy found (deleted, or moved away since)");
    }

    // Records compare lists by reference, so the outline is compared item by item.
    private static bool SameDetails(TextDetails? a, TextDetails? b) =>
        a is null || b is null ? a == b : a with { Outline = [] } == b with { Outline = [] } && a.Outline.SequenceEqual(b.Outline);

    /// <summary>Where copies of the document went: destinations of moved occurrences, drop-folder paths of kept ones.</summary>
    private static IEnumerable<string> Locations(DocumentView doc, IngestSource source)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in doc.Occurrences)
        {
            var path = o.Destination
                ?? (o.Disposition == "keep" && o.Source == source.Name ? PathUtil.FromCatalogPath(source.DropFolder, o.Path) : null);
            if (path is not null && seen.Add(path))
            {
                yield return path;
            }
        }
    }
}
