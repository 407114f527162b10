using System.Text;
using Ingest.Search;

namespace Ingest.Tests.Search;

public sealed class TextCompressionTests
{
    [Theory]
    [InlineData("关于河道治理工作的报告\n今年春季完成了河道清淤，沿岸绿化带延长了三公里。下一步要加强水质监测。\n", (int)TextCodec.CjkHuffman)]
    [InlineData("図書館だより\n新しい閲覧室が春に開きました。\n", (int)TextCodec.CjkHuffman)]
    [InlineData("Notes from the Riverside Library\nThe library's new reading room opened in spring. Volunteers sorted four thousand books.\n", (int)TextCodec.Brotli)]
    [InlineData("한국어 문서입니다. 도서관의 새 열람실이 봄에 문을 열었습니다.\n", (int)TextCodec.Brotli)]
    [InlineData("", (int)TextCodec.CjkHuffman)]
    public void Compress_TakesTheCjkCodeWhereItFits_BrotliElsewhere_AndBothDecompress(string text, int expected)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);

        var stored = TextCompression.Compress(utf8);

        Assert.Equal((TextCodec)expected, stored.Codec);
        Assert.Equal(utf8, TextCompression.Decompress(stored));
    }

    [Fact]
    public void Decompress_UnknownCodec_NamesIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => TextCompression.Decompress(new StoredText((TextCodec)7, [1, 2])));

        Assert.Contains("7", error.Message, StringComparison.Ordinal);
    }
}
