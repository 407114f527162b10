using System.Text;
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

    /// <summary>The definition: NFKC, whitespace dropped, +1/-1 per bit of each 2-character shingle's hash.</summary>
    private static ulong NaiveSimHash(string text)
    {
        var chars = text.Normalize(NormalizationForm.FormKC).EnumerateRunes().Where(r => !Rune.IsWhiteSpace(r)).Select(r => r.Value).ToArray();
        var weights = new long[64];
        var shingles = 0;
        for (var i = 1; i < chars.Length; i++)
        {
            var h = FingerprintBuilder.Mix(((ulong)(uint)chars[i - 1] << 21) | (uint)chars[i]);
            shingles++;
            for (var bit = 0; bit < 64; bit++)
            {
                weights[bit] += ((h >> bit) & 1) == 1 ? 1 : -1;
            }
        }

        if (shingles == 0 && chars.Length == 1)
        {
            var h = FingerprintBuilder.Mix((ulong)(uint)chars[0] << 21);
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

                Assert.Equal(alone + c.ToString().Normalize(NormalizationForm.FormKC), new string([(char)p, c]).Normalize(NormalizationForm.FormKC));
            }
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
}
