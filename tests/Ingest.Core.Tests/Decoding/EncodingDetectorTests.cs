using System.Text;
using Ingest.Decoding;

namespace Ingest.Tests.Decoding;

public sealed class EncodingDetectorTests
{
    private const string Chinese = "一、总体要求\n坚持以人民为中心的发展思想，不断完善社区服务体系。\n";
    private const string English = "The quick brown fox jumps over the lazy dog.\nSecond line of plain text.\n";

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x41 }, "utf-8", 3)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x41, 0x00 }, "utf-16le", 2)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0x00, 0x41 }, "utf-16be", 2)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00 }, "utf-32le", 4)]
    [InlineData(new byte[] { 0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x41 }, "utf-32be", 4)]
    public void Detect_ByteOrderMark_DecidesTheEncoding(byte[] bytes, string label, int bomLength)
    {
        var d = EncodingDetector.Detect(bytes, isWholeFile: true);

        Assert.Equal(label, d.Encoding?.Label);
        Assert.Equal(bomLength, d.Encoding?.BomLength);
        Assert.Equal(1.0, d.Encoding?.Confidence);
    }

    [Fact]
    public void Detect_Utf32LeBom_IsNotMistakenForUtf16Le()
    {
        byte[] bytes = [0xFF, 0xFE, 0x00, 0x00, .. new UTF32Encoding(false, false).GetBytes(English)];

        Assert.Equal("utf-32le", EncodingDetector.Detect(bytes, true).Encoding?.Label);
    }

    [Fact]
    public void Detect_EmptyInput_FailsAsEmptyFile()
    {
        Assert.Equal(EncodingDetector.EmptyFile, EncodingDetector.Detect([], true).FailureReason);
    }

    [Fact]
    public void Detect_NulByteInSingleByteText_FailsAsBinaryContent()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes("hello"), 0x00, .. Encoding.ASCII.GetBytes("world, and some more text here")];

        Assert.StartsWith(EncodingDetector.BinaryContent, EncodingDetector.Detect(bytes, true).FailureReason);
    }

    [Fact]
    public void Detect_MoreThanFivePercentControlCharacters_FailsAsBinaryContent()
    {
        var bytes = Encoding.ASCII.GetBytes(new string('a', 90) + new string('\u0001', 10));

        Assert.StartsWith(EncodingDetector.BinaryContent, EncodingDetector.Detect(bytes, true).FailureReason);
    }

    [Fact]
    public void Detect_TabsFormFeedsAndLineBreaks_AreNotControlCharacters()
    {
        var bytes = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a\tb\r\n\f", 50)));

        Assert.Equal("utf-8", EncodingDetector.Detect(bytes, true).Encoding?.Label);
    }

    [Fact]
    public void Detect_Utf16BomWithManyControlCharacters_FailsAsBinaryContent()
    {
        byte[] bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(new string('\u0002', 50) + "abc")];

        Assert.StartsWith(EncodingDetector.BinaryContent, EncodingDetector.Detect(bytes, true).FailureReason);
    }

    [Theory]
    [InlineData(English, "utf-16le")]
    [InlineData(English, "utf-16be")]
    [InlineData(Chinese, "utf-16le")]
    [InlineData(Chinese, "utf-16be")]
    public void Detect_Utf16WithoutBom_IsRecognizedFromItsNulPattern(string text, string label)
    {
        var bytes = label == "utf-16le" ? Encoding.Unicode.GetBytes(text) : Encoding.BigEndianUnicode.GetBytes(text);

        var d = EncodingDetector.Detect(bytes, true);

        Assert.Equal(label, d.Encoding?.Label);
        Assert.False(d.Encoding?.HasBom);
    }

    [Fact]
    public void Detect_LoneSurrogateAfterUtf16Bom_FailsAsUndecodable()
    {
        byte[] bytes = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00];

        Assert.StartsWith(EncodingDetector.Undecodable, EncodingDetector.Detect(bytes, true).FailureReason);
    }

    [Fact]
    public void Detect_InvalidUtf8AfterUtf8Bom_FailsAsUndecodable()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, 0x41, 0xC3, 0x28, 0x41];

        Assert.StartsWith(EncodingDetector.Undecodable, EncodingDetector.Detect(bytes, true).FailureReason);
    }

    [Fact]
    public void Detect_PlainAscii_ReturnsUtf8()
    {
        Assert.Equal("utf-8", EncodingDetector.Detect(Encoding.ASCII.GetBytes(English), true).Encoding?.Label);
    }

    [Fact]
    public void Detect_Utf8SequenceCutAtTheEndOfAPartialHead_IsStillUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes(Chinese);

        Assert.Equal("utf-8", EncodingDetector.Detect(bytes.AsSpan(0, bytes.Length - 2), isWholeFile: false).Encoding?.Label);
    }

    [Fact]
    public void Detect_GbkChineseText_ReturnsGb18030()
    {
        var bytes = TextEncodings.Get("gb18030").GetBytes(Corpus.Texts[0].Text);

        Assert.Equal("gb18030", EncodingDetector.Detect(bytes, true).Encoding?.Label);
    }

    [Fact]
    public void Detect_Big5TraditionalChineseText_ReturnsBig5()
    {
        var bytes = TextEncodings.Get("big5").GetBytes(Corpus.Texts[1].Text);

        Assert.Equal("big5", EncodingDetector.Detect(bytes, true).Encoding?.Label);
    }

    [Fact]
    public void Detect_ShiftJisJapaneseText_ReturnsShiftJis()
    {
        var bytes = TextEncodings.Get("shift_jis").GetBytes(Corpus.Texts[2].Text);

        Assert.Equal("shift_jis", EncodingDetector.Detect(bytes, true).Encoding?.Label);
    }

    [Fact]
    public void Detect_EucKrKoreanText_ReturnsEucKr()
    {
        var bytes = TextEncodings.Get("euc-kr").GetBytes(Corpus.Texts[3].Text);

        Assert.Equal("euc-kr", EncodingDetector.Detect(bytes, true).Encoding?.Label);
    }

    [Fact]
    public void Detect_Windows1252TextWithSmartQuotesAndEuro_ReturnsWindows1252()
    {
        var bytes = TextEncodings.Get("windows-1252").GetBytes("She said “it’s only €5” — and paid.");

        Assert.Equal("windows-1252", EncodingDetector.Detect(bytes, true).Encoding?.Label);
    }

    [Fact]
    public void Detect_ExcludedLabel_IsNotChosenAgain()
    {
        var bytes = TextEncodings.Get("gb18030").GetBytes(Corpus.Texts[0].Text);

        var d = EncodingDetector.Detect(bytes, true, new HashSet<string> { "gb18030" });

        Assert.NotEqual("gb18030", d.Encoding?.Label);
    }
}
