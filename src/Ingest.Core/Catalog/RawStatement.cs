using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ingest.Catalog;

/// <summary>
/// A statement prepared once for the connection's life and driven through SQLitePCL directly: the record path runs
/// several statements per file, and <see cref="SqliteCommand"/> costs a data reader, a boxed value per parameter and
/// a type lookup per bind on every execution. Parameters are positional (<c>?1</c>, <c>?2</c>, …).
/// </summary>
/// <remarks>Used only under the catalog's gate; writes inside a transaction begun by <see cref="SqliteConnection.BeginTransaction()"/>.</remarks>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The catalog connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var stmt);
        if (rc != raw.SQLITE_OK)
        {
            stmt?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        _stmt = stmt!;
    }

    /// <summary>Ready for new values: ends any earlier run, also one an exception interrupted.</summary>
    public RawStatement Start()
    {
        raw.sqlite3_reset(_stmt); // the code it returns is the earlier step's error, already reported
        return this;
    }

    public RawStatement Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_stmt, index, value));

    public RawStatement Bind(int index, double value) => Check(raw.sqlite3_bind_double(_stmt, index, value));

    public RawStatement Bind(int index, string? value)
    {
        if (value is null)
        {
            return Check(raw.sqlite3_bind_null(_stmt, index));
        }

        if (value.Length == 0)
        {
            return Check(raw.sqlite3_bind_text(_stmt, index, value)); // an empty span may pin to a null pointer, which SQLite binds as NULL
        }

        // Encoded into a stack or pooled buffer (SQLite copies the text): the string overload allocates a UTF-8 array
        // per call, and a new document binds about fourteen strings. Lone surrogates become U+FFFD either way.
        const int StackBytes = 512;
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = max <= StackBytes ? stackalloc byte[StackBytes] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(value, buffer);
            return Check(raw.sqlite3_bind_text(_stmt, index, buffer[..length]));
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public RawStatement Bind(int index, ReadOnlySpan<byte> blob) => Check(raw.sqlite3_bind_blob(_stmt, index, blob));

    public RawStatement BindNull(int index) => Check(raw.sqlite3_bind_null(_stmt, index));

    /// <summary>True when a row is available, false when the statement is done.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        raw.sqlite3_reset(_stmt);
        SqliteException.ThrowExceptionForRC(rc, _db);
        return false;
    }

    /// <summary>Runs a statement that returns no row, and resets it.</summary>
    public void Execute()
    {
        Step();
        raw.sqlite3_reset(_stmt);
    }

    /// <summary>Runs a single-row INSERT, resets it, and returns the new row's id.</summary>
    public long Insert()
    {
        Execute();
        return raw.sqlite3_last_insert_rowid(_db);
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_stmt, column);

    public string Text(int column) => raw.sqlite3_column_text(_stmt, column).utf8_to_string();

    /// <summary>The column's bytes, valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_stmt, column);

    public void Dispose() => _stmt.Dispose();

    private RawStatement Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return this;
    }
}
