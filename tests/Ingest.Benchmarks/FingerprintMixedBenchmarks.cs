using System.Text;
using BenchmarkDotNet.Attributes;

namespace Ingest.Benchmarks;

/// <summary>
/// <see cref="FingerprintBenchmarks"/> on Chinese text with about one character outside the plain set per 2 KB (·, ﹐,
/// ∶, …, the ideographic space), as real speeches have: before the plain runs were cut out, one such character sent the
/// whole text through ICU.
/// </summary>
public class FingerprintMixedBenchmarks : FingerprintBenchmarkBase
{
    private static readonly string[] Sentences =
    [
        "我们要坚持把发展作为第一要务，推动经济持续健康发展。",
        "各地区各部门要认真落实会议精神，切实把工作做细做实。",
        "这些年来，城乡面貌发生了很大变化，人民生活水平不断提高。\n",
        "教育是国之大计，我们必须办好人民满意的教育。",
        "科技创新是提高社会生产力的战略支撑，要加快建设创新型国家。\n",
        "保护生态环境就是保护生产力，改善生态环境就是发展生产力。",
        "我们要扎实做好就业、医疗、住房等民生工作，让群众有更多获得感。",
    ];

    private static readonly string[] Rare = ["·", "﹐", "∶", "…", "\u3000"];

    [Params(4 * 1024, 20 * 1024)]
    public int Utf8Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(8);
        var text = new StringBuilder();
        var (bytes, nextRare, rare) = (0, 2048, 0);
        while (bytes < Utf8Bytes)
        {
            var sentence = Sentences[random.Next(Sentences.Length)];
            text.Append(sentence);
            bytes += Encoding.UTF8.GetByteCount(sentence);
            if (bytes >= nextRare)
            {
                text.Insert(text.Length - sentence.Length / 2, Rare[rare++ % Rare.Length]);
                nextRare += 2048;
            }
        }

        Use(text.ToString());
    }
}
