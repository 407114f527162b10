using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Tests.Decoding;
using Ingest.Metadata;
using Ingest.Reading;

using Ingest.Tests.Support;

namespace Ingest.Tests.Catalog;

public sealed class SqliteCatalogTextDetailsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly TextDetails Details = new("crlf", 3, 42, 30, 2, "zh",
        [new OutlineEntry(1, "一、总体要求", 2), new OutlineEntry(2, "（一）基本原则", 3)]);

    private static DocumentFacts Facts(string sha, TextDetails? details) =>
        new(sha, 100, "gb18030", false, 0.9, "标题", 4, new string('b', 64), details);

    private SqliteCatalog Open() => SqliteCatalog.Open(Path.Combine(_folder.Path, "c.db"), readOnly: false, TimeProvider.System);

    private static async Task Record(SqliteCatalog catalog, DocumentFacts facts) =>
        await catalog.RecordAsync(
            [new IngestRecord("default", "a.txt", 100, DateTime.UtcNow, facts, null, AnalysisKind.Document)],
            (_, _) => new PlannedDisposal(Disposition.Keep, null),
            TimeSpan.FromMinutes(1),
            CancellationToken.None);

    [Fact]
    public async Task RecordAsync_DocumentWithTextDetails_ReadsThemBack()
    {
        using var catalog = Open();
        await Record(catalog, Facts(new string('a', 64), Details));

        var d = (await catalog.FindDocumentAsync("aaaa", CancellationToken.None)).Document!;

        Assert.Equal(Details with { Outline = [] }, d.Details! with { Outline = [] });
        Assert.Equal(Details.Outline, d.Details!.Outline);
    }

    [Fact]
    public async Task RecordAsync_DocumentWithoutTextDetails_ReadsBackNull()
    {
        using var catalog = Open();
        await Record(catalog, Facts(new string('c', 64), null));

        Assert.Null((await catalog.FindDocumentAsync("cccc", CancellationToken.None)).Document!.Details);
    }

    [Fact]
    public async Task UpdateDocumentFactsAsync_KnownDocument_ReplacesEncodingAndDetails()
    {
        using var catalog = Open();
        await Record(catalog, Facts(new string('d', 64), null));

        var updated = await catalog.UpdateDocumentFactsAsync(Facts(new string('d', 64), Details) with { Encoding = "big5", Confidence = 0.5 }, CancellationToken.None);
        var d = (await catalog.FindDocumentAsync("dddd", CancellationToken.None)).Document!;

        Assert.True(updated);
        Assert.Equal("big5", d.Encoding);
        Assert.Equal(0.5, d.Confidence);
        Assert.Equal("zh", d.Details?.Language);
        Assert.Equal(2, d.Details?.Outline.Count);
    }

    [Fact]
    public async Task UpdateDocumentFactsAsync_UnknownDocument_ReturnsFalse()
    {
        using var catalog = Open();

        Assert.False(await catalog.UpdateDocumentFactsAsync(Facts(new string('e', 64), Details), CancellationToken.None));
    }

    [Fact]
    public void Open_NewCatalog_HasTheTextColumnsAtTheLatestVersion()
    {
        Open().Dispose();
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder.Path, "c.db")};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT group_concat(name) FROM pragma_table_info('document')";
        var columns = ((string)cmd.ExecuteScalar()!).Split(',');

        Assert.Equal(SqliteSchema.LatestVersion, SqliteSchema.GetVersion(connection));
        Assert.Subset(columns.ToHashSet(), new HashSet<string> { "language", "newline", "non_blank_line_count", "char_count", "cjk_count", "word_count", "outline" });
    }
}
