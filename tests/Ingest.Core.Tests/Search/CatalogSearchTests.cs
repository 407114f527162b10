using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Pipeline;
using Ingest.Reading;
using Ingest.Search;
using Ingest.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ingest.Tests.Search;

/// <summary>Search and near-duplicates over a real catalog filled by the real pipeline.</summary>
public sealed class CatalogSearchTests : PipelineHarness
{
    private const string Library =
        "关于城市图书馆建设的讲话\n同志们：今年全市新建社区图书馆十二座，市民借阅量明显增长。我们要把阅读推广作为长期任务。\n";
    private const string River =
        "关于河道治理工作的报告\n今年春季完成了河道清淤，沿岸绿化带延长了三公里。下一步要加强水质监测。\n";
    private const string Japanese =
        "図書館だより\n新しい閲覧室が春に開きました。ボランティアの皆さんが本を整理しています。\n";
    private const string English =
        "Notes from the Riverside Library\nThe library’s new reading room opened in spring. Volunteers sorted four thousand books.\n";

    private async Task<Dictionary<string, string>> IngestAsync(bool searchEnabled = true)
    {
        var texts = new Dictionary<string, string> { ["library.txt"] = Library, ["river.txt"] = River, ["ja.txt"] = Japanese, ["en.txt"] = English };
        foreach (var (name, text) in texts)
        {
            Temp.Write("drop/" + name, Encode.Utf8(text), Old);
        }

        var pipeline = new ScanPipeline(Time, NullLogger<ScanPipeline>.Instance, Options.Create(new SearchOptions { Enabled = searchEnabled }));
        await pipeline.RunAsync(Source(), Catalog, 2, CancellationToken.None);
        return texts.ToDictionary(t => Encode.Sha256Hex(Encode.Utf8(t.Value)), t => t.Key);
    }

    private async Task<string[]> Find(Dictionary<string, string> names, string query) =>
        (await Catalog.SearchAsync(SearchQuery.Parse(query), 50, CancellationToken.None)).Select(h => names[h.Sha256]).Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [InlineData("馆", new[] { "library.txt" })]                // one character
    [InlineData("今年", new[] { "library.txt", "river.txt" })]  // two characters
    [InlineData("图书馆", new[] { "library.txt" })]             // three characters
    [InlineData("社区图书馆十二座", new[] { "library.txt" })]
    [InlineData("図書館", new[] { "ja.txt" })]
    [InlineData("ボランティア", new[] { "ja.txt" })]
    [InlineData("LIBRARY", new[] { "en.txt" })]                 // case-insensitive, and a substring of "library’s"
    [InlineData("library volunteers", new[] { "en.txt" })]     // every term must match
    [InlineData("\"reading room\"", new[] { "en.txt" })]       // a quoted phrase with a space
    [InlineData("今年 河道", new[] { "river.txt" })]
    [InlineData("馆 river", new string[0])]
    [InlineData("春", new[] { "ja.txt", "river.txt" })]
    public async Task Search_ReturnsExactlyTheDocumentsContainingEveryTerm(string query, string[] expected)
    {
        var names = await IngestAsync();
        Assert.Equal(expected.Order(StringComparer.Ordinal), await Find(names, query));
    }

    [Fact]
    public async Task Search_SyntaxCharacters_AreLiteralNotOperators()
    {
        var names = await IngestAsync();
        Assert.Equal(["en.txt"], await Find(names, "NOT AND OR")); // substrings of "Notes", "thousand", "room"
        Assert.Empty(await Find(names, "NEAR(library"));
        Assert.Empty(await Find(names, "图书* \"a\"\"b\""));
        Assert.Equal(["en.txt"], await Find(names, "library’s"));
    }

    [Fact]
    public async Task Search_Snippet_WrapsEachMatchInBrackets_AndEachDocumentComesOnce()
    {
        Temp.Write("drop/copy/library.txt", Encode.Utf8(Library), Old); // a duplicate occurrence of the same document
        var names = await IngestAsync();

        var hits = await Catalog.SearchAsync(SearchQuery.Parse("图书馆"), 50, CancellationToken.None);

        var hit = Assert.Single(hits);
        Assert.Contains("[图书馆]", hit.Snippet, StringComparison.Ordinal);
        Assert.Equal("关于城市图书馆建设的讲话", hit.Title);
        Assert.Equal("library.txt", names[hit.Sha256]);
    }

    [Fact]
    public async Task Search_TextStoredByBrotliBeforeVersion10_IsStillFoundSnippetedAndReindexed()
    {
        var names = await IngestAsync(searchEnabled: false);
        var path = Temp.Combine("data", "ingest.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal(3L, Scalar(connection, "SELECT count(*) FROM document_text WHERE codec = 1")); // the two Chinese texts and the Japanese one
            StoreTextAsBeforeVersion10(connection);
            Execute(connection, $"PRAGMA user_version = {SqliteSchema.LatestVersion - 1}");
        }

        using var migrated = SqliteCatalog.Open(path, readOnly: false, Time);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal(4L, Scalar(connection, "SELECT count(*) FROM document_text WHERE codec = 0"));
        }

        Assert.Equal(4, await migrated.ReindexAsync(CancellationToken.None));
        var hit = Assert.Single(await migrated.SearchAsync(SearchQuery.Parse("图书馆"), 50, CancellationToken.None));
        Assert.Equal("library.txt", names[hit.Sha256]);
        Assert.Contains("[图书馆]", hit.Snippet, StringComparison.Ordinal);
        Assert.Equal("en.txt", names[Assert.Single(await migrated.SearchAsync(SearchQuery.Parse("volunteers"), 50, CancellationToken.None)).Sha256]);
    }

    [Fact]
    public async Task Reindex_AfterIngestWithSearchDisabled_MakesEverythingSearchable()
    {
        var names = await IngestAsync(searchEnabled: false);
        Assert.Empty(await Find(names, "图书馆"));

        Assert.Equal(4, await Catalog.ReindexAsync(CancellationToken.None));

        Assert.Equal(["library.txt"], await Find(names, "图书馆"));
    }

    private static string Speech(int seed)
    {
        const string han = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研";
        var random = new Random(seed);
        var sb = new System.Text.StringBuilder("讲话稿\n");
        while (sb.Length < 3000)
        {
            for (var k = 0; k < 2 + random.Next(3); k++)
            {
                sb.Append(han[random.Next(han.Length)]);
            }

            sb.Append(random.Next(8) == 0 ? "。\n" : random.Next(4) == 0 ? "，" : "");
        }

        return sb.ToString();
    }

    [Fact]
    public async Task Ingest_SpeechWithADozenCharactersChanged_IsFlaggedAsNearDuplicateAndFoundBySimilar()
    {
        var original = Speech(1);
        var edited = original.ToCharArray();
        var random = new Random(2);
        for (var k = 0; k < 12; k++)
        {
            edited[10 + random.Next(edited.Length - 10)] = '国';
        }

        Temp.Write("drop/a/original.txt", Encode.Utf8(original), Old);
        await Scan();
        Temp.Write("drop/b/edited.txt", Encode.Utf8(new string(edited)), Old);
        Temp.Write("drop/c/other.txt", Encode.Utf8(Speech(3)), Old);
        await Scan();

        var docs = (await Catalog.ListDocumentsAsync(null, CancellationToken.None)).ToDictionary(d => d.Occurrences[0].Path);
        var near = docs["b/edited.txt"].NearDuplicateOf;
        Assert.NotNull(near);
        Assert.Equal(docs["a/original.txt"].Sha256, near.Sha256);
        Assert.InRange(near.Distance, 0, 3);
        Assert.Null(docs["c/other.txt"].NearDuplicateOf); // a different speech on the same vocabulary
        Assert.Null(docs["a/original.txt"].NearDuplicateOf);

        var similar = Assert.Single(await Catalog.FindSimilarAsync(docs["a/original.txt"].Sha256, CancellationToken.None));
        Assert.Equal(docs["b/edited.txt"].Sha256, similar.Sha256);
        Assert.InRange(similar.Similarity, 0.8, 1.0);
    }

    /// <summary>Turns stored text back into what catalogs before v10 hold: Brotli, without a codec column.</summary>
    private static void StoreTextAsBeforeVersion10(SqliteConnection connection)
    {
        var rows = new List<(long Id, byte[] Text)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT document_id, codec, text FROM document_text";
            using var r = read.ExecuteReader();
            while (r.Read())
            {
                rows.Add((r.GetInt64(0), TextCompression.Decompress(new StoredText((TextCodec)r.GetInt64(1), (byte[])r.GetValue(2)))));
            }
        }

        foreach (var (id, text) in rows)
        {
            using var write = connection.CreateCommand();
            write.CommandText = "UPDATE document_text SET text = $text WHERE document_id = $id";
            write.Parameters.AddWithValue("$text", TextCompression.Brotli(text));
            write.Parameters.AddWithValue("$id", id);
            write.ExecuteNonQuery();
        }

        Execute(connection, "ALTER TABLE document_text DROP COLUMN codec");
    }

    [Fact]
    public async Task Migration_FromVersion4_ReplacesTheBandTableWithTheSimHashLog_AndNearDuplicatesAreStillFound()
    {
        var original = Speech(1);
        Temp.Write("drop/a/original.txt", Encode.Utf8(original), Old);
        Temp.Write("drop/a/other.txt", Encode.Utf8(Speech(3)), Old);
        await Scan();

        // Turn the catalog back into version 4: band rows without the SimHash, no SimHash log (and no hash tiers of v7 and v9).
        var path = Temp.Combine("data", "ingest.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, """
                DROP TABLE simhash_log;
                CREATE TABLE simhash_band (band INTEGER NOT NULL, value INTEGER NOT NULL, document_id INTEGER NOT NULL,
                    PRIMARY KEY (band, value, document_id)) WITHOUT ROWID;
                INSERT INTO simhash_band SELECT b.value, (simhash >> (16 * b.value)) & 65535, document_id
                    FROM document_fingerprint, (SELECT 0 AS value UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) b;
                DROP INDEX ux_document_sha256_settled;
                DROP TABLE document_sha256_recent;
                DROP TABLE document_sha256_fresh;
                DROP TABLE document_sha256_recent_filter;
                DROP TABLE document_sha256_tier;
                PRAGMA user_version = 4;
                """);
            StoreTextAsBeforeVersion10(connection);
            Assert.Equal(8L, Scalar(connection, "SELECT count(*) FROM simhash_band"));
        }

        // A new process: its index is loaded from the migrated catalog.
        using var migrated = SqliteCatalog.Open(path, readOnly: false, Time);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal(SqliteSchema.LatestVersion, SqliteSchema.GetVersion(connection));
            Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE name = 'simhash_band'"));
            Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM simhash_log"));
            Assert.Equal(2L * SimHashIndex.EntrySize, Scalar(connection, "SELECT length(entries) FROM simhash_log"));
        }

        var edited = original.ToCharArray();
        edited[100] = '国';
        Temp.Write("drop/b/edited.txt", Encode.Utf8(new string(edited)), Old);
        await Pipeline.RunAsync(Source(), migrated, 2, CancellationToken.None);

        var docs = (await migrated.ListDocumentsAsync(null, CancellationToken.None)).ToDictionary(d => d.Occurrences[0].Path);
        Assert.Equal(docs["a/original.txt"].Sha256, docs["b/edited.txt"].NearDuplicateOf?.Sha256);
    }

    [Fact]
    public async Task Ingest_NearDuplicateOfADocumentAnotherProcessRecorded_IsFlagged()
    {
        var original = Speech(1);
        var path = Temp.Combine("data", "ingest.db");

        // This catalog loads its index first (two scans: the second reads the log row the first wrote); then "another
        // process" (its own catalog and index) records the original, in that same log row.
        Temp.Write("drop/a/other.txt", Encode.Utf8(Speech(3)), Old);
        await Scan();
        Temp.Write("drop/a/third.txt", Encode.Utf8(Speech(4)), Old);
        await Scan();
        using (var other = SqliteCatalog.Open(path, readOnly: false, Time))
        {
            Temp.Write("drop/b/original.txt", Encode.Utf8(original), Old);
            await Pipeline.RunAsync(Source(), other, 2, CancellationToken.None);
        }

        var edited = original.ToCharArray();
        edited[100] = '国';
        Temp.Write("drop/c/edited.txt", Encode.Utf8(new string(edited)), Old);
        await Scan();

        var docs = (await Catalog.ListDocumentsAsync(null, CancellationToken.None)).ToDictionary(d => d.Occurrences[0].Path);
        Assert.Equal(docs["b/original.txt"].Sha256, docs["c/edited.txt"].NearDuplicateOf?.Sha256);
    }

    [Fact]
    public async Task Record_RolledBackBatch_NeverBecomesANearDuplicateTarget()
    {
        var original = Speech(1);
        var edited = original.ToCharArray();
        edited[100] = '国';
        var source = Source();

        // The batch fails after the original's fingerprint is written (planning its disposal throws): it rolls back.
        Temp.Write("drop/a/original.txt", Encode.Utf8(original), Old);
        var analysis = FileAnalyzer.AnalyzePath(Temp.Combine("drop", "a", "original.txt"), "a/original.txt", null, CancellationToken.None, captureBytes: 64 * 1024);
        await Assert.ThrowsAsync<IOException>(() => Catalog.RecordAsync(
            [IngestRecord.From(source.Name, analysis)], (_, _) => throw new IOException("disk gone"), TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Empty(await Catalog.ListDocumentsAsync(null, CancellationToken.None));

        File.Delete(Temp.Combine("drop", "a", "original.txt"));
        Temp.Write("drop/b/edited.txt", Encode.Utf8(new string(edited)), Old);
        var summary = await Scan();

        Assert.Equal(1, summary.New);
        var doc = Assert.Single(await Catalog.ListDocumentsAsync(null, CancellationToken.None));
        Assert.Null(doc.NearDuplicateOf);
    }

    [Fact]
    public async Task Ingest_IndexSharedWithACatalogFileSinceReplaced_ForgetsTheOldDocuments()
    {
        var original = Speech(1);
        var shared = new SimHashIndex();
        var oldPath = Temp.Combine("data", "old.db");
        using (var old = SqliteCatalog.Open(oldPath, readOnly: false, Time, simHashes: shared))
        {
            Temp.Write("drop/a/original.txt", Encode.Utf8(original), Old);
            await Pipeline.RunAsync(Source(), old, 2, CancellationToken.None);
        }

        Assert.Equal(1, shared.Count);

        // The same process, a new catalog file (restored, recreated), where document 1 is another text: the edit has
        // nothing to be a near-duplicate of.
        using var fresh = SqliteCatalog.Open(Temp.Combine("data", "new.db"), readOnly: false, Time, simHashes: shared);
        Temp.Write("drop/b/other.txt", Encode.Utf8(Speech(3)), Old);
        await Pipeline.RunAsync(Source(), fresh, 2, CancellationToken.None);
        var edited = original.ToCharArray();
        edited[100] = '国';
        Temp.Write("drop/c/edited.txt", Encode.Utf8(new string(edited)), Old);
        await Pipeline.RunAsync(Source(), fresh, 2, CancellationToken.None);

        var docs = (await fresh.ListDocumentsAsync(null, CancellationToken.None)).ToDictionary(d => d.Occurrences[0].Path);
        Assert.Null(docs["c/edited.txt"].NearDuplicateOf);
        Assert.Equal(2, shared.Count);
    }

    [Fact]
    public async Task Record_ManyBatches_ExtendTheSimHashLogRowByRow_AndANewProcessLoadsEveryEntry()
    {
        // 5,000 documents in batches of 1,000: a batch extends the last row while it fits in 4,096 entries.
        var path = Temp.Combine("data", "ingest.db");
        var random = new Random(7);
        var hashes = new List<ulong>();
        for (var b = 0; b < 5; b++)
        {
            var batch = new List<IngestRecord>();
            for (var i = 0; i < 1000; i++)
            {
                var simhash = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
                hashes.Add(simhash);
                var search = new SearchPayload(null, new StoredText(TextCodec.Brotli, [1]), false, new Fingerprint(simhash, new uint[64]));
                var sha = Convert.ToHexStringLower(BitConverter.GetBytes(hashes.Count)).PadLeft(64, '0');
                batch.Add(new IngestRecord("default", $"d{b}/{i}.txt", 10, Old, new DocumentFacts(sha, 10, "utf-8", false, 1, "t", 1, sha, Search: search),
                    null, AnalysisKind.Document));
            }

            await Catalog.RecordAsync(batch, (_, _) => new PlannedDisposal(Disposition.Keep, null), TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal(2L, Scalar(connection, "SELECT count(*) FROM simhash_log"));
            Assert.Equal(4000L * SimHashIndex.EntrySize, Scalar(connection, "SELECT length(entries) FROM simhash_log ORDER BY id LIMIT 1"));
            Assert.Equal(1000L * SimHashIndex.EntrySize, Scalar(connection, "SELECT length(entries) FROM simhash_log ORDER BY id DESC LIMIT 1"));
        }

        // A new process (its own index, loaded by its first lookup): every document's SimHash, with its document id.
        var index = new SimHashIndex();
        using var reopened = SqliteCatalog.Open(path, readOnly: true, Time, simHashes: index);
        var first = Assert.Single(await reopened.ListDocumentsAsync(1, CancellationToken.None));
        await reopened.FindSimilarAsync(first.Sha256, CancellationToken.None);
        Assert.Equal(5000, index.Count);
        for (var k = 0; k < hashes.Count; k++)
        {
            Assert.Contains(index.Within(hashes[k], 0), c => c.Id == k + 1);
        }
    }

    /// <summary>Records documents with these SimHashes in batches of 1,000 (ids in the same order, in a new catalog).</summary>
    private async Task RecordSimHashesAsync(SqliteCatalog catalog, IReadOnlyList<ulong> hashes, string prefix)
    {
        for (var start = 0; start < hashes.Count; start += 1000)
        {
            var batch = new List<IngestRecord>();
            for (var i = start; i < Math.Min(hashes.Count, start + 1000); i++)
            {
                var search = new SearchPayload(null, new StoredText(TextCodec.Brotli, [1]), false, new Fingerprint(hashes[i], new uint[64]));
                var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(prefix + i)));
                batch.Add(new IngestRecord("default", $"{prefix}/{i}.txt", 10, Old, new DocumentFacts(sha, 10, "utf-8", false, 1, "t", 1, sha, Search: search),
                    null, AnalysisKind.Document));
            }

            await catalog.RecordAsync(batch, (_, _) => new PlannedDisposal(Disposition.Keep, null), TimeSpan.FromMinutes(1), CancellationToken.None);
        }
    }

    private static ulong[] RandomSimHashes(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63))];
    }

    [Fact]
    public async Task Maintain_SavesTheNearDuplicateIndex_AndANewProcessMapsItAndCatchesUpWithWhatCameAfter()
    {
        var path = Temp.Combine("data", "ingest.db");
        var hashes = RandomSimHashes(seed: 9, count: 5300);
        Catalog.SimHashSnapshotMin = 4000;
        await RecordSimHashesAsync(Catalog, hashes[..5000], "a");
        Assert.True(await Catalog.MaintainAsync(CancellationToken.None));
        Assert.True(File.Exists(Catalog.SimHashSnapshotPath));
        Assert.False(await Catalog.MaintainAsync(CancellationToken.None)); // saved already
        await RecordSimHashesAsync(Catalog, hashes[5000..], "b");

        // A new process: its index starts from the file and reads only the log rows from the snapshot's last one on.
        var index = new SimHashIndex();
        using var reopened = SqliteCatalog.Open(path, readOnly: true, Time, simHashes: index);
        var first = Assert.Single(await reopened.ListDocumentsAsync(1, CancellationToken.None));
        await reopened.FindSimilarAsync(first.Sha256, CancellationToken.None);
        // The writer grouped its documents by band when the 4,097th came (the rest were chained): that is what it saved,
        // and the new process read the other 1,203 from the log, beginning with a row before the newest saved one.
        Assert.Equal((4097, 5300), (index.SnapshotCount, index.Count));
        for (var k = 0; k < hashes.Length; k++)
        {
            Assert.Contains(index.Within(hashes[k], 0), c => c.Id == k + 1);
        }
    }

    [Fact]
    public async Task Maintain_LargeCatalogWithoutASnapshot_LoadsTheIndexAndSavesIt_WhileAnotherCatalogsSnapshotIsNeverUsed()
    {
        var path = Temp.Combine("data", "ingest.db");
        var hashes = RandomSimHashes(seed: 4, count: 4200);
        await RecordSimHashesAsync(Catalog, hashes, "a");
        var other = Temp.Combine("data", "other.db");
        using (var otherCatalog = SqliteCatalog.Open(other, readOnly: false, Time))
        {
            otherCatalog.SimHashSnapshotMin = 4000;
            await RecordSimHashesAsync(otherCatalog, RandomSimHashes(seed: 5, count: 4200), "b");
            Assert.True(await otherCatalog.MaintainAsync(CancellationToken.None));
        }

        // The other catalog's snapshot where this one's belongs (same number of documents, other SimHashes): not used.
        File.Copy(other + "-simhash", path + "-simhash");
        var index = new SimHashIndex();
        using (var reopened = SqliteCatalog.Open(path, readOnly: false, Time, simHashes: index))
        {
            var first = Assert.Single(await reopened.ListDocumentsAsync(1, CancellationToken.None));
            await reopened.FindSimilarAsync(first.Sha256, CancellationToken.None);
            Assert.Equal((0, 4200), (index.SnapshotCount, index.Count));
            Assert.Contains(index.Within(hashes[17], 0), c => c.Id == 18);

            // Loaded from the log, so saved over the foreign file at the next upkeep.
            reopened.SimHashSnapshotMin = 4000;
            Assert.True(await reopened.MaintainAsync(CancellationToken.None));
        }

        // A process that never needed the index (a scan with nothing new) saves it when there is no file at all.
        File.Delete(path + "-simhash");
        using (var idle = SqliteCatalog.Open(path, readOnly: false, Time, simHashes: new SimHashIndex()))
        {
            idle.SimHashSnapshotMin = 4000;
            Assert.True(await idle.MaintainAsync(CancellationToken.None));
        }

        var mapped = new SimHashIndex();
        using var last = SqliteCatalog.Open(path, readOnly: true, Time, simHashes: mapped);
        await last.FindSimilarAsync((await last.ListDocumentsAsync(1, CancellationToken.None))[0].Sha256, CancellationToken.None);
        Assert.Equal((4200, 4200), (mapped.SnapshotCount, mapped.Count));
        Assert.Contains(mapped.Within(hashes[4199], 0), c => c.Id == 4200);
    }

    [Fact]
    public async Task Ingest_SeveralEquallyNearDocuments_FlagsTheOldestAsTheNearDuplicate()
    {
        // Whitespace does not enter the fingerprint: three different files with one SimHash (distance 0).
        var text = Speech(5);
        Temp.Write("drop/a/first.txt", Encode.Utf8(text), Old);
        await Scan();
        Temp.Write("drop/b/second.txt", Encode.Utf8(text.Replace("。", "。 ")), Old);
        await Scan();
        Temp.Write("drop/c/third.txt", Encode.Utf8(text.Replace("，", "， ")), Old);
        await Scan();

        var docs = (await Catalog.ListDocumentsAsync(null, CancellationToken.None)).ToDictionary(d => d.Occurrences[0].Path);
        Assert.Equal(3, docs.Count);
        Assert.Equal(docs["a/first.txt"].Sha256, docs["b/second.txt"].NearDuplicateOf?.Sha256);
        Assert.Equal(docs["a/first.txt"].Sha256, docs["c/third.txt"].NearDuplicateOf?.Sha256);
        Assert.Equal(0, docs["c/third.txt"].NearDuplicateOf?.Distance);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }
}
