using System.Text.Json;
using System.Text.Json.Serialization;
using Ingest.Catalog;
using Ingest.Pipeline;

namespace Ingest.Worker.Output;

// Field names are part of the CLI contract; an unknown value is written as null, never omitted.

internal sealed record OccurrenceJson(
    string Source, string Path, string Status, DateTime IngestedUtc, DateTime LastWriteUtc, long SizeBytes, string Disposition, string? Destination, bool Pending)
{
    public static OccurrenceJson From(OccurrenceView o) =>
        new(o.Source, o.Path, o.Status, o.IngestedUtc, o.LastWriteUtc, o.SizeBytes, o.Disposition, o.Destination, o.Pending);
}

internal sealed record OutlineJson(int Level, string Text, long Line);

/// <summary>
/// One document, for both <c>list</c> and <c>show</c>. The text metadata of the decoding issue is null for a
/// document recorded before it existed, until <c>ingest reanalyze</c> fills it in.
/// </summary>
internal sealed record DocumentJson(
    string Sha256, long SizeBytes, string Encoding, bool HasBom, double Confidence, string? Title, long LineCount, string TextSha256,
    DateTime FirstSeenUtc, IReadOnlyList<OccurrenceJson> Occurrences,
    string? Language, string? Newline, long? NonBlankLineCount, long? CharCount, long? CjkCount, long? WordCount, IReadOnlyList<OutlineJson>? Outline,
    string? NearDuplicateOf, int? NearDuplicateDistance)
{
    public static DocumentJson From(DocumentView d) =>
        new(d.Sha256, d.SizeBytes, d.Encoding, d.HasBom, d.Confidence, d.Title, d.LineCount, d.TextSha256, d.FirstSeenUtc,
            d.Occurrences.Select(OccurrenceJson.From).ToList(),
            d.Details?.Language, d.Details?.Newline, d.Details?.NonBlankLineCount, d.Details?.CharCount, d.Details?.CjkCount, d.Details?.WordCount,
            d.Details?.Outline.Select(o => new OutlineJson(o.Level, o.Text, o.Line)).ToList(),
            d.NearDuplicateOf?.Sha256, d.NearDuplicateOf?.Distance);
}

internal sealed record SearchHitJson(string Sha256, string? Title, string Snippet, double Score);

internal sealed record SimilarJson(string Sha256, string? Title, int Distance, double Similarity);

internal sealed record ReindexJson(int Documents, double Elapsed);

internal sealed record ReanalyzedJson(string Sha256, string Status, string? Path, string? Detail);

internal sealed record ReanalyzeJson(int Updated, int Unchanged, int Missing, int Mismatched, int Failed, IReadOnlyList<ReanalyzedJson> Documents);

internal sealed record StatsJson(long Documents, long Occurrences, long Duplicates, long Failures, long DocumentBytes, long OccurrenceBytes);

internal sealed record FailureJson(string Path, string Reason, DateTime FailedUtc, string Source, string Kind, long SizeBytes, string? Destination, long Attempts, bool Resolved);

internal sealed record PlannedJson(string Path, string Action, string? Reason, string? Sha256, string? Destination);

internal sealed record ScanJson(
    int New, int Duplicates, int Failed, long Bytes, double Elapsed, int NotReady, int Skipped, int Reconciled, int BackedOff, int DisposalErrors, bool DryRun,
    IReadOnlyList<PlannedJson>? Planned)
{
    public static ScanJson From(ScanSummary s, bool dryRun) => new(
        s.New, s.Duplicates, s.Failed, s.Bytes, Math.Round(s.Elapsed.TotalSeconds, 3), s.NotReady, s.Skipped, s.Reconciled, s.BackedOff, s.DisposalErrors, dryRun,
        dryRun ? s.Planned.Select(p => new PlannedJson(p.Path, p.Action, p.Reason, p.Sha256, p.Destination)).ToList() : null);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = true)]
[JsonSerializable(typeof(List<DocumentJson>))]
[JsonSerializable(typeof(DocumentJson))]
[JsonSerializable(typeof(StatsJson))]
[JsonSerializable(typeof(List<FailureJson>))]
[JsonSerializable(typeof(ScanJson))]
[JsonSerializable(typeof(List<SearchHitJson>))]
[JsonSerializable(typeof(List<SimilarJson>))]
[JsonSerializable(typeof(ReindexJson))]
[JsonSerializable(typeof(ReanalyzeJson))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;

internal static class JsonOutput
{
    /// <summary>The contract's settings, writing CJK text as UTF-8 rather than \u escapes (stdout is data for people too).</summary>
    public static readonly IngestJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Writes one JSON value to stdout.</summary>
    public static async Task WriteAsync<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, CancellationToken ct)
    {
        await using var stdout = Console.OpenStandardOutput();
        await JsonSerializer.SerializeAsync(stdout, value, info, ct);
        await stdout.WriteAsync("\n"u8.ToArray(), ct);
    }
}
