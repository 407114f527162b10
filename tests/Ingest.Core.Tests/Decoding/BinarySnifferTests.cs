using FsCheck;
using FsCheck.Fluent;
using Ingest.Decoding;

namespace Ingest.Tests.Decoding;

public sealed class BinarySnifferTests
{
    [Fact]
    public void TooManyControls_AgreesWithACountOfEveryCharacter()
    {
        // Bytes mostly text, with control bytes at a varying rate around the 5% threshold.
        var gen = from length in Gen.Choose(1, 3000)
                  from rate in Gen.Choose(0, 12)
                  from seed in Gen.Choose(0, int.MaxValue)
                  select (length, rate, seed);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var random = new Random(t.seed);
            var bytes = Enumerable.Range(0, t.length)
                .Select(_ => random.Next(100) < t.rate ? (byte)random.Next(0, 0x20) : (byte)random.Next(0x20, 0x100))
                .ToArray();
            var chars = bytes.Select(b => (char)b).ToArray();
            var controls = bytes.Count(b => BinarySniffer.IsControl(b));
            var expected = controls > bytes.Length * BinarySniffer.MaxControlShare;
            Assert.Equal(expected, BinarySniffer.TooManyControlBytes(bytes));
            Assert.Equal(expected, BinarySniffer.TooManyControlChars(chars));
        }));
    }
}
