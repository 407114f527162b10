using BenchmarkDotNet.Running;

namespace Ingest.Benchmarks;

/// <summary>
/// Micro-benchmarks for the hot paths of a scan, with allocations. Not tests: nothing here asserts a time.
/// <c>dotnet run -c Release --project tests/Ingest.Benchmarks -- --filter '*'</c> (add <c>--job short</c> for a quick look);
/// <c>-- search 10000</c> measures indexing speed and search latency in-process; <c>-- --stopwatch 256</c> times the read path of one file;
/// <c>-- merge 1000000</c> times the SHA-256 index merge a scan runs now and then; <c>-- codec DIR [PIECE_BYTES]</c> compares
/// the stored-text codecs on the files of DIR.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args is ["search", ..])
        {
            await SearchLatency.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
            return;
        }

        if (args is ["merge", ..])
        {
            await MergeCost.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
            return;
        }

        if (args is ["codec", var folder, ..])
        {
            CodecComparison.Run(folder, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0);
            return;
        }

        if (args is ["--stopwatch", ..])
        {
            StopwatchHarness.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 256,
                args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
