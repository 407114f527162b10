using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Ingest.Metadata;
using Ingest.Reading;
using Ingest.Tests.Metadata.Reference;
using Ingest.Tests.Support;

namespace Ingest.Tests.Metadata;

/// <summary>
/// The fast paths (vectorized NFC check, raw-bytes text hash, hash on another core, per-character tables) against the
/// reference implementation they replaced, on random mixed-script texts, in memory and through real files.
/// </summary>
public sealed class FastPathPropertyTests
{
    // Pieces that exercise every branch: scripts, combining marks (NFC changes the text), every line end, U+3000, U+FEFF,
    // supplementary characters, outline markers and the sentence end 。.
    private static readonly string[] Pieces =
    [
        "hello", "the", "World", "and", "of", "42", "3.14", " ", "  ", "\t", "x", "é", "e\u0301", "A\u030A", "\u0301",
        "中文", "图书馆", "建设", "，", "。", "、", "一、", "（一）", "(二)", "1.", "2、", "（3）", "# ", "## 标题", "####### no",
        "かな", "カタカナ", "か\u3099", "\u3099", "ｶﾀｶﾅ", "한국어", "\u1100\u1161", "\u11A8", "가\u11A8",
        "\u3000", "\uFEFF", "“引号”", "——", "…", "ü", "𠀀", "𠀁字", "😀", "\u212B", "\uF900", "Ωμέγα", "שלום", "ไทย", "１２３", "Ａｂｃ",
        "\n", "\n", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n",
    ];

    private static readonly Gen<string> TextGen =
        Gen.Elements(Pieces).ListOf().Select(parts => string.Concat(parts));

    private static readonly Gen<string> LfNfcGen =
        Gen.Elements(Pieces.Where(p => !p.Contains('\r', StringComparison.Ordinal) && p.IsNormalized(NormalizationForm.FormC)).ToArray())
            .ListOf().Select(parts => string.Concat(parts));

    /// <summary>The reference, fed in chunks of <paramref name="chunk"/> characters (the fingerprint depends on the chunking).</summary>
    private static TextMetrics Reference(string text, int captureBytes, out byte[] captured, out Ingest.Search.Fingerprint? fingerprint, int chunk = int.MaxValue)
    {
        using var b = new ReferenceTextMetricsBuilder(captureBytes);
        for (var i = 0; i < text.Length; i += chunk)
        {
            b.Append(text.AsSpan(i, Math.Min(chunk, text.Length - i)));
        }

        var m = b.Complete();
        captured = b.CapturedText.ToArray();
        fingerprint = b.Fingerprint;
        return m;
    }

    /// <summary>The reference fed exactly as the analyzer feeds text: decoded buffer by buffer.</summary>
    private static TextMetrics ReferenceFromBytes(byte[] bytes, int captureBytes, out byte[] captured, out bool truncated, out Ingest.Search.Fingerprint? fingerprint)
    {
        using var b = new ReferenceTextMetricsBuilder(captureBytes);
        var decoder = new UTF8Encoding(false, true).GetDecoder();
        var chars = new char[FileAnalyzer.BufferSize + 1];
        for (var i = 0; i < bytes.Length; i += FileAnalyzer.BufferSize)
        {
            var length = Math.Min(FileAnalyzer.BufferSize, bytes.Length - i);
            b.Append(chars.AsSpan(0, decoder.GetChars(bytes.AsSpan(i, length), chars, flush: length < FileAnalyzer.BufferSize)));
        }

        b.Append(chars.AsSpan(0, decoder.GetChars([], chars, flush: true)));
        var m = b.Complete();
        captured = b.CapturedText.ToArray();
        truncated = b.CaptureTruncated;
        fingerprint = b.Fingerprint;
        return m;
    }

    private static bool IsNfc(string s)
    {
        try
        {
            return s.IsNormalized(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return true; // unassigned in this ICU: nothing to normalize
        }
    }

    private static string Show(TextMetrics m) =>
        $"{m with { Outline = [] }} outline: {string.Join(" | ", m.Outline.Select(o => $"{o.Level}/{o.Text}/{o.Line}"))}";

    private static string Show(DocumentFacts f) =>
        $"{f.Title}|{f.LineCount}|{f.TextSha256}|{f.Details! with { Outline = [] }} outline: {string.Join(" | ", f.Details.Outline.Select(o => $"{o.Level}/{o.Text}/{o.Line}"))}";

    private static string Show(TextMetrics m, string sha) =>
        $"{m.Title}|{m.LineCount}|{sha}|{TextDetails.From(m) with { Outline = [] }} outline: {string.Join(" | ", m.Outline.Select(o => $"{o.Level}/{o.Text}/{o.Line}"))}";

    [Fact]
    public void Builder_RandomTextInRandomChunks_AgreesWithTheReference()
    {
        var gen = from text in TextGen
                  from chunk in Gen.Choose(1, 64)
                  select (text, chunk);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var expected = Reference(t.text, 0, out _, out _);
            using var b = new TextMetricsBuilder();
            for (var i = 0; i < t.text.Length; i += t.chunk)
            {
                b.Append(t.text.AsSpan(i, Math.Min(t.chunk, t.text.Length - i)));
            }

            return Show(b.Complete()) == Show(expected);
        }));
    }

    [Fact]
    public void Builder_RawMode_GivesTheReferenceTextHashWhetherOrNotTheModeHolds()
    {
        // The "file" is the UTF-8 text; the replay hands the builder its prefix exactly as the analyzer does.
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(Gen.OneOf(TextGen, LfNfcGen).ToArbitrary(), text =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var expected = Reference(text, 64, out var capturedExpected, out var fpExpected, chunk: 7);
            using var b = new TextMetricsBuilder(64);
            b.UseRawUtf8AsText((count, hash) => hash.AppendData(bytes, 0, checked((int)count)));
            for (var i = 0; i < text.Length; i += 7)
            {
                b.Append(text.AsSpan(i, Math.Min(7, text.Length - i)));
            }

            var actual = b.Complete(SHA256.HashData(bytes));
            Assert.Equal(Show(expected), Show(actual));
            Assert.Equal(capturedExpected, b.CapturedText.ToArray());
            Assert.Equal(fpExpected?.SimHash, b.Fingerprint?.SimHash);
        }));
    }

    // Chinese prose: lines of ideographs and punctuation that the bulk line count takes, and lines it must not.
    private static readonly Gen<string> ProseGen =
        Gen.Elements("中文", "建设", "一", "二、", "（三）", "，", "。", "、", "“", "”", "——", "…", "《书》", "\n", "\n", "\n", "\n",
                "1", "a", " ", "\u3000", "\r\n", "か", "\u4DC0", "\uF900", "𠀀", "﹐", "·").ListOf()
            .Select(parts => string.Concat(parts));

    [Fact]
    public void Builder_ChineseProseInRandomChunks_AgreesWithTheReference()
    {
        var gen = from text in ProseGen
                  from chunk in Gen.OneOf(Gen.Choose(1, 64), Gen.Constant(int.MaxValue))
                  select (text, chunk);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var expected = Reference(t.text, 0, out _, out _);
            using var b = new TextMetricsBuilder();
            for (var i = 0; i < t.text.Length; i += t.chunk)
            {
                b.Append(t.text.AsSpan(i, Math.Min(t.chunk, t.text.Length - i)));
            }

            Assert.Equal(Show(expected), Show(b.Complete()));
        }));
    }

    // Whole lines of prose (most of them simple: ideographs and the punctuation SimpleLine takes) after a title, and
    // the lines around them that must go through the decoder.
    private static readonly string[] SimpleFragments =
        ["中文，", "建设。", "一、", "（三）", "“引号”", "——", "…", "《书》", "丁", "鿿", "十二、", "【注】", "「引」", "『号』", "；", "？！", "（）", "的"];

    // Long lines (the vector steps of 30 bytes), now and then with one character that is not simple at any place.
    private static readonly Gen<string> LongLineGen =
        from parts in Gen.Elements(SimpleFragments).ListOf()
        from spoiler in Gen.Elements("", "", "", "\u4DC0", "a", "か", "\u3000", "·", "𠀀", "\uF900", "é", "\t", "﹐")
        from at in Gen.Choose(0, 1000)
        let line = string.Concat(parts)
        select line.Insert((int)((long)line.Length * at / 1001), spoiler);

    private static readonly Gen<string> ProseLinesGen =
        (from title in Gen.Elements("讲话稿", "Title", "  标题  ", "")
         from lines in Gen.OneOf(
                 Gen.Elements("中文，建设。", "一、总体要求", "（三）加强管理：", "“引号”——…《书》", "\u4DC0", "䷀卦", "·中", "", "  ", "a中", "中\r", "か",
                     "\uF900", "𠀀字", "﹐", "\u3000中", "丁", "鿿", "中文", "十二、", "【注】「引」『号』；？！（）"),
                 LongLineGen,
                 Gen.Elements(Pieces))
             .ListOf()
         select title + "\n" + string.Join("\n", lines) + "\n");

    /// <summary>The analyzer's way: strict decoding chunk by chunk; the absolute position of the first invalid byte, if any.</summary>
    private static long? FirstInvalid(byte[] bytes, int chunk)
    {
        var decoder = new UTF8Encoding(false, true).GetDecoder();
        var chars = new char[chunk + 1];
        for (var i = 0; ; i += chunk)
        {
            var length = Math.Min(chunk, bytes.Length - i);
            try
            {
                decoder.GetChars(bytes.AsSpan(i, length), chars, flush: length < chunk);
            }
            catch (DecoderFallbackException ex)
            {
                return i + Math.Max(ex.Index, 0);
            }

            if (length < chunk)
            {
                return null;
            }
        }
    }

    [Fact]
    public void Builder_Utf8BytesInRandomChunks_AgreesWithTheReference_AndFailsWhereTheDecoderFails()
    {
        var gen = from text in ProseLinesGen
                  from chunk in Gen.OneOf(Gen.Choose(1, 64), Gen.Choose(64, 4096))
                  from corrupt in Gen.Elements(-1, -1, 0, 1, 2, 3, 4, 5)
                  from place in Gen.Choose(0, 1000)
                  select (text, chunk, corrupt, place);
        var simple = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(600), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var bytes = Encoding.UTF8.GetBytes(t.text);
            if (t.corrupt >= 0 && bytes.Length > 0)
            {
                // A stray continuation byte, a cut sequence, an overlong form, a surrogate, or a byte of a character
                // overwritten with ASCII or a two-byte lead: each invalid UTF-8 (or, over ASCII, another valid text).
                var at = (int)((long)bytes.Length * t.place / 1001);
                if (t.corrupt >= 4)
                {
                    bytes[at] = t.corrupt == 4 ? (byte)0x41 : (byte)0xC3;
                }
                else
                {
                    byte[] bad = t.corrupt switch { 0 => [0x80], 1 => [0xE4, 0xB8], 2 => [0xE0, 0x80, 0x80], _ => [0xED, 0xA0, 0x80] };
                    bytes = [.. bytes[..at], .. bad, .. bytes[at..]];
                }
            }

            var invalid = FirstInvalid(bytes, t.chunk);
            using var b = new TextMetricsBuilder(64);
            b.UseRawUtf8AsText((count, hash) => hash.AppendData(bytes, 0, checked((int)count)));
            var decoder = new UTF8Encoding(false, true).GetDecoder();
            var scratch = new char[t.chunk + 1];
            long? failedAt = null;
            for (var i = 0; ; i += t.chunk)
            {
                var length = Math.Min(t.chunk, bytes.Length - i);
                try
                {
                    Assert.False(b.AppendUtf8(bytes.AsSpan(i, length), decoder, flush: length < t.chunk, scratch));
                }
                catch (DecoderFallbackException ex)
                {
                    failedAt = i + Math.Max(ex.Index, 0);
                    break;
                }

                if (length < t.chunk)
                {
                    break;
                }
            }

            Assert.Equal(invalid, failedAt);
            if (invalid is not null)
            {
                return;
            }

            var expected = Reference(Encoding.UTF8.GetString(bytes), 64, out var capturedExpected, out var fpExpected);
            var actual = b.Complete(SHA256.HashData(bytes));
            Assert.Equal(Show(expected), Show(actual));
            Assert.Equal(capturedExpected, b.CapturedText.ToArray());
            Assert.Equal(fpExpected?.SimHash, b.Fingerprint?.SimHash);
            simple += t.text.Contains("\n中文，建设。\n", StringComparison.Ordinal) ? 1 : 0;
        }));
        Assert.True(simple > 20, $"only {simple} texts had a simple line to count from bytes");
    }

    [Fact]
    public void AllStable_ImpliesNfc_ForEveryStableCharacterAfterEveryOther()
    {
        // Each stable character is NFC alone and composes with nothing before it (checked against every BMP scalar).
        var stable = Enumerable.Range(0, 0x10000).Select(i => (char)i).Where(TextMetricsBuilder.IsStableBoundary).ToArray();
        Assert.All(stable, c => Assert.True(IsNfc(c.ToString())));
        foreach (var c in new[] { 'a', 'e', '中', 'か', 'カ', '가', '\u3000', '！', '“', '—' })
        {
            for (var p = 0; p < 0x10000; p++)
            {
                if (char.IsSurrogate((char)p))
                {
                    continue;
                }

                var pair = new string([(char)p, c]);
                if (!IsNfc(((char)p).ToString()) || char.GetUnicodeCategory((char)p) == System.Globalization.UnicodeCategory.OtherNotAssigned)
                {
                    continue; // ICU rejects unassigned or noncharacter code points; an NFC prefix is what matters
                }

                var prefix = ((char)p).ToString();
                Assert.Equal(prefix + c, pair.Normalize(NormalizationForm.FormC));
            }
        }

        Assert.True(TextMetricsBuilder.AllStable("中文，hello 한국어　カタカナ。\n" + new string('字', 100)));
        Assert.False(TextMetricsBuilder.AllStable(new string('字', 100) + "e\u0301"));
        Assert.False(TextMetricsBuilder.AllStable(new string('字', 100) + "\uF900"));
    }

    [Fact]
    public void Analyzer_RandomUtf8Files_SmallAndLarger_AgreeWithTheReference()
    {
        using var folder = new TempFolder();
        var n = 0;
        var large = 0;

        // Sizes up to several 256 KB buffers and past the parallel-hash threshold; a late CR or combining mark ends
        // raw mode far into the file, so the prefix replay is checked beyond the first buffer.
        var gen = from text in Gen.OneOf(TextGen, LfNfcGen).Where(t => t.Length > 0)
                  from repeat in Gen.OneOf(Gen.Constant(1), Gen.Choose(1, 3000), Gen.Choose(3000, 20000))
                  from late in Gen.Elements("", "", "\r\n", "\r", "e\u0301", "か\u3099", "\u212B")
                  from lateAt in Gen.Choose(0, 1000)
                  select (text, repeat, late, lateAt);

        void CheckFile((string text, int repeat, string late, int lateAt) t)
        {
            var builder = new StringBuilder();
            while (builder.Length < t.text.Length * t.repeat)
            {
                builder.Append(t.text);
            }

            var at = (int)((long)builder.Length * t.lateAt / 1000);
            if (at > 0 && at < builder.Length && char.IsLowSurrogate(builder[at]))
            {
                at--;
            }

            var text = builder.Insert(at, t.late).ToString();
            var bytes = Encoding.UTF8.GetBytes(text);
            if (bytes[0] == 0xEF)
            {
                return; // a leading U+FEFF is a BOM, a different case
            }

            large += bytes.Length > FileAnalyzer.ParallelHashThreshold ? 1 : 0;
            var path = folder.Write($"{n++}.txt", bytes);
            var analysis = FileAnalyzer.AnalyzePath(path, path, null, CancellationToken.None, captureBytes: 300_000);
            var expected = ReferenceFromBytes(bytes, 300_000, out var captured, out var truncated, out var fingerprint);
            var facts = analysis.Facts!;
            Assert.Equal(AnalysisKind.Document, analysis.Kind);
            Assert.Equal("utf-8", facts.Encoding);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), facts.Sha256);
            Assert.Equal(Show(expected, expected.TextSha256), Show(facts));
            if (fingerprint is null)
            {
                Assert.Null(facts.Search); // whitespace only: nothing to index
                return;
            }

            Assert.Equal(captured, facts.Search!.TextUtf8);
            Assert.Equal(captured, Ingest.Search.TextCompression.Decompress(facts.Search.CompressedText));
            Assert.Equal(truncated, facts.Search.Truncated);
            Assert.Equal(fingerprint.SimHash, facts.Search.Fingerprint.SimHash);
            Assert.Equal(fingerprint.MinHash, facts.Search.Fingerprint.MinHash);
        }

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), Prop.ForAll(gen.ToArbitrary(), CheckFile));

        // Random sizes may all be small: three files past the parallel-hash threshold are always checked too.
        CheckFile(("中文，建设。\n", 60_000, "", 0));
        CheckFile(("图书馆 library’s 一、总体\n", 40_000, "\r\n", 900));
        CheckFile(("かな한국어“引号”\n", 50_000, "e\u0301", 500));
        Assert.True(large >= 3, $"only {large} files took the parallel path");
    }
}
