using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Ingest.Catalog;

namespace Ingest.Tests.Catalog;

public sealed class Sha256FilterTests
{
    private static string Hash(int n) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(n)));

    [Fact]
    public void MayContain_EveryAddedHash_IsTrue()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(50), Prop.ForAll(
            Gen.Choose(0, 5000).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (int count, int seed) =>
            {
                var hashes = Enumerable.Range(seed % 1_000_000, count).Select(Hash).ToList();
                var filter = Sha256Filter.Create(count);
                hashes.ForEach(filter.Add);
                var reloaded = Sha256Filter.FromBytes(filter.ToBytes())!;
                var missing = hashes.FirstOrDefault(h => !filter.MayContain(h) || !reloaded.MayContain(h));
                if (missing is not null)
                {
                    throw new InvalidOperationException($"{missing} added but ruled out ({count} hashes)");
                }
            }));
    }

    [Fact]
    public void AddUtf8_SameHashesAsText_BuildsTheSameFilter()
    {
        var (fromText, fromUtf8) = (Sha256Filter.Create(3000), Sha256Filter.Create(3000));
        foreach (var hash in Enumerable.Range(0, 3000).Select(Hash).Append("not a hash").Append(Hash(1).ToUpperInvariant()))
        {
            fromText.Add(hash);
            fromUtf8.AddUtf8(System.Text.Encoding.UTF8.GetBytes(hash));
        }

        Assert.Equal(fromText.ToBytes(), fromUtf8.ToBytes());
    }

    [Fact]
    public void MayContain_HashesNeverAdded_IsRarelyTrue()
    {
        var filter = Sha256Filter.Create(20_000);
        foreach (var n in Enumerable.Range(0, 20_000))
        {
            filter.Add(Hash(n));
        }

        var falsePositives = Enumerable.Range(1_000_000, 100_000).Count(n => filter.MayContain(Hash(n)));
        Assert.InRange(falsePositives, 0, 200); // 16-32 bits and 8 probes per hash: about 1 in 2,000 or fewer
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("zz3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void MayContain_NotAHash_IsTrueSoItIsLookedUp(string value)
    {
        var filter = Sha256Filter.Create(10);
        filter.Add(value);
        Assert.True(filter.MayContain(value));
    }

    [Fact]
    public void FromBytes_AnythingButAFilter_IsNull()
    {
        var valid = Sha256Filter.Create(100).ToBytes();
        Assert.NotNull(Sha256Filter.FromBytes(valid));
        Assert.Null(Sha256Filter.FromBytes([]));
        Assert.Null(Sha256Filter.FromBytes(valid.AsSpan(0, valid.Length - 8)));
        Assert.Null(Sha256Filter.FromBytes([2, .. valid.AsSpan(1)]));
        Assert.Null(Sha256Filter.FromBytes(valid.AsSpan(0, 5)));
    }
}
