using BenchmarkDotNet.Attributes;
using Ingest.Search;

namespace Ingest.Benchmarks;

/// <summary>
/// The near-duplicate index of scenario d: a million recorded SimHashes (random, as different documents are), loaded as
/// from the catalog's log, then the lookups of 10,000 new documents (each a miss, as new documents mostly are).
/// </summary>
[MemoryDiagnoser]
public class SimHashIndexBenchmarks
{
    private const int Recorded = 1_000_000;
    private byte[] _log = [];
    private ulong[] _probes = [];
    private SimHashIndex _index = new();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _log = new byte[Recorded * SimHashIndex.EntrySize];
        for (var i = 0; i < Recorded; i++)
        {
            SimHashIndex.WriteEntry(_log.AsSpan(i * SimHashIndex.EntrySize), i + 1, (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40));
        }

        _probes = [.. Enumerable.Range(0, 10_000).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40))];
        _index = Load();
    }

    [Benchmark]
    public int LoadAMillion() => Load().Count;

    [Benchmark]
    public int LookUpTenThousand()
    {
        var found = 0;
        foreach (var probe in _probes)
        {
            found += _index.Within(probe, 3).Count;
        }

        return found;
    }

    private SimHashIndex Load()
    {
        var index = new SimHashIndex();
        index.Reserve(Recorded);
        index.AddEntries(_log);
        index.MarkLoaded();
        return index;
    }
}
