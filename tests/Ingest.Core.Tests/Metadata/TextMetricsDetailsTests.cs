using Ingest.Metadata;

namespace Ingest.Tests.Metadata;

public sealed class TextMetricsDetailsTests
{
    [Theory]
    [InlineData("a\nb\n", "lf")]
    [InlineData("a\r\nb\r\n", "crlf")]
    [InlineData("a\rb", "cr")]
    [InlineData("a\nb\r\nc", "mixed")]
    [InlineData("a\rb\r\n", "mixed")]
    [InlineData("one line", "none")]
    [InlineData("", "none")]
    public void Newline_Kinds_AreClassified(string text, string expected)
    {
        Assert.Equal(expected, Metrics.Of(text).Newline);
    }

    [Fact]
    public void Newline_CrLfSplitAcrossChunks_IsStillCrLf()
    {
        using var b = new TextMetricsBuilder();
        b.Append("a\r");
        b.Append("\nb\r");
        b.Append("\n");

        var m = b.Complete();

        Assert.Equal("crlf", m.Newline);
        Assert.Equal(2, m.LineCount);
    }

    [Fact]
    public void NonBlankLineCount_IgnoresLinesOfWhitespaceIdeographicSpaceAndBom()
    {
        var m = Metrics.Of("first\n   \n\u3000\u3000\n\uFEFF\n\t\nsecond\nthird");

        Assert.Equal(7, m.LineCount);
        Assert.Equal(3, m.NonBlankLineCount);
    }

    [Fact]
    public void CharCount_CountsScalarValuesWithoutLineTerminators()
    {
        Assert.Equal(4, Metrics.Of("ab\r\ncd\n").CharCount);
        Assert.Equal(2, Metrics.Of("𠀀x").CharCount); // a supplementary character is one scalar value
        Assert.Equal(1, Metrics.Of("e\u0301").CharCount); // NFC composes é
    }

    [Fact]
    public void CjkCount_CountsHanKanaAndHangulOnly()
    {
        // Han 中文, Hiragana か, Katakana カ, half-width ｶ, Hangul 한글, jamo ᄀ, compatibility ideograph 豈, extension B 𠀀.
        var m = Metrics.Of("中文かカｶ한글ᄀ豈𠀀，。abc 123");

        Assert.Equal(10, m.CjkCount);
    }

    [Theory]
    [InlineData("Hello, world 2024", 3)]
    [InlineData("don't stop", 3)]
    [InlineData("中文English混合123", 0)]
    [InlineData("中文 English，混合 123", 2)]
    [InlineData("纯中文没有单词", 0)]
    [InlineData("Ünïcödé naïve café", 3)]
    [InlineData("", 0)]
    public void WordCount_CountsRunsOfLettersAndDigitsWithoutCjk(string text, long expected)
    {
        Assert.Equal(expected, Metrics.Of(text).WordCount);
    }

    [Theory]
    [InlineData("我们使用Python和JavaScript开发了新的系统，效率提高了很多。", "zh")]
    [InlineData("關於推動社區圖書館服務的說明", "zh")]
    [InlineData("来週の金曜日に勉強会を開きます。", "ja")]
    [InlineData("우리 도서관은 매주 월요일을 제외하고 운영합니다.", "ko")]
    [InlineData("The committee agreed that the evenings were a success and the hall will stay open.", "en")]
    [InlineData("Les élèves ont présenté leurs projets à la fête de l’école et le directeur est content.", "fr")]
    [InlineData("Die Mitglieder des Vereins haben über die Gebühren für das nächste Jahr gesprochen.", "de")]
    [InlineData("El comité decidió que la sala se abre los viernes por la tarde para todos.", "es")]
    [InlineData("Η επιτροπή συμφώνησε ότι οι βραδιές ήταν επιτυχία.", "el")]
    [InlineData("12345 67890 !!!", "und")]
    [InlineData("Xyzzy plugh qwerty", "und")]
    [InlineData("", "und")]
    public void Language_FollowsTheContractRule(string text, string expected)
    {
        Assert.Equal(expected, Metrics.Of(text).Language);
    }

    [Fact]
    public void Language_ChineseWithAFewKana_StaysZhBelowFivePercent()
    {
        var text = new string('中', 100) + "の"; // under 5% kana

        Assert.Equal("zh", Metrics.Of(text).Language);
        Assert.Equal("ja", Metrics.Of(new string('中', 18) + "の").Language); // over 5%
    }

    [Theory]
    [InlineData("一、总体要求", 1, "一、总体要求")]
    [InlineData("十二、其他事项", 1, "十二、其他事项")]
    [InlineData("（一）基本原则", 2, "（一）基本原则")]
    [InlineData("(二)半角括号", 2, "(二)半角括号")]
    [InlineData("1. 加强组织领导", 3, "1. 加强组织领导")]
    [InlineData("2、完善制度", 3, "2、完善制度")]
    [InlineData("（1）具体措施", 4, "（1）具体措施")]
    [InlineData("(2)half-width", 4, "(2)half-width")]
    [InlineData("# Title", 1, "# Title")]
    [InlineData("### Section three", 3, "### Section three")]
    [InlineData("###### Deepest", 6, "###### Deepest")]
    [InlineData("\u3000\u3000一、全角空格缩进", 1, "一、全角空格缩进")]
    [InlineData("  \t（三）空白缩进", 2, "（三）空白缩进")]
    [InlineData("一、标题在句号前。正文紧跟在同一行。", 1, "一、标题在句号前")]
    [InlineData("二、标题  ", 1, "二、标题")]
    public void Outline_RecognizesMarkers(string line, int level, string text)
    {
        var m = Metrics.Of("前言\n" + line + "\n正文");

        var entry = Assert.Single(m.Outline);
        Assert.Equal(level, entry.Level);
        Assert.Equal(text, entry.Text);
        Assert.Equal(2, entry.Line);
    }

    [Theory]
    [InlineData("####### seven hashes")]
    [InlineData("#hashtag")]
    [InlineData("1.5 million people")]
    [InlineData("一二三四")]
    [InlineData("（一")]
    [InlineData("正文里的一、不算")]
    [InlineData("2024年工作总结")]
    public void Outline_IgnoresLinesWithoutAMarker(string line)
    {
        Assert.Empty(Metrics.Of(line + "\n").Outline);
    }

    [Fact]
    public void Outline_LongHeading_IsCutTo200Characters()
    {
        var m = Metrics.Of("一、" + new string('长', 300));

        Assert.Equal(200, Assert.Single(m.Outline).Text.Length);
    }

    [Fact]
    public void Outline_LineNumbers_AreOneBasedAcrossLineEndings()
    {
        var m = Metrics.Of("标题\r\n\r\n一、第一部分\r（一）小节\n1. 条目\n（1）细目");

        Assert.Equal(
            new[] { (1, 3L), (2, 4L), (3, 5L), (4, 6L) },
            m.Outline.Select(o => (o.Level, o.Line)));
    }

    [Fact]
    public void Outline_IsCappedAtMaxEntries()
    {
        var text = string.Concat(Enumerable.Repeat("# h\n", LineStatistics.MaxOutlineEntries + 50));

        Assert.Equal(LineStatistics.MaxOutlineEntries, Metrics.Of(text).Outline.Count);
    }

    [Fact]
    public void Title_LineCountAndTextHash_KeepTheCoreRules()
    {
        var m = Metrics.Of("\n \u3000\uFEFF  My Title \u3000\nbody\r\n");

        Assert.Equal("My Title", m.Title);
        Assert.Equal(3, m.LineCount);
        Assert.Equal(Metrics.Of("\n \u3000\uFEFF  My Title \u3000\nbody\n").TextSha256, m.TextSha256);
    }
}
