using System.Diagnostics;
using Ingest.Metadata;
using Ingest.Reading;
using Ingest.Scanning;

namespace Ingest.Benchmarks;

/// <summary>
/// A quick in-process look at the read path on a large file, without BenchmarkDotNet's long runs:
/// <c>dotnet run -c Release --project tests/Ingest.Benchmarks -- --stopwatch [MiB] [captureBytes]</c>.
/// Prints the whole analysis and its parts (byte hash, metrics pass) in MB/s; numbers only, nothing asserted.
/// </summary>
internal static class StopwatchHarness
{
    public static void Run(int mebibytes, int captureBytes)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ingest-sw-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, "big.txt");
            var bytes = CjkText.Utf8(mebibytes << 20, seed: 5);
            File.WriteAllBytes(path, bytes);
            var text = System.Text.Encoding.UTF8.GetString(bytes).ToCharArray();
            var mb = bytes.Length / 1e6;
            for (var round = 0; round < 3; round++)
            {
                var sw = Stopwatch.StartNew();
                var info = new FileInfo(path);
                var a = FileAnalyzer.Analyze(new ScanCandidate(path, "big.txt", info.Length, info.LastWriteTimeUtc, false), null, CancellationToken.None, captureBytes);
                var analyze = sw.Elapsed.TotalSeconds;

                sw.Restart();
                _ = System.Security.Cryptography.SHA256.HashData(bytes);
                var sha = sw.Elapsed.TotalSeconds;

                sw.Restart();
                using (var builder = new TextMetricsBuilder(captureBytes))
                {
                    const int chunk = FileAnalyzer.BufferSize / 3;
                    for (var i = 0; i < text.Length; i += chunk)
                    {
                        builder.Append(text.AsSpan(i, Math.Min(chunk, text.Length - i)));
                    }

                    builder.Complete();
                }

                var metrics = sw.Elapsed.TotalSeconds;

                // The metrics pass as the analyzer runs it on BOM-free UTF-8 (raw mode: no text re-encode or hash).
                sw.Restart();
                using (var builder = new TextMetricsBuilder(captureBytes))
                {
                    builder.UseRawUtf8AsText((_, _) => throw new InvalidOperationException("raw mode ended"));
                    const int chunk = FileAnalyzer.BufferSize / 3;
                    for (var i = 0; i < text.Length; i += chunk)
                    {
                        builder.Append(text.AsSpan(i, Math.Min(chunk, text.Length - i)));
                    }

                    builder.Complete(new byte[32]);
                }

                var raw = sw.Elapsed.TotalSeconds;

                sw.Restart();
                var decoder = new System.Text.UTF8Encoding(false, true).GetDecoder();
                var chars = new char[FileAnalyzer.BufferSize + 1];
                for (var i = 0; i < bytes.Length; i += FileAnalyzer.BufferSize)
                {
                    decoder.GetChars(bytes.AsSpan(i, Math.Min(FileAnalyzer.BufferSize, bytes.Length - i)), chars, flush: false);
                }

                var decode = sw.Elapsed.TotalSeconds;

                // The metrics pass as the analyzer now runs it on BOM-free UTF-8: simple lines counted from the bytes.
                sw.Restart();
                using (var builder = new TextMetricsBuilder(captureBytes))
                {
                    builder.UseRawUtf8AsText((_, _) => throw new InvalidOperationException("raw mode ended"));
                    var utf8Decoder = new System.Text.UTF8Encoding(false, true).GetDecoder();
                    for (var i = 0; i < bytes.Length; i += FileAnalyzer.BufferSize)
                    {
                        var length = Math.Min(FileAnalyzer.BufferSize, bytes.Length - i);
                        builder.AppendUtf8(bytes.AsSpan(i, length), utf8Decoder, flush: length < FileAnalyzer.BufferSize, chars);
                    }

                    builder.Complete(new byte[32]);
                }

                var fromBytes = sw.Elapsed.TotalSeconds;

                // The search capture's fixed costs: compression of the captured text, and the fingerprint alone.
                var head = bytes.AsSpan(0, Math.Min(captureBytes, bytes.Length));
                sw.Restart();
                _ = Ingest.Search.TextCompression.Compress(head);
                var compress = sw.Elapsed.TotalSeconds;
                sw.Restart();
                var fingerprint = new Ingest.Search.FingerprintBuilder();
                fingerprint.Append(text.AsSpan(0, Math.Min(text.Length, captureBytes / 3)));
                fingerprint.Build();
                var fingerprintTime = sw.Elapsed.TotalSeconds;
                Console.WriteLine($"{mb:F0} MB: analyze {mb / analyze:F0} MB/s ({analyze:F3} s, {a.Kind}), sha256 {mb / sha:F0} MB/s, "
                    + $"metrics {mb / metrics:F0} MB/s, metrics in raw mode {mb / raw:F0} MB/s, decode {mb / decode:F0} MB/s, "
                    + $"metrics from UTF-8 bytes {mb / fromBytes:F0} MB/s; "
                    + $"capture of {captureBytes} bytes: compress {compress:F3} s, fingerprint {fingerprintTime:F3} s");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
