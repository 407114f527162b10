using BenchmarkDotNet.Running;

namespace Ingest.Benchmarks;

/// <summary>
/// Micro-benchmarks for the hot paths of a scan, with allocations. Not tests: nothing here asserts a time.
/// <c>dotnet run -c Release --project tests/Ingest.Benchmarks -- --filter '*'</c> (add <c>--job short</c> for a quick look).
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
