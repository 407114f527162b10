using System.Text;
using Ingest.Worker.Tests.Support;
using Xunit.Abstractions;

namespace Ingest.Worker.Tests.Reliability;

public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Scan_HundredsOfHostileFiles_NeverCrashesAndAccountsForEveryFile()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var encodings = new Func<string, byte[]>[] { Encode.Utf8, Encode.Utf8Bom, Encode.Utf16Le, Encode.Utf16Be };
        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            byte[] bytes;
            switch (i % 6)
            {
                case 0:
                    bytes = new byte[random.Next(0, 3000)];
                    random.NextBytes(bytes);
                    break;
                case 1:
                    var utf8 = Encode.Utf8(Texts.Chinese);
                    bytes = utf8[..random.Next(1, utf8.Length)]; // truncated, often mid-character
                    break;
                case 2:
                    bytes = [.. Encode.Utf8(Texts.English), .. Encode.Utf16Le(Texts.Chinese)]; // mixed encodings
                    break;
                case 3:
                    bytes = encodings[random.Next(encodings.Length)](Texts.Chinese + new string('\n', random.Next(3)) + i);
                    break;
                case 4:
                    bytes = Encoding.Latin1.GetBytes("Caf\u00e9 cr\u00e8me " + i);
                    break;
                default:
                    var s = new StringBuilder();
                    for (var k = 0; k < random.Next(1, 400); k++)
                    {
                        s.Append((char)random.Next(1, 0xD7FF));
                    }

                    bytes = Encode.Utf8(s.ToString());
                    break;
            }

            _ws.Put($"fuzz/{i % 5}/f{i}.bin", bytes);
        }

        var summary = await _ws.JsonAsync("scan");
        var stats = await _ws.JsonAsync("stats");
        output.WriteLine($"seed {seed}: {summary.ToJsonString()}");

        Assert.Equal(count, summary.Num("new") + summary.Num("duplicates") + summary.Num("failed"));
        Assert.Equal(count, stats.Num("occurrences") + stats.Num("failures"));
        Assert.Empty(Workspace.FilesBelow(_ws.Drop));
        Assert.Equal(count, new[] { _ws.Processed, _ws.Duplicates, _ws.Failed }.SelectMany(Workspace.FilesBelow).Count());
    }
}
