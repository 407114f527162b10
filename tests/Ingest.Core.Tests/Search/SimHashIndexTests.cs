using FsCheck;
using FsCheck.Fluent;
using Ingest.Search;

namespace Ingest.Tests.Search;

public sealed class SimHashIndexTests
{
    /// <summary>SimHashes in clusters (a base and copies with a few bits flipped), so that near neighbours exist.</summary>
    private static ulong[] Clustered(int seed, int clusters, int perCluster)
    {
        var random = new Random(seed);
        var list = new List<ulong>();
        for (var c = 0; c < clusters; c++)
        {
            var center = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            for (var k = 0; k < perCluster; k++)
            {
                var h = center;
                for (var flips = random.Next(6); flips > 0; flips--)
                {
                    h ^= 1UL << random.Next(64);
                }

                list.Add(h);
            }
        }

        return [.. list.OrderBy(_ => random.Next())];
    }

    /// <summary>Within gives exactly what a scan of every recorded document gives, each once (throws for FsCheck).</summary>
    private static void AssertWithinMatchesBruteForce(
        SimHashIndex index, List<(long Id, ulong SimHash)> recorded, ulong probe, int maxDistance, long exclude, string context)
    {
        var expected = recorded.Select(r => (r.Id, r.SimHash, Distance: Fingerprint.Distance(probe, r.SimHash)))
            .Where(c => c.Distance <= maxDistance && c.Id != exclude).OrderBy(c => c.Id).ToList();
        var actual = index.Within(probe, maxDistance, exclude).OrderBy(c => c.Id).ToList();
        if (!expected.SequenceEqual(actual))
        {
            throw new InvalidOperationException($"{context}probe {probe:x16}: expected {expected.Count}, got {actual.Count}");
        }
    }

    [Fact]
    public void Within_FindsExactlyTheDocumentsABruteForceScanFinds_EachOnce()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            Gen.Choose(0, 3).ToArbitrary(),
            (int seed, int maxDistance) =>
            {
                var hashes = Clustered(seed, clusters: 20, perCluster: 8);
                var index = new SimHashIndex();
                for (var i = 0; i < hashes.Length; i++)
                {
                    index.Add(i + 1, hashes[i]);
                }

                var recorded = hashes.Select((h, i) => ((long)i + 1, h)).ToList();
                foreach (var (self, probe) in recorded)
                {
                    AssertWithinMatchesBruteForce(index, recorded, probe, maxDistance, self, "");
                }
            }));
    }

    [Fact]
    public void Within_AfterALoadAndMoreAddsThanSortAfter_FindsExactlyWhatABruteForceScanFinds()
    {
        // A loaded part (grouped by band), documents added one by one after it (chained, then grouped again once they
        // pass 4,096), and a lookup at each stage; ids skip some values, as deleted documents leave gaps.
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(12), Prop.ForAll(
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            Gen.Choose(0, 6000).ToArbitrary(),
            (int seed, int loaded) =>
            {
                var hashes = Clustered(seed, clusters: 1500, perCluster: 8);
                var ids = new long[hashes.Length];
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = (i == 0 ? 0 : ids[i - 1]) + 1 + (i % 7 == 0 ? 3 : 0);
                }

                var index = new SimHashIndex();
                var row = new byte[loaded * SimHashIndex.EntrySize];
                for (var i = 0; i < loaded; i++)
                {
                    SimHashIndex.WriteEntry(row.AsSpan(i * SimHashIndex.EntrySize), ids[i], hashes[i]);
                }

                index.Reserve(loaded);
                index.AddEntries(row);
                index.MarkLoaded();
                var random = new Random(seed);
                for (var n = loaded; n <= hashes.Length; n++)
                {
                    if (n == loaded || n == hashes.Length || n % 997 == 0)
                    {
                        var recorded = Enumerable.Range(0, n).Select(i => (ids[i], hashes[i])).ToList();
                        for (var probes = 0; probes < 25; probes++)
                        {
                            var probe = hashes[random.Next(hashes.Length)] ^ (1UL << random.Next(64));
                            AssertWithinMatchesBruteForce(index, recorded, probe, 3, exclude: 0, $"{n} documents ({loaded} loaded), ");
                        }
                    }

                    if (n < hashes.Length)
                    {
                        index.Add(ids[n], hashes[n]);
                    }
                }

                if (index.Count != hashes.Length)
                {
                    throw new InvalidOperationException($"count {index.Count}, expected {hashes.Length}");
                }
            }));
    }

    [Fact]
    public void Within_AfterALoadLargeEnoughToSortTheBandsInParallel_FindsExactlyWhatABruteForceScanFinds()
    {
        var hashes = Clustered(seed: 7, clusters: 9000, perCluster: 8); // 72,000: past the parallel sort's minimum
        var row = new byte[hashes.Length * SimHashIndex.EntrySize];
        for (var i = 0; i < hashes.Length; i++)
        {
            SimHashIndex.WriteEntry(row.AsSpan(i * SimHashIndex.EntrySize), i + 1, hashes[i]);
        }

        var index = new SimHashIndex();
        index.Reserve(hashes.Length);
        index.AddEntries(row);
        index.MarkLoaded();

        var recorded = hashes.Select((h, i) => ((long)i + 1, h)).ToList();
        var random = new Random(7);
        for (var probes = 0; probes < 200; probes++)
        {
            var probe = hashes[random.Next(hashes.Length)] ^ (1UL << random.Next(64));
            AssertWithinMatchesBruteForce(index, recorded, probe, 3, exclude: 0, "");
        }

        Assert.Equal(hashes.Length, index.Count);
    }

    [Fact]
    public void Add_AnIdNotAboveTheNewest_IsIgnored()
    {
        var index = new SimHashIndex();
        index.Add(5, 0xABCD);
        index.Add(5, 0xABCD);
        index.Add(3, 0x1234);

        Assert.Equal(1, index.Count);
        Assert.Equal(5, index.MaxDocumentId);
        Assert.Empty(index.Within(0x1234, 3));
        Assert.Equal((5L, 0xABCDUL, 0), Assert.Single(index.Within(0xABCD, 0)));
    }

    [Fact]
    public void Clear_ForgetsEveryDocument_AndTheIndexFillsAgain()
    {
        var index = new SimHashIndex();
        for (var i = 1; i <= 3000; i++)
        {
            index.Add(i, unchecked((ulong)i * 0x9E3779B97F4A7C15UL));
        }

        index.MarkLoaded(); // 3,000 chained; the next adds pass 4,096 and are grouped by band
        for (var i = 3001; i <= 9000; i++)
        {
            index.Add(i, unchecked((ulong)i * 0x9E3779B97F4A7C15UL));
        }

        Assert.Equal(9000, Assert.Single(index.Within(unchecked(9000 * 0x9E3779B97F4A7C15UL), 0)).Id);
        index.Clear();

        Assert.False(index.IsLoaded);
        Assert.Equal(0, index.Count);
        Assert.Equal(0, index.MaxDocumentId);
        Assert.Empty(index.Within(unchecked(2 * 0x9E3779B97F4A7C15UL), 3));
        index.Add(1, 42);
        Assert.Equal(1, Assert.Single(index.Within(43, 1)).Id);
    }
}
