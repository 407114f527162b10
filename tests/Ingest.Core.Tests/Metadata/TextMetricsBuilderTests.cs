using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Ingest.Metadata;
using Ingest.Tests.Support;

namespace Ingest.Tests.Metadata;

public sealed class TextMetricsBuilderTests
{
    private static TextMetrics Measure(string text, int chunk = int.MaxValue)
    {
        using var builder = new TextMetricsBuilder();
        for (var i = 0; i < text.Length; i += chunk)
        {
            builder.Append(text.AsSpan(i, Math.Min(chunk, text.Length - i)));
        }

        return builder.Complete();
    }

    private static string ExpectedTextSha(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Normalize(NormalizationForm.FormC);
        return Encode.Sha256Hex(Encoding.UTF8.GetBytes(normalized));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("a\n", 1)]
    [InlineData("a\nb", 2)]
    [InlineData("a\r\nb\r\n", 2)]
    [InlineData("a\rb\r", 2)]
    [InlineData("\n\n\n", 3)]
    [InlineData("a\r\n\rb", 3)]
    [InlineData("\r", 1)]
    public void LineCount_CountsEveryTerminatorKind_PlusAnUnterminatedLastLine(string text, long expected)
    {
        Assert.Equal(expected, Measure(text).LineCount);
    }

    [Theory]
    [InlineData("Hello\nworld", "Hello")]
    [InlineData("\n\n   \t\n  Title here  \nbody", "Title here")]
    [InlineData("\u3000\u3000关于图书馆的讲话\u3000\n正文", "关于图书馆的讲话")]
    [InlineData("\uFEFF\uFEFF  标题\uFEFF", "标题")]
    [InlineData("\r\n\r\nCRLF title\r\nbody", "CRLF title")]
    public void Title_IsFirstNonBlankLine_TrimmedOfWhitespaceIncludingIdeographicSpaceAndBom(string text, string expected)
    {
        Assert.Equal(expected, Measure(text).Title);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\u3000\r\n\t")]
    public void Title_IsNull_WhenNoLineHasContent(string text)
    {
        Assert.Null(Measure(text).Title);
    }

    [Fact]
    public void Title_IsCutTo200Characters_CountingScalarValuesNotUtf16Units()
    {
        var longLine = string.Concat(Enumerable.Repeat("𠀀字", 150)); // 300 scalars, 450 UTF-16 units
        var title = Measure("  " + longLine + "\nnext").Title!;
        Assert.Equal(200, title.EnumerateRunes().Count());
        Assert.StartsWith("𠀀字𠀀", title, StringComparison.Ordinal);
    }

    [Fact]
    public void Title_KeepsInnerSpaces_WhenTheLineGoesOnPast200Characters()
    {
        var line = new string('a', 199) + "   " + "b";
        var title = Measure(line).Title!;
        Assert.Equal(200, title.Length);
        Assert.EndsWith("a ", title, StringComparison.Ordinal);
    }

    [Fact]
    public void Title_TrimsTrailingWhitespace_WhenOnlyWhitespaceFollowsThe200thCharacter()
    {
        var line = new string('a', 199) + "    \u3000 \nnext";
        Assert.Equal(new string('a', 199), Measure(line).Title);
    }

    [Fact]
    public void TextSha256_IsTheSame_ForLfCrlfAndCrLineEnds()
    {
        var lf = Measure(Texts.Chinese).TextSha256;
        Assert.Equal(lf, Measure(Encode.Crlf(Texts.Chinese)).TextSha256);
        Assert.Equal(lf, Measure(Texts.Chinese.Replace('\n', '\r')).TextSha256);
        Assert.Equal(ExpectedTextSha(Texts.Chinese), lf);
    }

    [Fact]
    public void TextSha256_NormalizesToNfc_SoDecomposedAndComposedFormsMatch()
    {
        const string composed = "Caf\u00E9 cr\u00E8me\n";
        const string decomposed = "Cafe\u0301 cre\u0300me\n";
        Assert.Equal(Measure(composed).TextSha256, Measure(decomposed).TextSha256);
        Assert.Equal(ExpectedTextSha(composed), Measure(decomposed).TextSha256);
    }

    [Fact]
    public void Metrics_DoNotDependOnHowTheTextIsChunked()
    {
        var pieces = new[] { "一、", "Cafe\u0301", "\r\n", "\r", "\n", " ", "\u3000", "字", "𠀀", "e\u0301\u0301", "title ", "\uFEFF", "\u1100\u1161\u11A8" };
        var gen = Gen.ArrayOf(Gen.Elements(pieces)).Select(p => string.Concat(p));
        Prop.ForAll(gen.ToArbitrary(), Gen.Choose(1, 9).ToArbitrary(), (text, chunk) =>
        {
            var whole = Measure(text);
            var chunked = Measure(text, chunk);
            return whole with { Outline = [] } == chunked with { Outline = [] } && whole.Outline.SequenceEqual(chunked.Outline) && whole.TextSha256 == ExpectedTextSha(text);
        }).QuickCheckThrowOnFailure();
    }
}
