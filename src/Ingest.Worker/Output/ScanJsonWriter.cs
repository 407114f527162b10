using System.Buffers;
using System.Text.Json;

namespace Ingest.Worker.Output;

/// <summary>
/// Writes <c>scan --json</c> with <see cref="Utf8JsonWriter"/> directly. <c>scan</c> is the command scripts and
/// timers run over and over, often on a quiet folder, and building System.Text.Json's metadata for
/// <see cref="ScanJson"/> took about 20 ms of a 0.2 s run (most of it compiling generic code at start-up). The
/// output is byte for byte what <see cref="JsonOutput.Context"/> writes; a test compares the two.
/// </summary>
internal static class ScanJsonWriter
{
    public static void Write(IBufferWriter<byte> output, ScanJson value)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JsonOutput.Context.Options.Encoder });
        w.WriteStartObject();
        w.WriteNumber("new", value.New);
        w.WriteNumber("duplicates", value.Duplicates);
        w.WriteNumber("failed", value.Failed);
        w.WriteNumber("bytes", value.Bytes);
        w.WriteNumber("elapsed", value.Elapsed);
        w.WriteNumber("notReady", value.NotReady);
        w.WriteNumber("skipped", value.Skipped);
        w.WriteNumber("reconciled", value.Reconciled);
        w.WriteNumber("backedOff", value.BackedOff);
        w.WriteNumber("disposalErrors", value.DisposalErrors);
        w.WriteBoolean("dryRun", value.DryRun);
        if (value.Planned is null)
        {
            w.WriteNull("planned");
        }
        else
        {
            w.WriteStartArray("planned");
            foreach (var p in value.Planned)
            {
                w.WriteStartObject();
                w.WriteString("path", p.Path);
                w.WriteString("action", p.Action);
                w.WriteString("reason", p.Reason);
                w.WriteString("sha256", p.Sha256);
                w.WriteString("destination", p.Destination);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>Writes the value and a newline to stdout.</summary>
    public static async Task WriteToStdoutAsync(ScanJson value, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(buffer, value);
        buffer.Write("\n"u8);
        await using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(buffer.WrittenMemory, ct);
    }
}
