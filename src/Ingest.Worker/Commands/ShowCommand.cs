using System.CommandLine;
using System.Globalization;
using Ingest.Worker.Output;

namespace Ingest.Worker.Commands;

/// <summary><c>ingest show</c>: one document by SHA-256 or a unique prefix of it.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var sha = new Argument<string>("sha256") { Description = "SHA-256 of the document, or a unique prefix of it." };
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one document and every place it was seen.") { sha, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, CommonOptions.Overrides(parse), async (host, token) =>
        {
            var prefix = parse.GetValue(sha)!;
            using var catalog = host.Catalogs().OpenReadOnly();
            if (await CommandRunner.FindDocumentOrReportAsync(catalog, prefix, token) is not { } d)
            {
                return ExitCodes.UnknownDocument;
            }

            if (parse.GetValue(json))
            {
                await JsonOutput.WriteAsync(DocumentJson.From(d), JsonOutput.Context.DocumentJson, token);
                return ExitCodes.Success;
            }

            var inv = CultureInfo.InvariantCulture;
            var text = string.Join('\n',
                $"sha256:      {d.Sha256}",
                $"title:       {d.Title ?? "-"}",
                $"size:        {d.SizeBytes.ToString(inv)} bytes",
                $"encoding:    {d.Encoding}{(d.HasBom ? " (BOM)" : "")}, confidence {d.Confidence.ToString("0.00", inv)}",
                $"lines:       {d.LineCount.ToString(inv)}{(d.Details is { } x ? $" ({x.NonBlankLineCount.ToString(inv)} non-blank), newline {x.Newline}" : "")}",
                $"language:    {d.Details?.Language ?? "-"}",
                $"counts:      {(d.Details is { } c ? $"{c.CharCount.ToString(inv)} characters, {c.CjkCount.ToString(inv)} CJK, {c.WordCount.ToString(inv)} words" : "-")}",
                $"textSha256:  {d.TextSha256}",
                $"first seen:  {Table.Time(d.FirstSeenUtc)}",
                $"near-dup of: {(d.NearDuplicateOf is { } n ? $"{n.Sha256} (distance {n.Distance.ToString(inv)})" : "-")}",
                "");
            if (d.Details is { Outline.Count: > 0 } details)
            {
                text += "outline:\n" + string.Join('\n', details.Outline.Select(o => $"  {new string(' ', (o.Level - 1) * 2)}{o.Text}  (line {o.Line.ToString(inv)})")) + "\n\n";
            }

            var table = new Table("STATUS", "INGESTED", "SOURCE", "PATH", "DESTINATION");
            foreach (var o in d.Occurrences)
            {
                table.Add(o.Status, Table.Time(o.IngestedUtc), o.Source, o.Path, o.Destination ?? $"({o.Disposition})");
            }

            await Console.Out.WriteAsync(text + "\n" + table);
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
