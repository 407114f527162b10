using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Reading;
using Ingest.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Ingest.Tests.Catalog;

public sealed partial class SqliteCatalogTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly FakeTimeProvider _time = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private string DbPath => _temp.Combine("data", "ingest.db");

    private static IngestRecord Doc(string path, string sha) => new(
        "default", path, 10, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        new DocumentFacts(sha, 10, "utf-8", false, 1, "t", 1, new string('b', 64)), null, AnalysisKind.Document);

    private static PlannedDisposal Keep(IngestRecord r, OccurrenceStatus? s) => new(Disposition.Keep, null);

    [Fact]
    public async Task Record_SameContentTwiceInOneBatch_GivesExactlyOneNewAndOneDuplicate()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        var sha = new string('a', 64);
        var recorded = await catalog.RecordAsync([Doc("x/a.txt", sha), Doc("y/a.txt", sha)], Keep, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal([OccurrenceStatus.New, OccurrenceStatus.Duplicate], recorded.Select(r => r.Status));
        var stats = await catalog.GetStatsAsync(CancellationToken.None);
        Assert.Equal((1, 2, 1), (stats.Documents, stats.Occurrences, stats.Duplicates));
    }

    [Fact]
    public async Task Record_KnownContentInALaterBatch_IsADuplicateOfTheSameDocument()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        var sha = new string('c', 64);
        await catalog.RecordAsync([Doc("a.txt", sha)], Keep, TimeSpan.FromMinutes(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));
        var second = await catalog.RecordAsync([Doc("b.txt", sha)], Keep, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(OccurrenceStatus.Duplicate, second[0].Status);
        var doc = (await catalog.FindDocumentAsync("ccc", CancellationToken.None)).Document!;
        Assert.Equal(_time.GetUtcNow().UtcDateTime.AddHours(-1), doc.FirstSeenUtc);
        Assert.Equal(["new", "duplicate"], doc.Occurrences.Select(o => o.Status));
    }

    [Fact]
    public async Task Record_WithTheLastBatchsCompletedDisposals_MarksThemDoneInTheSameCommit()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        static PlannedDisposal Move(IngestRecord r, OccurrenceStatus? s) => new(Disposition.Move, "/srv/processed/" + r.Path);
        var first = await catalog.RecordAsync([Doc("a.txt", new string('1', 64))], Move, TimeSpan.FromMinutes(1), CancellationToken.None);

        await catalog.RecordAsync([Doc("b.txt", new string('2', 64))], Move, TimeSpan.FromMinutes(1),
            [new DisposalDone(first[0].Id, false, "/srv/processed/a (2).txt")], CancellationToken.None);

        var pending = await catalog.GetPendingDisposalsAsync("default", CancellationToken.None);
        Assert.Equal(["b.txt"], pending.Select(p => p.Path));
        var a = Assert.Single((await catalog.FindDocumentAsync("111", CancellationToken.None)).Document!.Occurrences);
        Assert.Equal(("/srv/processed/a (2).txt", false), (a.Destination, a.Pending));
    }

    [Fact]
    public async Task Record_BatchThatFails_CommitsNothingOfItAndTheNextBatchStillCommits()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        static PlannedDisposal Move(IngestRecord r, OccurrenceStatus? s) => new(Disposition.Move, "/srv/processed/" + r.Path);
        var first = await catalog.RecordAsync([Doc("a.txt", new string('1', 64))], Move, TimeSpan.FromMinutes(1), CancellationToken.None);
        var broken = Doc("bad.txt", new string('3', 64)) with { Facts = Doc("x", new string('3', 64)).Facts! with { Encoding = null! } };

        // encoding is NOT NULL: the statement fails in the middle of the batch, after a good record and a completion.
        await Assert.ThrowsAsync<SqliteException>(() => catalog.RecordAsync([Doc("b.txt", new string('2', 64)), broken], Move, TimeSpan.FromMinutes(1),
            [new DisposalDone(first[0].Id, false, "/srv/processed/a.txt")], CancellationToken.None));

        Assert.Equal(1, (await catalog.GetStatsAsync(CancellationToken.None)).Documents);
        Assert.Equal(["a.txt"], (await catalog.GetPendingDisposalsAsync("default", CancellationToken.None)).Select(p => p.Path));
        var again = await catalog.RecordAsync([Doc("b.txt", new string('2', 64)), Doc("c.txt", new string('2', 64))], Keep, TimeSpan.FromMinutes(1),
            [new DisposalDone(first[0].Id, false, "/srv/processed/a.txt")], CancellationToken.None);
        Assert.Equal([OccurrenceStatus.New, OccurrenceStatus.Duplicate], again.Select(r => r.Status));
        Assert.Empty(await catalog.GetPendingDisposalsAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task Record_AfterDispose_ThrowsInsteadOfUsingFinalizedStatements()
    {
        var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        await catalog.RecordAsync([Doc("a.txt", new string('1', 64))], Keep, TimeSpan.FromMinutes(1), CancellationToken.None);
        catalog.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => catalog.RecordAsync([Doc("b.txt", new string('2', 64))], Keep, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Find_AmbiguousPrefix_ReportsMoreThanOneMatch()
    {
        using var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        await catalog.RecordAsync([Doc("a", "ab" + new string('0', 62)), Doc("b", "ab" + new string('1', 62))], Keep, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(2, (await catalog.FindDocumentAsync("ab", CancellationToken.None)).Matches);
        Assert.NotNull((await catalog.FindDocumentAsync("AB1", CancellationToken.None)).Document);
        Assert.Equal(0, (await catalog.FindDocumentAsync("ff", CancellationToken.None)).Matches);
        Assert.Equal(0, (await catalog.FindDocumentAsync("not-hex", CancellationToken.None)).Matches);
    }

    [Fact]
    public void Open_NewCatalog_IsInWalModeAtTheLatestSchemaVersion()
    {
        using (SqliteCatalog.Open(DbPath, readOnly: false, _time))
        {
        }

        using var connection = new SqliteConnection($"Data Source={DbPath}");
        connection.Open();
        Assert.Equal(SqliteSchema.LatestVersion, SqliteSchema.GetVersion(connection));
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public async Task Dispose_KeepsTheWalAndTheNextOpenSeesEveryRecord()
    {
        using (var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time))
        {
            await catalog.RecordAsync([Doc("a.txt", new string('a', 64)), Doc("b.txt", new string('b', 64))], Keep, TimeSpan.Zero, CancellationToken.None);
        }

        Assert.True(new FileInfo(DbPath + "-wal").Length > 0); // not checkpointed and deleted on close

        using (var reader = SqliteCatalog.Open(DbPath, readOnly: true, _time))
        {
            Assert.Equal(1, (await reader.FindDocumentAsync(new string('b', 64), CancellationToken.None)).Matches);
        }

        Assert.True(File.Exists(DbPath + "-wal")); // nor by a reader's close
        using var writer = SqliteCatalog.Open(DbPath, readOnly: false, _time);
        var again = await writer.RecordAsync([Doc("c.txt", new string('a', 64))], Keep, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(OccurrenceStatus.Duplicate, again[0].Status);
    }

    [Fact]
    public void Open_NewCatalog_Uses16KiBPages()
    {
        using (SqliteCatalog.Open(DbPath, readOnly: false, _time))
        {
        }

        Assert.Equal(16384L, PageSize());
    }

    [Fact]
    public async Task Open_ExistingCatalogWith4KiBPages_KeepsItsPageSizeAndStillRecords()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=false"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;";
            cmd.ExecuteNonQuery();
            SqliteSchema.Migrate(connection, DbPath, 3); // a catalog an older release created
        }

        using (var catalog = SqliteCatalog.Open(DbPath, readOnly: false, _time))
        {
            var recorded = await catalog.RecordAsync([Doc("a.txt", new string('a', 64))], Keep, TimeSpan.Zero, CancellationToken.None);
            Assert.Equal(OccurrenceStatus.New, recorded[0].Status);
        }

        Assert.Equal(4096L, PageSize());
        using var check = new SqliteConnection($"Data Source={DbPath};Pooling=false");
        check.Open();
        Assert.Equal(SqliteSchema.LatestVersion, SqliteSchema.GetVersion(check));
    }

    [Fact]
    public void Migrate_NewCatalogInOneCommit_ExistingOneVersionByVersion()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        var other = Path.Combine(Path.GetDirectoryName(DbPath)!, "older.db");
        using (var older = new SqliteConnection($"Data Source={other};Pooling=false"))
        {
            older.Open();
            SqliteSchema.Migrate(older, other, 3); // a catalog an older release created
        }

        Assert.Equal(1, CommitsWhileMigrating(DbPath));
        Assert.Equal(SqliteSchema.LatestVersion - 3, CommitsWhileMigrating(other));

        static int CommitsWhileMigrating(string path)
        {
            using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
            connection.Open();
            var commits = 0;
            SQLitePCL.raw.sqlite3_commit_hook(connection.Handle, _ => { commits++; return 0; }, null);
            SqliteSchema.Migrate(connection, path);
            SQLitePCL.raw.sqlite3_commit_hook(connection.Handle, null, null);
            Assert.Equal(SqliteSchema.LatestVersion, SqliteSchema.GetVersion(connection));
            return commits;
        }
    }

    private long PageSize()
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=false");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA page_size";
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public void Open_ReadOnlyWhenMissing_FailsNamingTheFileAndCreatesNothing()
    {
        var ex = Assert.Throws<CatalogException>(() => SqliteCatalog.Open(DbPath, readOnly: true, _time));
        Assert.Contains(DbPath, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(DbPath));
    }

    [Fact]
    public void Open_SchemaNewerThanTheProgram_IsRefused()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=false"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"PRAGMA user_version = {SqliteSchema.LatestVersion + 1}";
            cmd.ExecuteNonQuery();
        }

        var ex = Assert.Throws<CatalogException>(() => SqliteCatalog.Open(DbPath, readOnly: false, _time));
        Assert.Contains("newer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FileThatIsNotSqlite_IsRefusedAndLeftUntouched()
    {
        var bytes = Encode.Utf8(string.Concat(Enumerable.Repeat("this is not a database ", 100)));
        _temp.Write("data/ingest.db", bytes);

        var ex = Assert.Throws<CatalogException>(() => SqliteCatalog.Open(DbPath, readOnly: false, _time));

        Assert.Contains("not a valid SQLite database", ex.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(DbPath));
    }
}
