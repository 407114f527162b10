using System.Buffers;
using System.Text;
using System.Text.Json;
using Ingest.Worker.Output;

namespace Ingest.Worker.Tests.Output;

public sealed class ScanJsonWriterTests
{
    private static readonly string[] Texts =
    [
        "a.txt", "讲话/二〇二五年 工作报告.txt", "日本語のテキスト.txt", "quote\"back\\slash", "<tag>&'amp'", "tab\tnew\nline",
        "\u0001control\u001f", "emoji 😀", "\u2028sep\u2029", "é", "",
    ];

    [Fact]
    public void Write_HandPickedValues_MatchesTheSerializerContextByteForByte()
    {
        AssertSame(new ScanJson(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, null));
        AssertSame(new ScanJson(int.MaxValue, 1, 2, long.MaxValue, 1.234, 3, 4, 5, 6, 7, true, []));
        AssertSame(new ScanJson(1, 0, 0, 4096, 0.1, 0, 0, 0, 0, 0, true,
            [new PlannedJson("讲话.txt", "new", null, new string('a', 64), "/srv/processed/讲话.txt"), new PlannedJson("x", "fail", "not text", null, null)]));
    }

    [Fact]
    public void Write_RandomValues_MatchesTheSerializerContextByteForByte()
    {
        var random = new Random(20261123);
        for (var i = 0; i < 500; i++)
        {
            List<PlannedJson>? planned = random.Next(3) == 0 ? null : [];
            for (var p = random.Next(4); planned is not null && p > 0; p--)
            {
                planned.Add(new PlannedJson(Pick(random)!, Pick(random)!, Pick(random), Pick(random), Pick(random)));
            }

            var elapsed = random.Next(4) switch
            {
                0 => Math.Round(random.NextDouble() * 1000, 3),
                1 => random.NextDouble() * Math.Pow(10, random.Next(-9, 9)),
                2 => random.Next(),
                _ => 0.001 * random.Next(1000),
            };
            AssertSame(new ScanJson(random.Next(), random.Next(), random.Next(), random.NextInt64(), elapsed, random.Next(), random.Next(),
                random.Next(), random.Next(), random.Next(), random.Next(2) == 0, planned));
        }
    }

    private static string? Pick(Random random) => random.Next(5) == 0 ? null : Texts[random.Next(Texts.Length)] + Texts[random.Next(Texts.Length)];

    private static void AssertSame(ScanJson value)
    {
        var expected = JsonSerializer.Serialize(value, JsonOutput.Context.ScanJson);
        var buffer = new ArrayBufferWriter<byte>();
        ScanJsonWriter.Write(buffer, value);
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
