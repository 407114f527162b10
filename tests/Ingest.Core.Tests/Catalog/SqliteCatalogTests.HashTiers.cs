using FsCheck;
using FsCheck.Fluent;
using Ingest.Catalog;
using Ingest.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Ingest.Tests.Catalog;

/// <summary>The SHA-256 index in tiers (schema v7, v9): lookups in each, folds, merges, the migrations.</summary>
public sealed partial class SqliteCatalogTests
{
    /// <summary>A hash as random as a real one: the filters take their probes from its digits.</summary>
    private static string Sha(int n) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n)));

    private static Task<IReadOnlyList<RecordedItem>> Record(SqliteCatalog catalog, params (string Path, string Sha)[] docs) =>
        catalog.RecordAsync(docs.Select(d => Doc(d.Path, d.Sha)).ToList(), Keep, TimeSpan.FromMinutes(1), CancellationToken.None);

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Maintain_RecentTierPastItsLimit_MovesTheBoundaryAndEveryHashIsStillFoundOnce()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        catalog.MergeMinRecent = 3;
        await Record(catalog, ("a", Sha(1)), ("b", Sha(2)), ("c", Sha(3)), ("d", Sha(4)));

        Assert.True(await catalog.MaintainAsync(CancellationToken.None));
        Assert.Equal(4L, Scalar(DbPath, "SELECT boundary FROM document_sha256_tier"));

        // One hash from each tier again, and a new one.
        var second = await Record(catalog, ("e", Sha(2)), ("f", Sha(5)), ("g", Sha(5)));
        Assert.Equal([OccurrenceStatus.Duplicate, OccurrenceStatus.New, OccurrenceStatus.Duplicate], second.Select(r => r.Status));
        Assert.Equal(2L, second[0].DocumentId);
        Assert.Equal(second[1].DocumentId, second[2].DocumentId);
        Assert.Equal(5L, Scalar(DbPath, "SELECT count(*) FROM document"));

        // Only one in the recent tier: no merge.
        Assert.False(await catalog.MaintainAsync(CancellationToken.None));
        foreach (var n in new[] { 1, 4, 5 })
        {
            Assert.True(await catalog.ContainsDocumentAsync(Sha(n), CancellationToken.None));
            var found = await catalog.FindDocumentAsync(Sha(n)[..8], CancellationToken.None);
            Assert.Equal((1, Sha(n)), (found.Matches, found.Document!.Sha256));
        }

        Assert.False(await catalog.ContainsDocumentAsync(Sha(6), CancellationToken.None));
    }

    [Fact]
    public async Task FindDocument_PrefixMatchingOneDocumentInEachTier_IsAmbiguous()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        catalog.MergeMinRecent = 0;
        await Record(catalog, ("a", "ab1" + new string('0', 61)));
        Assert.True(await catalog.MaintainAsync(CancellationToken.None));
        await Record(catalog, ("b", "ab2" + new string('0', 61)));

        Assert.Equal(2, (await catalog.FindDocumentAsync("ab", CancellationToken.None)).Matches);
        Assert.Equal(1, (await catalog.FindDocumentAsync("ab2", CancellationToken.None)).Matches);
    }

    [Fact]
    public async Task Maintain_AHashInBothTiers_FailsNamingTheCatalogAndChangesNothing()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        catalog.MergeMinRecent = 0;
        await Record(catalog, ("a", Sha(1)));
        Assert.True(await catalog.MaintainAsync(CancellationToken.None));
        await Record(catalog, ("b", Sha(2)));
        CatalogRows.InsertBareDocument(DbPath, Sha(1)); // a second copy of a settled hash, in the recent tier

        var error = await Assert.ThrowsAsync<CatalogException>(() => catalog.MaintainAsync(CancellationToken.None));

        Assert.Contains(DbPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("unchanged", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Scalar(DbPath, "SELECT boundary FROM document_sha256_tier"));
        Assert.Equal(1L, Scalar(DbPath, "SELECT count(*) FROM sqlite_schema WHERE name = 'ux_document_sha256_settled'"));
        Assert.Equal(2L, Scalar(DbPath, "SELECT count(*) FROM document_sha256_fresh"));
        Assert.Equal(OccurrenceStatus.Duplicate, (await Record(catalog, ("c", Sha(2))))[0].Status); // still writable
    }

    [Fact]
    public async Task Maintain_FewNewDocuments_LeavesTheTiersAsTheyAre()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        await Record(catalog, ("a", Sha(1)), ("b", Sha(2)));

        Assert.False(await catalog.MaintainAsync(CancellationToken.None));
        Assert.Equal(0L, Scalar(DbPath, "SELECT boundary FROM document_sha256_tier"));
    }

    [Fact]
    public async Task HashLookups_ExactAndPrefix_SearchEveryTiersIndexAndNeverScanTheDocuments()
    {
        using (var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time))
        {
            catalog.MergeMinRecent = 0;
            await Record(catalog, ("a", Sha(1)), ("b", Sha(2)));
            Assert.True(await catalog.MaintainAsync(CancellationToken.None));
        }

        var boundary = Scalar(DbPath, "SELECT boundary FROM document_sha256_tier");
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        foreach (var sql in new[]
                 {
                     SqliteCatalog.DocumentIdsBySha(boundary, "sha256 = ?1"),
                     SqliteCatalog.DocumentIdsBySha(boundary, "sha256 >= ?1 AND sha256 < ?2", limit: 2),
                 })
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
            cmd.Parameters.AddWithValue("?1", "ab");
            cmd.Parameters.AddWithValue("?2", "ac");
            var plan = new List<string>();
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    plan.Add(r.GetString(3));
                }
            }

            Assert.Contains(plan, p => p.Contains("ux_document_sha256_settled", StringComparison.Ordinal));
            Assert.Contains(plan, p => p.StartsWith("SEARCH document_sha256_recent USING PRIMARY KEY (sha256", StringComparison.Ordinal));
            Assert.Contains(plan, p => p.StartsWith("SEARCH document_sha256_fresh USING PRIMARY KEY (sha256", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, p => p.StartsWith("SCAN document", StringComparison.Ordinal)); // also the tier tables
        }
    }

    [Fact]
    public async Task Migration_FromVersion6_KeepsEveryDocumentAndPutsThemInTheSettledTier()
    {
        CreateOlderCatalog(6, $"""
            INSERT INTO document (id, sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen, language, outline)
            VALUES (7, '{Sha(1)}', 10, 'utf-8', 0, 1, 'one', 1, '{Sha(1)}', 1, NULL, NULL),
                   (9, '{Sha(2)}', 20, 'gb18030', 1, 0.9, 'two', 2, '{Sha(2)}', 2, NULL, NULL);
            INSERT INTO occurrence (document_id, source, path, size_bytes, last_write, status, ingested, disposition, destination, pending)
            VALUES (7, 'default', 'one.txt', 10, 1, 'new', 1, 'keep', NULL, 0), (9, 'default', 'two.txt', 20, 2, 'new', 2, 'keep', NULL, 0);
            """);

        using (var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time))
        {
            var docs = await catalog.ListDocumentsAsync(null, CancellationToken.None);
            Assert.Equal([(Sha(1), "one", "utf-8", "one.txt"), (Sha(2), "two", "gb18030", "two.txt")],
                docs.Select(d => (d.Sha256, d.Title, d.Encoding, d.Occurrences.Single().Path)));
            var recorded = await Record(catalog, ("again.txt", Sha(2)), ("new.txt", Sha(3)));
            Assert.Equal([(OccurrenceStatus.Duplicate, 9L), (OccurrenceStatus.New, 10L)], recorded.Select(r => (r.Status, r.DocumentId ?? -1)));
        }

        Assert.Equal(SqliteSchema.LatestVersion, (int)Scalar(DbPath, "PRAGMA user_version"));
        Assert.Equal(9L, Scalar(DbPath, "SELECT boundary FROM document_sha256_tier"));
        Assert.Equal(0L, Scalar(DbPath, "SELECT count(*) FROM pragma_foreign_key_check"));
        Assert.Equal(0L, Scalar(DbPath, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_document%'"));
    }

    [Fact]
    public async Task Maintain_CatalogUpgradedFromVersion7_BuildsTheSettledTiersFilterOnce()
    {
        CreateOlderCatalog(7, $"""
            INSERT INTO document (id, sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen)
            VALUES (7, '{Sha(1)}', 10, 'utf-8', 0, 1, 'one', 1, '{Sha(1)}', 1), (9, '{Sha(2)}', 20, 'utf-8', 0, 1, 'two', 2, '{Sha(2)}', 2);
            """);

        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        Assert.Equal(1L, Scalar(DbPath, "SELECT settled_filter IS NULL FROM document_sha256_tier"));
        var before = await Record(catalog, ("a", Sha(2)), ("b", Sha(3)));
        Assert.Equal([OccurrenceStatus.Duplicate, OccurrenceStatus.New], before.Select(r => r.Status));

        Assert.True(await catalog.MaintainAsync(CancellationToken.None));
        Assert.False(await catalog.MaintainAsync(CancellationToken.None));

        var filter = Sha256Filter.FromBytes(StoredFilter());
        Assert.NotNull(filter);
        Assert.True(filter.MayContain(Sha(1)) && filter.MayContain(Sha(2)));
        var after = await Record(catalog, ("c", Sha(1)), ("d", Sha(3)), ("e", Sha(4)));
        Assert.Equal([(OccurrenceStatus.Duplicate, 7L), (OccurrenceStatus.Duplicate, 10L), (OccurrenceStatus.New, 11L)],
            after.Select(r => (r.Status, r.DocumentId ?? -1)));
    }

    [Fact]
    public async Task Maintain_Merge_StoresAFilterHoldingEverySettledHash()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        catalog.MergeMinRecent = 0;
        await Record(catalog, Enumerable.Range(1, 300).Select(n => ($"f{n}", Sha(n * 7919))).ToArray());

        Assert.True(await catalog.MaintainAsync(CancellationToken.None));

        var filter = Sha256Filter.FromBytes(StoredFilter())!;
        Assert.All(Enumerable.Range(1, 300), n => Assert.True(filter.MayContain(Sha(n * 7919))));
        var recorded = await Record(catalog, ("again", Sha(150 * 7919)), ("new", Sha(1)));
        Assert.Equal([OccurrenceStatus.Duplicate, OccurrenceStatus.New], recorded.Select(r => r.Status));
    }

    [Fact]
    public void UnsettledDocumentIdBySha_SearchesTheFreshAndRecentTiersOnly()
    {
        using (SqliteCatalog.Open(DbPath, readOnly: false, _time))
        {
        }

        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + SqliteCatalog.UnsettledDocumentIdBySha;
        cmd.Parameters.AddWithValue("?1", Sha(1));
        var plan = new List<string>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                plan.Add(r.GetString(3));
            }
        }

        Assert.Equal(2, plan.Count(p => p.StartsWith("SEARCH ", StringComparison.Ordinal)));
        Assert.Contains(plan, p => p.StartsWith("SEARCH document_sha256_fresh USING PRIMARY KEY (sha256=?)", StringComparison.Ordinal));
        Assert.Contains(plan, p => p.StartsWith("SEARCH document_sha256_recent USING PRIMARY KEY (sha256=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, p => p.Contains("document ", StringComparison.Ordinal) || p.StartsWith("SCAN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Record_FreshTierPastItsLimit_FoldsIntoTheRecentTierAndEveryHashIsStillFoundOnce()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        catalog.FoldMinFresh = 3;
        await Record(catalog, ("a", Sha(1)), ("b", Sha(2)), ("c", Sha(3)));
        Assert.Equal((3L, 0L), (Scalar(DbPath, "SELECT count(*) FROM document_sha256_fresh"), Scalar(DbPath, "SELECT count(*) FROM document_sha256_recent")));

        var second = await Record(catalog, ("d", Sha(4)), ("e", Sha(2)));
        Assert.Equal([OccurrenceStatus.New, OccurrenceStatus.Duplicate], second.Select(r => r.Status));
        Assert.Equal((0L, 4L), (Scalar(DbPath, "SELECT count(*) FROM document_sha256_fresh"), Scalar(DbPath, "SELECT count(*) FROM document_sha256_recent")));
        Assert.Equal(0L, Scalar(DbPath, "SELECT count(*) FROM document_sha256_recent r JOIN document d ON d.id = r.document_id WHERE d.sha256 <> r.sha256"));
        Assert.Equal(1L, Scalar(DbPath, "SELECT version FROM document_sha256_recent_filter"));
        var recentFilter = Sha256Filter.FromBytes(StoredFilter("filter", "document_sha256_recent_filter"))!;
        Assert.All(new[] { 1, 2, 3, 4 }, n => Assert.True(recentFilter.MayContain(Sha(n))));

        // Found in the recent tier, and a new one in the fresh tier beside it.
        var third = await Record(catalog, ("f", Sha(3)), ("g", Sha(5)), ("h", Sha(5)));
        Assert.Equal([(OccurrenceStatus.Duplicate, 3L), (OccurrenceStatus.New, 5L), (OccurrenceStatus.Duplicate, 5L)],
            third.Select(r => (r.Status, r.DocumentId ?? -1)));
        foreach (var n in new[] { 1, 4, 5 })
        {
            Assert.True(await catalog.ContainsDocumentAsync(Sha(n), CancellationToken.None));
            Assert.Equal(1, (await catalog.FindDocumentAsync(Sha(n)[..8], CancellationToken.None)).Matches);
        }
    }

    [Fact]
    public async Task Record_FoldMeetingAHashAlreadyInTheRecentTier_FailsTheBatchAndChangesNothing()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        catalog.FoldMinFresh = 1;
        await Record(catalog, ("a", Sha(1)), ("b", Sha(2)));
        CatalogRows.InsertBareDocument(DbPath, Sha(1)); // a second copy in the fresh tier, which the next fold meets

        await Assert.ThrowsAsync<SqliteException>(() => Record(catalog, ("c", Sha(3))));

        Assert.Equal(3L, Scalar(DbPath, "SELECT count(*) FROM document"));
        Assert.Equal(2L, Scalar(DbPath, "SELECT count(*) FROM document_sha256_recent"));
        Assert.Equal(1L, Scalar(DbPath, "SELECT count(*) FROM document_sha256_fresh"));
        Assert.Equal(0L, Scalar(DbPath, "SELECT count(*) FROM occurrence WHERE path = 'c'"));
        catalog.FoldMinFresh = 100;
        Assert.Equal(OccurrenceStatus.New, (await Record(catalog, ("c", Sha(3))))[0].Status); // still writable
    }

    [Fact]
    public async Task Record_AfterAnotherProcessFoldedAndMerged_FindsItsDocumentsInTheSettledTier()
    {
        using var first = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        await Record(first, ("a", Sha(1))); // prepares its statements at boundary 0
        await InAnotherProcess(async other =>
        {
            other.MergeMinRecent = 0;
            await Record(other, ("b", Sha(2)), ("c", Sha(3)));
            Assert.True(await other.MaintainAsync(CancellationToken.None));
        });

        Assert.Equal(3L, Scalar(DbPath, "SELECT boundary FROM document_sha256_tier"));
        AssertRecorded(await Record(first, ("d", Sha(2)), ("e", Sha(3)), ("f", Sha(4))), (OccurrenceStatus.Duplicate, 2), (OccurrenceStatus.Duplicate, 3), (OccurrenceStatus.New, 4));
    }

    [Fact]
    public async Task Record_AfterAnotherProcessFoldedIntoTheRecentTier_ReadsItsFilterAgainAndFindsItsDocuments()
    {
        using var first = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        first.FoldMinFresh = 0;
        first.MergeMinRecent = 0;
        await Record(first, ("a", Sha(1)));
        Assert.True(await first.MaintainAsync(CancellationToken.None)); // a settled filter, so that look-ups rely on the recent one
        await Record(first, ("b", Sha(2))); // folds: the first catalog holds the recent tier's filter, with Sha(2) only
        await InAnotherProcess(other => Record(other, ("c", Sha(3)))); // folds Sha(3) into the recent tier and its filter

        Assert.Equal(0L, Scalar(DbPath, "SELECT count(*) FROM document_sha256_fresh"));
        AssertRecorded(await Record(first, ("d", Sha(3)), ("e", Sha(2)), ("f", Sha(4))), (OccurrenceStatus.Duplicate, 3), (OccurrenceStatus.Duplicate, 2), (OccurrenceStatus.New, 4));
    }

    [Fact]
    public async Task Record_SeveralFoldsSinceAMerge_EveryFoldedHashIsFoundAgain()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        catalog.MergeMinRecent = 0;
        await Record(catalog, ("s", Sha(100)));
        Assert.True(await catalog.MaintainAsync(CancellationToken.None)); // from here the settled filter rules these hashes out
        catalog.FoldMinFresh = 2;
        for (var fold = 0; fold < 4; fold++)
        {
            await Record(catalog, Enumerable.Range(0, 3).Select(i => ($"f{fold}-{i}", Sha((fold * 3) + i))).ToArray());
        }

        Assert.Equal((12L, 0L), (Scalar(DbPath, "SELECT count(*) FROM document_sha256_recent"), Scalar(DbPath, "SELECT count(*) FROM document_sha256_fresh")));
        Assert.Equal(5L, Scalar(DbPath, "SELECT version FROM document_sha256_recent_filter")); // the merge, then four folds
        var again = await Record(catalog, Enumerable.Range(0, 12).Select(n => ($"again{n}", Sha(n))).ToArray());
        Assert.All(again, r => Assert.Equal(OccurrenceStatus.Duplicate, r.Status));
        Assert.Equal(Enumerable.Range(2, 12).Select(n => (long)n), again.Select(r => r.DocumentId ?? -1));
    }

    [Fact]
    public async Task Maintain_Merge_DropsTheRecentTiersFilterAndMovesItsVersionOn()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        catalog.FoldMinFresh = 0;
        catalog.MergeMinRecent = 0;
        await Record(catalog, ("a", Sha(1)), ("b", Sha(2)));
        Assert.Equal(1L, Scalar(DbPath, "SELECT version FROM document_sha256_recent_filter"));

        Assert.True(await catalog.MaintainAsync(CancellationToken.None));

        Assert.Equal((1L, 2L), (Scalar(DbPath, "SELECT filter IS NULL FROM document_sha256_recent_filter"), Scalar(DbPath, "SELECT version FROM document_sha256_recent_filter")));
        var recorded = await Record(catalog, ("c", Sha(1)), ("d", Sha(3)));
        Assert.Equal([OccurrenceStatus.Duplicate, OccurrenceStatus.New], recorded.Select(r => r.Status));
        Assert.True(Sha256Filter.FromBytes(StoredFilter("filter", "document_sha256_recent_filter"))!.MayContain(Sha(3)));
    }

    [Fact]
    public async Task Migration_FromVersion8_MovesTheRecentIndexIntoItsTable()
    {
        CreateOlderCatalog(8, $"""
            INSERT INTO document (id, sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen)
            VALUES (7, '{Sha(1)}', 10, 'utf-8', 0, 1, 'one', 1, '{Sha(1)}', 1);
            """);
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"""
                INSERT INTO document (id, sha256, size_bytes, encoding, has_bom, confidence, title, line_count, text_sha256, first_seen)
                VALUES (8, '{Sha(3)}', 10, 'utf-8', 0, 1, 'three', 1, '{Sha(3)}', 1), (9, '{Sha(2)}', 20, 'utf-8', 0, 1, 'two', 2, '{Sha(2)}', 2);
                """;
            cmd.ExecuteNonQuery();
        }

        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);

        Assert.Equal(SqliteSchema.LatestVersion, (int)Scalar(DbPath, "PRAGMA user_version"));
        Assert.Equal(7L, Scalar(DbPath, "SELECT boundary FROM document_sha256_tier"));
        Assert.Equal(0L, Scalar(DbPath, "SELECT count(*) FROM sqlite_schema WHERE name = 'ux_document_sha256_recent'"));
        Assert.Equal((1L, 0L), (Scalar(DbPath, "SELECT filter IS NULL FROM document_sha256_recent_filter"), Scalar(DbPath, "SELECT version FROM document_sha256_recent_filter")));
        Assert.Equal(0L, Scalar(DbPath, "SELECT count(*) FROM document_sha256_recent r JOIN document d ON d.id = r.document_id WHERE d.sha256 <> r.sha256"));
        Assert.Equal("8,9", string.Join(',', Enumerable.Range(0, 2).Select(i =>
            Scalar(DbPath, $"SELECT document_id FROM document_sha256_recent ORDER BY document_id LIMIT 1 OFFSET {i}"))));
        var recorded = await Record(catalog, ("a", Sha(1)), ("b", Sha(2)), ("c", Sha(3)), ("d", Sha(4)));
        Assert.Equal([(OccurrenceStatus.Duplicate, 7L), (OccurrenceStatus.Duplicate, 9L), (OccurrenceStatus.Duplicate, 8L), (OccurrenceStatus.New, 10L)],
            recorded.Select(r => (r.Status, r.DocumentId ?? -1)));

        // The scan's upkeep builds the missing filters once, the recent tier's among them.
        Assert.True(await catalog.MaintainAsync(CancellationToken.None));
        Assert.False(await catalog.MaintainAsync(CancellationToken.None));
        var recentFilter = Sha256Filter.FromBytes(StoredFilter("filter", "document_sha256_recent_filter"))!;
        Assert.True(recentFilter.MayContain(Sha(2)) && recentFilter.MayContain(Sha(3)));
        Assert.Equal(1L, Scalar(DbPath, "SELECT version FROM document_sha256_recent_filter"));
        var after = await Record(catalog, ("e", Sha(3)), ("f", Sha(5)));
        Assert.Equal([(OccurrenceStatus.Duplicate, 8L), (OccurrenceStatus.New, 11L)], after.Select(r => (r.Status, r.DocumentId ?? -1)));
    }

    /// <summary>A second catalog on the same file, as another process would open it, folding at every batch.</summary>
    private async Task InAnotherProcess(Func<SqliteCatalog, Task> work)
    {
        using var other = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        other.FoldMinFresh = 0;
        await work(other);
    }

    private static void AssertRecorded(IReadOnlyList<RecordedItem> recorded, params (OccurrenceStatus Status, long DocumentId)[] expected) =>
        Assert.Equal(expected.Select(e => ((OccurrenceStatus?)e.Status, e.DocumentId)), recorded.Select(r => (r.Status, r.DocumentId ?? -1)));

    /// <summary>A catalog file at schema 6 holding what <paramref name="sql"/> inserts, then migrated to <paramref name="version"/>.</summary>
    private void CreateOlderCatalog(int version, string sql)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        SqliteSchema.Migrate(connection, DbPath, 6);
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }

        SqliteSchema.Migrate(connection, DbPath, version);
    }

    private byte[] StoredFilter(string column = "settled_filter", string table = "document_sha256_tier")
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {column} FROM {table}";
        return (byte[])cmd.ExecuteScalar()!;
    }

    [Fact]
    public void RecordAndMaintain_AnySequenceByTwoProcesses_RecordsEachHashOnceAndFindsItInWhicheverTier()
    {
        // Batches drawn from 12 hashes, each recorded by one of two catalogs on the same file (two processes), folding the
        // fresh tier and followed by a merge check at small random thresholds: each writer must see the other's folds and merges.
        var gen = from batches in Gen.Choose(0, 11).ArrayOf().ArrayOf()
                  from limits in Gen.Choose(0, 12).ArrayOf(8)
                  from folds in Gen.Choose(0, 3).ArrayOf(8)
                  from writers in Gen.Choose(0, 1).ArrayOf(7)
                  select (batches, limits, folds, writers);
        var run = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var path = _temp.Combine($"p{run++}", "ingest.db");
            using var first = SqliteCatalog.Open(path, readOnly: false, _time);
            using var second = SqliteCatalog.Open(path, readOnly: false, _time);
            SqliteCatalog[] catalogs = [first, second];
            var ids = new Dictionary<int, long>();
            var file = 0;
            for (var i = 0; i < t.batches.Length; i++)
            {
                var batch = t.batches[i];
                if (batch.Length == 0)
                {
                    continue;
                }

                var catalog = catalogs[t.writers[i % t.writers.Length]];
                catalog.FoldMinFresh = t.folds[i % t.folds.Length];
                var recorded = Record(catalog, batch.Select(n => ($"f{file++}", Sha(n))).ToArray()).GetAwaiter().GetResult();
                for (var j = 0; j < batch.Length; j++)
                {
                    var known = ids.TryGetValue(batch[j], out var id);
                    Assert.Equal(known ? OccurrenceStatus.Duplicate : OccurrenceStatus.New, recorded[j].Status);
                    if (known)
                    {
                        Assert.Equal(id, recorded[j].DocumentId);
                    }
                    else
                    {
                        ids[batch[j]] = recorded[j].DocumentId!.Value;
                    }
                }

                catalog.MergeMinRecent = t.limits[i % t.limits.Length];
                catalog.MaintainAsync(CancellationToken.None).GetAwaiter().GetResult();
            }

            Assert.Equal(ids.Count, (int)first.GetStatsAsync(CancellationToken.None).GetAwaiter().GetResult().Documents);
            foreach (var catalog in catalogs)
            {
                for (var n = 0; n < 12; n++)
                {
                    Assert.Equal(ids.ContainsKey(n), catalog.ContainsDocumentAsync(Sha(n), CancellationToken.None).GetAwaiter().GetResult());
                    Assert.Equal(ids.ContainsKey(n) ? 1 : 0, catalog.FindDocumentAsync(Sha(n)[..8], CancellationToken.None).GetAwaiter().GetResult().Matches);
                }
            }
        }));
    }
}
