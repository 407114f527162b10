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
        var index = Loaded(hashes);

        var recorded = hashes.Select((h, i) => ((long)i + 1, h)).ToList();
        var random = new Random(7);
        for (var probes = 0; probes < 200; probes++)
        {
            var probe = hashes[random.Next(hashes.Length)] ^ (1UL << random.Next(64));
            AssertWithinMatchesBruteForce(index, recorded, probe, 3, exclude: 0, "");
        }

        Assert.Equal(hashes.Length, index.Count);
    }

    /// <summary>An index loaded from one log row of <paramref name="hashes"/> (ids 1, 2, ...), grouped by band.</summary>
    private static SimHashIndex Loaded(ulong[] hashes)
    {
        var row = new byte[hashes.Length * SimHashIndex.EntrySize];
        for (var i = 0; i < hashes.Length; i++)
        {
            SimHashIndex.WriteEntry(row.AsSpan(i * SimHashIndex.EntrySize), i + 1, hashes[i]);
        }

        var index = new SimHashIndex();
        index.Reserve(hashes.Length);
        index.AddEntries(row);
        index.SeenLogRow(1);
        index.MarkLoaded();
        return index;
    }

    [Fact]
    public void Snapshot_MappedByANewIndex_FindsExactlyWhatABruteForceScanFinds_ThroughMoreAddsAndASort()
    {
        using var temp = new Support.TempFolder();
        var path = temp.Combine("ingest.db-simhash");
        var hashes = Clustered(seed: 11, clusters: 1300, perCluster: 8); // 10,400: the tail passes 4,096 and is sorted in
        var saved = Loaded(hashes[..5000]);
        Assert.True(saved.SaveSnapshotIfDue(path, minDocuments: 1000));
        Assert.False(saved.SaveSnapshotIfDue(path, minDocuments: 1000)); // nothing new since

        var snapshot = SimHashIndex.OpenSnapshot(path);
        Assert.NotNull(snapshot);
        Assert.Equal((5000, 5000L, 1L), (snapshot.Count, snapshot.MaxDocumentId, snapshot.LastLogRow));
        var index = new SimHashIndex();
        Assert.True(index.TryLoad(snapshot));
        index.MarkLoaded(); // as a catalog does once it has read the log rows after the snapshot's
        Assert.Equal((5000, 5000, 5000L), (index.SnapshotCount, index.Count, index.MaxDocumentId));

        // From the snapshot alone, with a chained tail, and once the tail passes an eighth and everything is grouped again
        // in this process's own memory.
        var random = new Random(11);
        for (var n = 5000; n <= hashes.Length; n++)
        {
            if (n is 5000 or 5400 || n == hashes.Length)
            {
                var recorded = Enumerable.Range(0, n).Select(i => ((long)i + 1, hashes[i])).ToList();
                for (var probes = 0; probes < 200; probes++)
                {
                    var probe = hashes[random.Next(n)] ^ (1UL << random.Next(64));
                    AssertWithinMatchesBruteForce(index, recorded, probe, 3, exclude: 0, $"{n} documents, ");
                }
            }

            if (n < hashes.Length)
            {
                index.Add(n + 1, hashes[n]);
            }
        }

        Assert.Equal(0, index.SnapshotCount); // sorted again: the mapping is let go
        Assert.True(index.SaveSnapshotIfDue(path, minDocuments: 1000));
        using var again = SimHashIndex.OpenSnapshot(path);
        Assert.Equal(5000 + 4097, again!.Count); // the grouped part; the 1,303 added since are chained
    }

    [Fact]
    public void SaveSnapshotIfDue_BelowTheMinimumOrMappedAlready_WritesNothing()
    {
        using var temp = new Support.TempFolder();
        var path = temp.Combine("ingest.db-simhash");
        var chained = Loaded(Clustered(seed: 5, clusters: 500, perCluster: 8)); // 4,000: chained, not grouped yet
        Assert.False(chained.SaveSnapshotIfDue(path, minDocuments: 1));
        var index = Loaded(Clustered(seed: 5, clusters: 600, perCluster: 8)); // 4,800: grouped
        Assert.False(index.SaveSnapshotIfDue(path, minDocuments: 4801));
        Assert.False(File.Exists(path));

        Assert.True(index.SaveSnapshotIfDue(path, minDocuments: 4800));
        var mapped = new SimHashIndex();
        Assert.True(mapped.TryLoad(SimHashIndex.OpenSnapshot(path)!));
        mapped.Add(4801, 42); // chained: the snapshot still holds every grouped document
        Assert.False(mapped.SaveSnapshotIfDue(path, minDocuments: 1));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Fact]
    public void SaveSnapshotIfDue_WhenTheFileCannotBeWritten_Throws_AndDoesNotTryAgainUntilTheIndexIsGroupedAgain()
    {
        using var temp = new Support.TempFolder();
        var index = Loaded(Clustered(seed: 6, clusters: 600, perCluster: 8));
        var path = temp.Combine("no-such-folder", "ingest.db-simhash");
        Assert.ThrowsAny<IOException>(() => index.SaveSnapshotIfDue(path, minDocuments: 1));
        Assert.False(index.SaveSnapshotIfDue(path, minDocuments: 1));
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("truncated")]
    [InlineData("magic")]
    [InlineData("version")]
    [InlineData("count")]
    [InlineData("newest id")]
    [InlineData("group bounds out of order")]
    [InlineData("group bounds past the end")]
    public void OpenSnapshot_DamagedFile_IsNotUsed(string damage)
    {
        using var temp = new Support.TempFolder();
        var path = temp.Combine("ingest.db-simhash");
        Assert.True(Loaded(Clustered(seed: 3, clusters: 600, perCluster: 8)).SaveSnapshotIfDue(path, minDocuments: 1));
        using (var intact = SimHashIndex.OpenSnapshot(path))
        {
            Assert.NotNull(intact);
        }

        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "missing":
                File.Delete(path);
                break;
            case "truncated":
                File.WriteAllBytes(path, bytes[..^1]);
                break;
            default:
                Damage(bytes, damage);
                File.WriteAllBytes(path, bytes);
                break;
        }

        Assert.Null(SimHashIndex.OpenSnapshot(path));
    }

    /// <summary>Changes one field of a snapshot's bytes in place.</summary>
    private static void Damage(byte[] bytes, string damage)
    {
        const int Starts = 4096 + (16 * 4800); // header, then 4,800 ids and SimHashes, then each band's group bounds
        switch (damage)
        {
            case "magic":
                bytes[0] ^= 1;
                break;
            case "version":
                bytes[8] = 2;
                break;
            case "count":
                bytes[16] ^= 1;
                break;
            case "newest id":
                bytes[24] ^= 1;
                break;
            case "group bounds out of order":
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(Starts + (4 * 100)), 4799);
                break;
            default:
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(Starts + (4 * 65536)), 4801);
                break;
        }
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
