using System.Globalization;
using Ingest.Decoding;
using Ingest.Reading;
using Xunit.Abstractions;

using Ingest.Tests.Support;

namespace Ingest.Tests.Decoding;

public sealed class EncodingDetectorCorpusTests(ITestOutputHelper output)
{
    [Fact]
    public void Corpus_ShortTexts_AreBetween200And300BytesInTheirLegacyCharset()
    {
        foreach (var t in Corpus.Texts)
        {
            var length = TextEncodings.Get(t.LegacyLabel).GetByteCount(t.Text);
            Assert.InRange(length, 200, 300);
        }
    }

    [Fact]
    public void Detect_EveryCorpusSample_ReturnsItsEncodingAndOneTextHashPerText()
    {
        using var folder = new TempFolder();
        var samples = Corpus.Samples().ToList();
        var wrong = new List<string>();
        var hashes = new Dictionary<(string, bool), HashSet<string>>();
        var titles = new Dictionary<(string, bool), HashSet<string?>>();
        var i = 0;
        foreach (var s in samples)
        {
            var path = folder.Write($"{i++}.txt", s.Bytes);
            var a = FileAnalyzer.AnalyzePath(path, path, null, CancellationToken.None);
            if (a.Facts is not { } f)
            {
                wrong.Add($"{s}: failed ({a.Reason})");
                continue;
            }

            if (f.Encoding != s.ExpectedLabel)
            {
                wrong.Add($"{s}: detected {f.Encoding} (confidence {f.Confidence.ToString(CultureInfo.InvariantCulture)})");
            }
            else if (f.Details?.Language != s.Source.Language)
            {
                wrong.Add($"{s}: language {f.Details?.Language}, expected {s.Source.Language}");
            }

            output.WriteLine($"{s,-45} {f.Encoding,-13} confidence {f.Confidence.ToString("0.000", CultureInfo.InvariantCulture)}  language {f.Details?.Language}");
            AddTo(hashes, (s.Source.Name, s.Long), f.TextSha256);
            AddTo(titles, (s.Source.Name, s.Long), f.Title);
        }

        var accuracy = (samples.Count - wrong.Count) / (double)samples.Count;
        output.WriteLine($"Accuracy: {samples.Count - wrong.Count}/{samples.Count} = {accuracy.ToString("P1", CultureInfo.InvariantCulture)}");
        foreach (var w in wrong)
        {
            output.WriteLine("WRONG " + w);
        }

        Assert.Empty(wrong);
        Assert.All(hashes, p => Assert.Single(p.Value));
        Assert.All(titles, p => Assert.Single(p.Value));
    }

    [Fact]
    public void Detect_LegacyCorpusSamples_AreConfident()
    {
        foreach (var s in Corpus.Samples().Where(s => s.Encoding == s.Source.LegacyLabel))
        {
            var d = EncodingDetector.Detect(s.Bytes, isWholeFile: true);
            Assert.True(d.Encoding?.Confidence >= 0.5, $"{s}: confidence {d.Encoding?.Confidence}");
        }
    }

    private static void AddTo<T>(Dictionary<(string, bool), HashSet<T>> map, (string, bool) key, T value)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = [];
        }

        set.Add(value);
    }
}
