using FsCheck;
using FsCheck.Fluent;
using Ingest.Decoding;
using Ingest.Reading;

using Ingest.Tests.Support;

namespace Ingest.Tests.Decoding;

public sealed class EncodingDetectorPropertyTests
{
    private static readonly string[] Labels =
        ["utf-8", "utf-16le", "utf-16be", "utf-32le", "utf-32be", "gb18030", "big5", "shift_jis", "euc-kr", "windows-1252"];

    private static readonly string[] Reasons =
        [EncodingDetector.EmptyFile, EncodingDetector.BinaryContent, EncodingDetector.Undecodable, EncodingDetector.TooLarge];

    private static bool IsCleanOutcome(Detection d) =>
        d.Encoding is { } e
            ? d.FailureReason is null && Labels.Contains(e.Label) && e.Confidence is >= 0 and <= 1
            : d.FailureReason is { } r && Reasons.Any(x => r == x || r.StartsWith(x + ":", StringComparison.Ordinal));

    [Fact]
    public void Detect_RandomBytes_NeverThrowsAndEndsInALabelOrAFailureReason()
    {
        Prop.ForAll<byte[], bool>((bytes, whole) => IsCleanOutcome(EncodingDetector.Detect(bytes ?? [], whole)))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Detect_RandomHighBytesWithoutNul_NeverThrowsAndEndsInALabelOrAFailureReason()
    {
        // Mostly bytes 0x80–0xFF: the territory where the legacy candidates disagree.
        var gen = Gen.Choose(0x20, 0xFF).Select(i => (byte)i).ArrayOf();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(gen.ToArbitrary(), bytes => IsCleanOutcome(EncodingDetector.Detect(bytes, true))));
    }

    [Fact]
    public void Analyze_RandomFiles_EndInADocumentOrARejection()
    {
        using var folder = new TempFolder();
        var n = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll<byte[]>(bytes =>
        {
            var path = folder.Write($"{n++}.bin", bytes ?? []);
            var a = FileAnalyzer.AnalyzePath(path, path, null, CancellationToken.None);
            return a.Kind == AnalysisKind.Document
                ? Labels.Contains(a.Facts!.Encoding) && a.Facts.TextSha256.Length == 64
                : a.Kind == AnalysisKind.Rejected && Reasons.Any(x => a.Reason!.StartsWith(x, StringComparison.Ordinal));
        }));
    }
}
