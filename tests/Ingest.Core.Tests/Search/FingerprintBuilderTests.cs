using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Ingest.Search;
using Xunit.Abstractions;

namespace Ingest.Tests.Search;

public sealed class FingerprintBuilderTests(ITestOutputHelper output)
{
    private const string Han = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质";

    /// <summary>Words of two to four characters over a fixed vocabulary: like speeches, bigrams repeat.</summary>
    private static readonly string[] Words = Enumerable.Range(0, 6000)
        .Select(i => new string(Enumerable.Range(0, 2 + (i % 3)).Select(k => Han[(i * 31 + k * 17 + i / 7) % Han.Length]).ToArray()))
        .ToArray();

    private static string Speech(Random random, int length)
    {
        var sb = new StringBuilder(length);
        while (sb.Length < length)
        {
            sb.Append(Words[random.Next(Words.Length)]);
            if (random.Next(6) == 0)
            {
                sb.Append(random.Next(3) == 0 ? "。\n" : "，");
            }
        }

        return sb.ToString();
    }

    private static Fingerprint Of(string text, int chunk = int.MaxValue)
    {
        var b = new FingerprintBuilder();
        for (var i = 0; i < text.Length; i += chunk)
        {
            b.Append(text.AsSpan(i, Math.Min(chunk, text.Length - i)));
        }

        return b.Build()!;
    }

    /// <summary>
    /// The definition: NFKC, whitespace dropped, the hash of each 2-character shingle (of the one character alone). Text
    /// appended in chunks is normalized chunk by chunk, as the builder sees it (see <see cref="Chunks"/>).
    /// </summary>
    private static List<ulong> NaiveShingleHashes(string text, int chunk = int.MaxValue)
    {
        var chars = string.Concat(Chunks(text, chunk).Select(c => c.Normalize(NormalizationForm.FormKC))).EnumerateRunes().Where(r => !Rune.IsWhiteSpace(r)).Select(r => r.Value).ToArray();
        var hashes = new List<ulong>();
        for (var i = 1; i < chars.Length; i++)
        {
            hashes.Add(FingerprintBuilder.Mix(((ulong)(uint)chars[i - 1] << 21) | (uint)chars[i]));
        }

        if (chars.Length == 1)
        {
            hashes.Add(FingerprintBuilder.Mix((ulong)(uint)chars[0] << 21));
        }

        return hashes;
    }

    /// <summary>+1/-1 per bit of each shingle's hash; a bit is set where the sum is positive.</summary>
    private static ulong NaiveSimHash(string text, int chunk = int.MaxValue)
    {
        var weights = new long[64];
        foreach (var h in NaiveShingleHashes(text, chunk))
        {
            for (var bit = 0; bit < 64; bit++)
            {
                weights[bit] += ((h >> bit) & 1) == 1 ? 1 : -1;
            }
        }

        ulong simHash = 0;
        for (var bit = 0; bit < 64; bit++)
        {
            simHash |= weights[bit] > 0 ? 1UL << bit : 0;
        }

        return simHash;
    }

    /// <summary>
    /// The top 6 bits of a hash pick one of 64 bins, which keeps the least low 32 bits; an empty bin takes the nearest
    /// filled one after it (circularly) xor the distance, unless that gives the empty value.
    /// </summary>
    private static uint[] NaiveMinHash(string text, int chunk = int.MaxValue)
    {
        var bins = Enumerable.Repeat(uint.MaxValue, 64).ToArray();
        foreach (var h in NaiveShingleHashes(text, chunk))
        {
            bins[h >> 58] = Math.Min(bins[h >> 58], (uint)h);
        }

        var result = (uint[])bins.Clone();
        for (var i = 0; i < 64; i++)
        {
            for (var k = 1; bins[i] == uint.MaxValue && k < 64; k++)
            {
                if (bins[(i + k) % 64] is var donor && donor != uint.MaxValue && (donor ^ (uint)k) != uint.MaxValue)
                {
                    result[i] = donor ^ (uint)k;
                    break;
                }
            }
        }

        return result;
    }

    [Theory]
    [InlineData("中文，建设。Ｈｅｌｌｏ　world\n“引号”", false)] // the plain path: full-width forms map to ASCII
    [InlineData("Ａ\u0301 ｶﾞ e\u0301 \u3000 😀 １２", false)] // the general path through ICU
    [InlineData("字", false)]
    [InlineData("中文，建设。Ｈｅｌｌｏ　world\n“引号”", true)] // the same with the portable counters (no AVX2)
    [InlineData("Ａ\u0301 ｶﾞ e\u0301 \u3000 😀 １２", true)]
    [InlineData("字", true)]
    public void SimHash_EqualsTheDefinition(string sample, bool portableCounts)
    {
        FingerprintBuilder.PortableCountsForTests.Value = portableCounts;
        try
        {
            AssertEqualsTheDefinition(sample);
        }
        finally
        {
            FingerprintBuilder.PortableCountsForTests.Value = false;
        }
    }

    private static void AssertEqualsTheDefinition(string sample)
    {
        var random = new Random(sample.Length);
        for (var n = 1; n <= 40; n++)
        {
            var text = string.Concat(Enumerable.Range(0, n).Select(_ => sample[random.Next(sample.Length)]));
            if (char.IsHighSurrogate(text[^1]) || text.Any(char.IsLowSurrogate) || text.Any(char.IsHighSurrogate))
            {
                text = text.Replace("\uD83D", "").Replace("\uDE00", "");
            }

            if (text.Trim().Length == 0)
            {
                continue;
            }

            Assert.Equal(NaiveSimHash(text), Of(text).SimHash);
        }

        // Around the byte counters' flush (every 255 shingles) and far past it.
        foreach (var length in new[] { 254, 255, 256, 257, 511, 5000 })
        {
            var speech = Speech(new Random(length), length)[..length];
            Assert.Equal(NaiveSimHash(speech), Of(speech).SimHash);
        }
    }

    [Fact]
    public void Fingerprint_VectorAndPortableCounters_Agree()
    {
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var text = Speech(random, random.Next(1, 4000));
            var chunk = random.Next(1, 700);
            FingerprintBuilder.PortableCountsForTests.Value = true;
            var portable = Of(text, chunk);
            FingerprintBuilder.PortableCountsForTests.Value = false;
            var vector = Of(text, chunk);
            Assert.Equal(portable.SimHash, vector.SimHash);
            Assert.Equal(portable.MinHash, vector.MinHash);
        }
    }

    [Fact]
    public void IsPlainKc_EveryPlainCharacterIsItsOwnNfkcAndCombinesWithNothingBefore()
    {
        var plain = Enumerable.Range(0, 0x10000).Select(i => (char)i).Where(FingerprintBuilder.IsPlainKc).ToArray();
        foreach (var c in plain)
        {
            var expected = c is >= '\uFF01' and <= '\uFF5E' ? ((char)(c - 0xFEE0)).ToString() : c.ToString();
            Assert.Equal(expected, c.ToString().Normalize(NormalizationForm.FormKC));
            Assert.True(!char.IsWhiteSpace(c) || c < '\u0080');
        }

        // One of each range after every BMP character: the pair normalizes as its two halves.
        foreach (var c in new[] { 'a', '中', '，', '。', '“', '〈', 'か', 'カ', '가', 'Ａ' })
        {
            AssertCombinesWithNothingBefore(c);
        }
    }

    /// <summary>After every assigned BMP character, <paramref name="c"/> and what comes before it normalize apart.</summary>
    private static void AssertCombinesWithNothingBefore(char c)
    {
        var own = c.ToString().Normalize(NormalizationForm.FormKC);
        for (var p = 0; p < 0x10000; p++)
        {
            if (char.IsSurrogate((char)p) || char.GetUnicodeCategory((char)p) == System.Globalization.UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            string alone;
            try
            {
                alone = ((char)p).ToString().Normalize(NormalizationForm.FormKC);
            }
            catch (ArgumentException)
            {
                continue; // not normalizable in this ICU
            }

            Assert.Equal(alone + own, new string([(char)p, c]).Normalize(NormalizationForm.FormKC));
        }
    }

    [Fact]
    public void OfUtf8_TextOfSeveralPieces_EqualsTheWholeTextAppendedAtOnce()
    {
        // Longer than the 64 KB pieces OfUtf8 decodes, with combining marks and full-width forms (NFKC changes them).
        var text = Speech(new Random(3), 90_000) + "e\u0301ｶﾞＡ" + Speech(new Random(4), 40_000) + " 😀 end";
        var expected = Of(text);
        var actual = FingerprintBuilder.OfUtf8(Encoding.UTF8.GetBytes(text))!;
        Assert.Equal(expected.SimHash, actual.SimHash);
        Assert.Equal(expected.MinHash, actual.MinHash);
        Assert.Null(FingerprintBuilder.OfUtf8(" \n\t "u8));
    }

    [Fact]
    public void SimHash_ADozenEditedCharacters_StaysWithinThreeBitsAlmostAlways()
    {
        var random = new Random(7);
        var within = 0;
        const int trials = 200;
        for (var t = 0; t < trials; t++)
        {
            var original = Speech(random, 3000);
            var edited = original.ToCharArray();
            for (var k = 0; k < 12; k++)
            {
                edited[random.Next(edited.Length)] = Han[random.Next(Han.Length)];
            }

            within += Fingerprint.Distance(Of(original).SimHash, Of(new string(edited)).SimHash) <= 3 ? 1 : 0;
        }

        output.WriteLine($"{within}/{trials} edited copies within distance 3");
        Assert.True(within >= trials * 0.95, $"{within}/{trials}");
    }

    [Fact]
    public void SimHash_DifferentTextsOnTheSameVocabulary_AreFarApart()
    {
        var random = new Random(11);
        var minimum = 64;
        for (var t = 0; t < 100; t++)
        {
            minimum = Math.Min(minimum, Fingerprint.Distance(Of(Speech(random, 3000)).SimHash, Of(Speech(random, 3000)).SimHash));
        }

        output.WriteLine($"closest of 100 pairs of different texts: {minimum} bits");
        Assert.True(minimum > 3, $"{minimum}");
    }

    [Fact]
    public void Fingerprint_IgnoresWhitespaceAndWidthAndDoesNotDependOnChunking()
    {
        var text = Speech(new Random(3), 2000) + "ＡＢＣ１２３";
        var spaced = string.Join(" \n", text.Chunk(7).Select(c => new string(c))).Replace("ＡＢＣ１２３", "ABC123", StringComparison.Ordinal);
        var a = Of(text);
        var b = Of(spaced, chunk: 5);
        Assert.Equal(a.SimHash, b.SimHash);
        Assert.Equal(a.MinHash, b.MinHash);
    }

    [Fact]
    public void MinHash_EstimatesJaccardSimilarity()
    {
        var random = new Random(5);
        var text = Speech(random, 3000);
        var half = text[..1500] + Speech(random, 1500);
        Assert.Equal(1.0, Fingerprint.Similarity(Of(text).MinHash, Of(text).MinHash));
        var similarity = Fingerprint.Similarity(Of(text).MinHash, Of(half).MinHash);
        output.WriteLine($"half-shared texts: estimated similarity {similarity:0.00}");
        Assert.InRange(similarity, 0.15, 0.6); // the true Jaccard of half-shared shingle sets is about 1/3
        Assert.Equal(Of(text).MinHash, Fingerprint.MinHashFromBytes(Of(text).MinHashBytes()));
    }

    /// <summary>Pieces of text the plain path takes: Han, the punctuation and full-width forms it maps, ASCII, every ASCII whitespace.</summary>
    private static readonly string[] PlainPieces =
    [
        .. Han[..60].Select(c => c.ToString()), "，", "。", "、", "“", "”", "—", "〈", "】", "か", "カ", "가", "힣",
        "Ａ", "ｚ", "１", "！", "～", "a", "Z", "0", ".", " ", "  ", "\t", "\n", "\v", "\f", "\r", "\r\n",
    ];

    /// <summary>Pieces that send a chunk to the general path: NFKC changes or combines them, or they are not BMP.</summary>
    private static readonly string[] OtherPieces =
    [
        "\u3000", "\u00A0", "e\u0301", "\u0301", "ｶﾞ", "ｶ", "\uFF9E", "😀", "𠀁字", "…", "ﬁ", "①", "\u2028", "\u0085", "Å", "\u1100\u1161",
    ];

    /// <summary>Appends in chunks of <paramref name="chunk"/> characters, keeping surrogate pairs whole (ICU rejects half a pair).</summary>
    private static Fingerprint? OfChunks(string text, int chunk, bool portableCounts)
    {
        FingerprintBuilder.PortableCountsForTests.Value = portableCounts;
        try
        {
            var b = new FingerprintBuilder();
            foreach (var piece in Chunks(text, chunk))
            {
                b.Append(piece);
            }

            return b.Build();
        }
        finally
        {
            FingerprintBuilder.PortableCountsForTests.Value = false;
        }
    }

    /// <summary>Chunks of <paramref name="chunk"/> characters, one more where that would split a surrogate pair.</summary>
    private static IEnumerable<string> Chunks(string text, int chunk)
    {
        for (var i = 0; i < text.Length;)
        {
            var n = Math.Min(chunk, text.Length - i);
            n += char.IsHighSurrogate(text[i + n - 1]) && i + n < text.Length ? 1 : 0;
            yield return text.Substring(i, n);
            i += n;
        }
    }

    private static Gen<(string Text, int Chunk)> TextInChunks(string[] pieces) =>
        from length in Gen.Choose(0, 1100) // past the byte counters' flush (every 255 shingles) four times
        from parts in Gen.Elements(pieces).ArrayOf(length)
        from chunk in Gen.Choose(1, 700)
        select (string.Concat(parts), chunk);

    [Fact]
    public void Fingerprint_PlainTextInAnyChunks_EqualsTheDefinitionWithEitherCounters()
    {
        // The plain loop keeps its state in locals across a call and flushes its byte counters every 255 shingles:
        // chunk seams fall anywhere relative to those flushes and to whitespace.
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(TextInChunks(PlainPieces).ToArbitrary(), t =>
        {
            foreach (var portable in new[] { false, true })
            {
                var actual = OfChunks(t.Text, t.Chunk, portable);
                if (NaiveShingleHashes(t.Text).Count == 0)
                {
                    Assert.Null(actual);
                    continue;
                }

                Assert.Equal(NaiveSimHash(t.Text), actual!.SimHash);
                Assert.Equal(NaiveMinHash(t.Text), actual.MinHash);
            }
        }));
    }

    [Fact]
    public void Fingerprint_MixedTextInAnyChunks_VectorAndPortableCountersAgree()
    {
        // Chunks with a character NFKC changes take the general path, the others the plain loop, in one builder.
        var pieces = PlainPieces.Concat(PlainPieces).Concat(OtherPieces).ToArray();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(TextInChunks(pieces).ToArbitrary(), t =>
        {
            var vector = OfChunks(t.Text, t.Chunk, portableCounts: false);
            var portable = OfChunks(t.Text, t.Chunk, portableCounts: true);
            Assert.Equal(portable?.SimHash, vector?.SimHash);
            Assert.Equal(portable?.MinHash, vector?.MinHash);

            // In one piece NFKC sees the whole text, as the definition does (in chunks, ｶ and ﾞ may fall apart).
            var whole = OfChunks(t.Text, int.MaxValue, portableCounts: false);
            Assert.Equal(NaiveShingleHashes(t.Text).Count == 0 ? null : NaiveSimHash(t.Text), whole?.SimHash);
            Assert.Equal(NaiveShingleHashes(t.Text).Count == 0 ? null : NaiveMinHash(t.Text), whole?.MinHash);
        }));
    }

    /// <summary>
    /// What a plain run meets in real text, alone or as the character after a plain one: the mapped characters, combining
    /// marks (after plain, mapped and full-width characters too), kana voicing marks, Hangul jamo that compose with a
    /// syllable or each other, surrogate pairs (one with a mark after it), compatibility forms, whitespace.
    /// </summary>
    private static readonly string[] SeamPieces =
    [
        .. OtherPieces, "·", "﹐", "﹑", "∶", "…", "……", "\u3000", "\u3000\u3000", "\u00A0", "ー", "・", "°", "×", "〔", "–", "―", "•",
        "\u3099", "か\u3099", "カ\u309A", "ー\u3099", "\u11A8", "가\u11A8", "\u1100", "\u1161", "\u1161\u11A8",
        "Ａ\u0301", "ａ\u0308", "a\u0308\u0323", "\u0323", " \u0301", "\u3000\u0301", "·\u0301", "…\u0308", "﹐\u0301", "。\u0301",
        "\uD83D\uDE00\u0301", "\u212B", "\u0CD5", "\u0B3E", "\u09BE", "\u0F73", "\u05B0", "Ω", "㎏", "①", "\uFF65", "\uFF70",
        " ", "\n", "\t\u3000 ", "\r\n\u3000\u3000",
    ];

    /// <summary>Plain runs of any length (often past the cut for ICU) between pieces from <see cref="SeamPieces"/>.</summary>
    private static readonly Gen<(string Text, int Chunk)> MixedTextInChunks =
        from count in Gen.Choose(0, 40)
        from parts in Gen.OneOf(
                from length in Gen.Choose(0, 90)
                from run in Gen.Elements(PlainPieces).ArrayOf(length)
                select string.Concat(run),
                Gen.Elements(SeamPieces))
            .ArrayOf(count)
        from chunk in Gen.OneOf(Gen.Choose(1, 40), Gen.Choose(1, 3000), Gen.Constant(int.MaxValue))
        select (string.Concat(parts), chunk);

    [Fact]
    public void Fingerprint_PlainRunsBetweenOtherCharactersInAnyChunks_EqualsTheDefinitionWithEitherCounters()
    {
        // Plain runs take the fast loop and the characters between them ICU or the mapped table: every chunk must still
        // come out as its NFKC as a whole, which is what the general path alone computed.
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), Prop.ForAll(MixedTextInChunks.ToArbitrary(), t =>
        {
            foreach (var portable in new[] { false, true })
            {
                var actual = OfChunks(t.Text, t.Chunk, portable);
                if (NaiveShingleHashes(t.Text, t.Chunk).Count == 0)
                {
                    Assert.Null(actual);
                    continue;
                }

                Assert.Equal(NaiveSimHash(t.Text, t.Chunk), actual!.SimHash);
                Assert.Equal(NaiveMinHash(t.Text, t.Chunk), actual.MinHash);
            }
        }));
    }

    [Fact]
    public void MappedKc_EachIsItsNfkcAndCombinesWithNothingBefore()
    {
        var mapped = Enumerable.Range(0, 0x10000).Select(i => (char)i).Where(c => FingerprintBuilder.MappedKc(c) is not null).ToArray();
        Assert.Contains('\u3000', mapped);
        foreach (var m in mapped)
        {
            Assert.False(FingerprintBuilder.IsPlainKc(m));
            Assert.Equal(m.ToString().Normalize(NormalizationForm.FormKC), FingerprintBuilder.MappedKc(m));
        }

        // After every BMP character, each mapped character normalizes on its own: a cut before it is safe.
        foreach (var m in mapped)
        {
            AssertCombinesWithNothingBefore(m);
        }
    }

    [Theory]
    [InlineData(0xD83D)] // half a pair (as numbers: xunit mangles a lone surrogate in a string)
    [InlineData(0xDE00)]
    [InlineData(0xFFFE)]
    public void Append_ChunkIcuRejects_ThrowsAndAddsNothingOfIt(int bad)
    {
        // Long plain runs on both sides would be cut off and added on their own: the chunk must still fail as a whole.
        var plain = Speech(new Random(1), 100);
        var expected = Of(plain + "后来的");
        var b = new FingerprintBuilder();
        b.Append(plain);
        Assert.Throws<ArgumentException>(() => b.Append(plain + "·" + plain + (char)bad + plain));
        b.Append("后来的");
        var actual = b.Build()!;
        Assert.Equal(expected.SimHash, actual.SimHash);
        Assert.Equal(expected.MinHash, actual.MinHash);
    }

    [Fact]
    public void IndexOfNonPlainKc_AnyCharacterAmongPlainOnes_IsFoundExactlyWhenIsPlainKcSaysItIsNotPlain()
    {
        // The vector check passes whole blocks of the common ranges and leaves the rest to IsPlainKc: every character, at
        // each place of a block and in the tail after the blocks.
        var text = string.Concat(Enumerable.Repeat("中，。a、ｚ", 7)).ToCharArray(); // 42: two blocks of 16 and a tail
        for (var c = 0; c <= char.MaxValue; c++)
        {
            foreach (var at in new[] { 0, 7, 15, 16, 31, 33, 41 })
            {
                var saved = text[at];
                text[at] = (char)c;
                Assert.Equal(FingerprintBuilder.IsPlainKc((char)c) ? -1 : at, FingerprintBuilder.IndexOfNonPlainKc(text));
                text[at] = saved;
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fingerprint_SeededInputs_KeepTheValuesTheyHadWhenFirstStored(bool portableCounts)
    {
        // Catalogs store these fingerprints and compare new documents with them, so they may never change. The values
        // were computed by the code before the plain loop kept its counters in locals (commit 6e93c3e); a difference
        // here is a change of the fingerprint, not of these numbers.
        var speech = Speech(new Random(21), 4000);
        var mixed = string.Concat(Enumerable.Repeat("中文，建设。Ｈｅｌｌｏ　world\n“引号”\tＡ\u0301 ｶﾞ e\u0301 😀 １２\v\f\r～！", 40));
        var cases = new (Fingerprint? Actual, ulong SimHash, string MinHashSha256)[]
        {
            (OfChunks(speech, int.MaxValue, portableCounts), 0x2215F7D2F172F003UL, "1B2310EDFA61509F"),
            (OfChunks(speech, 7, portableCounts), 0x2215F7D2F172F003UL, "1B2310EDFA61509F"),
            (OfChunks(mixed, int.MaxValue, portableCounts), 0x84F1DCA7FDDBB9ABUL, "B24754613F1DF54E"),
            (OfChunks("字", int.MaxValue, portableCounts), 0xC126B2EE14C41056UL, "6BF0EE3B25722CF6"),
            (OfUtf8(Encoding.UTF8.GetBytes(Speech(new Random(22), 30_000)), portableCounts), 0x2215F7D2B976B043UL, "94717CC304ADA94F"),
        };
        foreach (var (actual, simHash, minHashSha256) in cases)
        {
            Assert.Equal(simHash, actual!.SimHash);
            Assert.Equal(minHashSha256, Convert.ToHexString(SHA256.HashData(actual.MinHashBytes()))[..16]);
        }
    }

    private static Fingerprint? OfUtf8(byte[] utf8, bool portableCounts)
    {
        FingerprintBuilder.PortableCountsForTests.Value = portableCounts;
        try
        {
            return FingerprintBuilder.OfUtf8(utf8);
        }
        finally
        {
            FingerprintBuilder.PortableCountsForTests.Value = false;
        }
    }

    [Fact]
    public void OfUtf8_ManyTextsOnOneThread_EachAsIfComputedAlone()
    {
        // OfUtf8 reuses one builder per thread: nothing of a text, a failed one included, may reach the next.
        var random = new Random(11);
        var texts = new[] { Speech(random, 3000), "一", "", " \n ", Speech(random, 40), "Ａ ｂ 한국어 テキスト", Speech(random, 9000) };
        foreach (var text in texts)
        {
            var expected = text.Trim().Length == 0 ? null : Of(text);
            var actual = FingerprintBuilder.OfUtf8(Encoding.UTF8.GetBytes(text));
            Assert.Equal(expected?.SimHash, actual?.SimHash);
            Assert.Equal(expected?.MinHash, actual?.MinHash);
            Assert.ThrowsAny<ArgumentException>(() => FingerprintBuilder.OfUtf8([0x41, 0xEF, 0xBF, 0xBE, 0x42])); // U+FFFE: ICU refuses it
        }
    }
}
