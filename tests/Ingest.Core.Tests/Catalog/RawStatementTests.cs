using Ingest.Catalog;
using Microsoft.Data.Sqlite;

namespace Ingest.Tests.Catalog;

public sealed class RawStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public RawStatementTests() => _connection.Open();

    public void Dispose() => _connection.Dispose();

    private (string? Text, string Type) RoundTrip(string? value)
    {
        using var statement = new RawStatement(_connection, "SELECT ?1, typeof(?1)");
        Assert.True(statement.Start().Bind(1, value).Step());
        return (value is null ? null : statement.Text(0), statement.Text(1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("关于推进城市图书馆建设的讲话")]
    [InlineData("報告書の概要と今後の課題について")]
    public void Bind_Text_RoundTripsAsText(string value)
    {
        Assert.Equal((value, "text"), RoundTrip(value));
    }

    [Fact]
    public void Bind_TextLongerThanTheStackBuffer_RoundTripsWhole()
    {
        var value = string.Concat(Enumerable.Repeat("第一部分：城市图书馆的建设与管理。", 100)); // ~5 KB of UTF-8
        Assert.Equal((value, "text"), RoundTrip(value));
    }

    [Fact]
    public void Bind_Null_IsSqlNull()
    {
        Assert.Equal("null", RoundTrip(null).Type);
    }

    [Fact]
    public void Bind_LoneSurrogate_BecomesTheReplacementCharacter()
    {
        Assert.Equal(("a\uFFFDb", "text"), RoundTrip("a\uD800b"));
    }
}
