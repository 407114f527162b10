using Ingest.Metadata;

namespace Ingest.Tests.Metadata;

internal static class Metrics
{
    /// <summary>Computes the metrics of <paramref name="text"/>, fed whole and one character at a time; both must agree.</summary>
    public static TextMetrics Of(string text)
    {
        TextMetrics whole;
        using (var b = new TextMetricsBuilder())
        {
            b.Append(text);
            whole = b.Complete();
        }

        using (var b = new TextMetricsBuilder())
        {
            foreach (var c in text)
            {
                b.Append([c]);
            }

            var streamed = b.Complete();
            Assert.Equal(whole with { Outline = [] }, streamed with { Outline = [] });
            Assert.Equal(whole.Outline, streamed.Outline);
        }

        return whole;
    }
}
