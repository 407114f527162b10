using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Ingest.Search;

namespace Ingest.Tests.Search;

public sealed class CjkHuffmanTests
{
    private const string Chinese =
        "关于推进社区图书馆建设的讲话\n同志们：今年全市新建社区图书馆十二座，市民借阅量比去年增长了三成。" +
        "我们要把阅读推广作为一项长期任务，坚持问题导向，加强基层服务，让更多群众在家门口读到好书。\n" +
        "一、总体要求\n（一）提高服务质量。各区要结合实际，制定具体方案，确保各项工作落到实处。\n";

    private const string Japanese = "図書館だより\n新しい閲覧室が春に開きました。ボランティアの皆さんが本を整理しています。\n";

    private static byte[] Encode(string text, int? room = null)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var buffer = new byte[room ?? utf8.Length * 3 + 16];
        var written = CjkHuffman.Encode(utf8, buffer);
        Assert.True(written >= 0, "the encoder refused well-formed text");
        return buffer[..written];
    }

    [Theory]
    [InlineData(Chinese)]
    [InlineData(Japanese)]
    [InlineData("")]
    [InlineData("Plain ASCII with digits 2024 and symbols #%&~\t\r\n")]
    [InlineData("罕见字：龘靐齉，扩展B区：𠀀𪚥，表情：😀，韩文：한국어，西里尔：Привет，NUL:\0。")]
    [InlineData("全角数字１２３与ＡＢＣ，半角ｶﾀｶﾅ，兼容字\uF900。")]
    public void Decode_OfEncode_GivesBackTheSameBytes(string text)
    {
        var encoded = Encode(text);

        Assert.Equal(Encoding.UTF8.GetBytes(text), CjkHuffman.Decode(encoded));
    }

    [Fact]
    public void Decode_OfEncode_GivesBackTheSameBytes_ForAnyText()
    {
        // Pieces from every class the coder treats apart: modelled characters, escaped Han, escaped others, supplementary.
        var piece = Gen.Elements("的", "一", "，", "。", "\n", "a", " ", "9", "ー", "か", "龘", "\u9FFF", "\u4E00", "한", "é", "𠀀",
            "😀", "\0", "\uFFFF", "\u3400", "Ω", "\u0800", "\u07FF", "\u007F", "\u0080");
        var gen = piece.ListOf().Select(parts => string.Concat(parts));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(gen.ToArbitrary(), text =>
            Encoding.UTF8.GetBytes(text).AsSpan().SequenceEqual(CjkHuffman.Decode(Encode(text)))));
    }

    [Fact]
    public void Encode_ChineseProse_TakesLessThanHalfOfTheUtf8()
    {
        var utf8 = Encoding.UTF8.GetByteCount(Chinese);

        Assert.InRange(Encode(Chinese).Length, 1, utf8 / 2);
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]                    // a continuation byte alone
    [InlineData(new byte[] { 0xE4, 0xB8 })]              // a character cut short
    [InlineData(new byte[] { 0xE4, 0x41, 0x80 })]        // a lead byte without its continuation
    [InlineData(new byte[] { 0xC0, 0xAF })]              // overlong '/'
    [InlineData(new byte[] { 0xE0, 0x80, 0xAF })]        // overlong '/' in three bytes
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]        // a surrogate (CESU-8)
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]  // past U+10FFFF
    [InlineData(new byte[] { 0xFF })]
    public void Encode_MalformedUtf8_IsRefused(byte[] bytes)
    {
        Assert.Equal(-1, CjkHuffman.Encode([0x41, .. bytes, 0x41], new byte[64]));
    }

    [Fact]
    public void Encode_IntoTooSmallABuffer_IsRefusedNotTruncated()
    {
        var utf8 = Encoding.UTF8.GetBytes(Chinese);
        var needed = Encode(Chinese).Length;

        Assert.Equal(-1, CjkHuffman.Encode(utf8, new byte[needed - 1]));
        Assert.Equal(needed, CjkHuffman.Encode(utf8, new byte[needed]));
    }

    [Fact]
    public void Decode_DamagedStream_ThrowsInvalidData()
    {
        var encoded = Encode(Chinese);

        Assert.Throws<InvalidDataException>(() => CjkHuffman.Decode(encoded.AsSpan(0, encoded.Length - 1)));                // cut short
        Assert.Throws<InvalidDataException>(() => CjkHuffman.Decode([.. encoded, 0]));              // trailing byte
        Assert.Throws<InvalidDataException>(() => CjkHuffman.Decode([0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1])); // a length no stream this short holds
        Assert.Throws<InvalidDataException>(() => CjkHuffman.Decode([]));
        var longer = (byte[])encoded.Clone();
        longer[0]++; // claims one byte more than its codes give
        Assert.Throws<InvalidDataException>(() => CjkHuffman.Decode(longer));
    }

    [Fact]
    public void Decode_AnyBytes_ThrowsOnlyInvalidData()
    {
        var gen = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(gen.ToArbitrary(), bytes =>
        {
            try
            {
                CjkHuffman.Decode(bytes);
            }
            catch (InvalidDataException)
            {
            }
        }));
    }

    [Fact]
    public void Model_IsACompleteCodeOfAtMost15Bits()
    {
        var model = CjkHuffman.Model.Instance;

        Assert.InRange(model.Lengths.Max(), 1, CjkHuffman.MaxCodeLength);
        Assert.Equal(1.0, model.Lengths.Sum(length => Math.Pow(2, -length)), 12); // Kraft equality: every bit pattern decodes
    }

    /// <summary>
    /// Stored text decodes only with the model that encoded it. If this fails, the model changed (its symbols, their order,
    /// weights, or the frequency lists in Decoding it is built from): revert, and give a new model a new TextCodec.
    /// </summary>
    [Fact]
    public void Model_IsFrozen()
    {
        var model = CjkHuffman.Model.Instance;
        var pinned = new StringBuilder();
        for (var s = 0; s < model.Symbols.Length; s++)
        {
            pinned.Append(model.Symbols[s]).Append(':').Append(model.Lengths[s]).Append(',');
        }

        Assert.Equal(1853, model.Symbols.Length);
        Assert.Equal("4e009ff1e381c214716e5a8fb54ca2f2b9ae90b5487e409ff1acbd6713514cbe", Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(pinned.ToString()))));
        // Checked against an independent encoder (a Python script over the same code lengths) when the model was made.
        Assert.Equal("2ad11a9d8dcade677891977605e77c0a278f62c65e2b", Convert.ToHexStringLower(Encode("关于图书馆，ボランティア。\nA1")));
    }
}
