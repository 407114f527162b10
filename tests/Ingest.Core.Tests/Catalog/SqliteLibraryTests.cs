using Ingest.Catalog;
using Ingest.Tests.Support;
using SQLitePCL;

namespace Ingest.Tests.Catalog;

public sealed class SqliteLibraryTests
{
    [Fact]
    public void Open_NewCatalog_SqliteKeepsNoMemoryStatistics()
    {
        using var temp = new TempFolder();
        using var catalog = SqliteCatalog.Open(temp.Combine("ingest.db"), readOnly: false, TimeProvider.System);

        Assert.True(SqliteLibrary.Configured);

        // With statistics on, this counts every byte SQLite holds, the open catalog's schema and page cache included.
        Assert.Equal(0, raw.sqlite3_memory_used());
    }
}
