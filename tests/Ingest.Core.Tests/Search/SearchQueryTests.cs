using Ingest.Search;

namespace Ingest.Tests.Search;

public sealed class SearchQueryTests
{
    [Fact]
    public void Parse_SpacesSeparateTermsAndQuotesKeepPhrases()
    {
        var q = SearchQuery.Parse("  library \"reading room\" 图书馆 ");
        Assert.Equal(["library", "reading room", "图书馆"], q.Terms);
    }

    [Fact]
    public void Parse_SplitsTermsIntoTrigramPhrasesAndCjkGrams()
    {
        var q = SearchQuery.Parse("书 图书 图书馆 AI the dangshi学习");
        Assert.Equal(["the", "dangshi"], q.TrigramPhrases);
        Assert.Equal(["书", "图书", "书馆", "学习"], q.CjkGramTerms);
    }

    [Fact]
    public void FtsAnd_QuotesEveryTerm_SoOperatorsAndQuotesAreLiteral()
    {
        Assert.Equal("\"a\"\"b\" AND \"NOT\" AND \"x*\"", SearchQuery.FtsAnd(["a\"b", "NOT", "x*"]));
    }

    [Fact]
    public void Parse_EmptyQuery_Throws()
    {
        Assert.Throws<FormatException>(() => SearchQuery.Parse("  \"\"  "));
    }

    [Fact]
    public void CjkGrams_ListsEachUnigramAndAdjacentBigramOnce()
    {
        var grams = CjkGrams.Build("图书馆，图书 ok 馆").Split(' ').Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "书", "书馆", "图", "图书", "馆" }.Order(StringComparer.Ordinal), grams);
    }
}
