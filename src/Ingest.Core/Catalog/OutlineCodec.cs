using System.Buffers;
using System.Text.Json;
using Ingest.Metadata;

namespace Ingest.Catalog;

/// <summary>Stores an outline as JSON text in one column: <c>[{"level":1,"text":"一、…","line":3}, …]</c>.</summary>
internal static class OutlineCodec
{
    public static string Encode(IReadOnlyList<OutlineEntry> outline)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var e in outline)
            {
                w.WriteStartObject();
                w.WriteNumber("level", e.Level);
                w.WriteString("text", e.Text);
                w.WriteNumber("line", e.Line);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyList<OutlineEntry> Decode(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<OutlineEntry>(doc.RootElement.GetArrayLength());
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            list.Add(new OutlineEntry(e.GetProperty("level").GetInt32(), e.GetProperty("text").GetString() ?? "", e.GetProperty("line").GetInt64()));
        }

        return list;
    }
}
