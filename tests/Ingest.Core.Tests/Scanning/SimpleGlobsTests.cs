using FsCheck;
using FsCheck.Fluent;
using Ingest.Configuration;
using Ingest.Scanning;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Ingest.Tests.Scanning;

public sealed class SimpleGlobsTests
{
    // Names on the edges of the supported shapes: dots, the default excludes, case, CJK, a literal star. (Never "." or
    // "..": enumeration does not produce them.)
    private static readonly string[] Names =
    [
        "a", "abc", "a.txt", "A.TXT", ".x", "..x", ".tmp", "x.tmp", "x.TMP", "x.tmp.txt", "tmp", "~$a", "~$", "~", "$a",
        "b.part", "c.crdownload", "讲话", "讲话.txt", "a*c", "ac", "abcabc", ".git", "config",
    ];

    private static readonly string[] Segments =
    [
        "*", ".*", "*.tmp", "*.txt", "~$*", "a*", "*c", "a*c", "abc", "x.tmp", "讲*", "*.TMP", ".git", "config", "*.part",
    ];

    private static Gen<string> PathGen =>
        from depth in Gen.Choose(1, 4)
        from parts in Gen.ArrayOf(Gen.Elements(Names), depth)
        select string.Join('/', parts);

    private static Gen<string> PatternGen =>
        from shape in Gen.Choose(0, 2)
        from segment in Gen.Elements(Segments)
        select shape switch { 0 => "**/" + segment, 1 => "**/" + segment + "/**", _ => segment };

    [Fact]
    public void IsMatch_SupportedShapes_AgreesWithFileSystemGlobbing()
    {
        var gen = from include in Gen.Choose(1, 2).SelectMany(n => Gen.ArrayOf(PatternGen, n))
                  from exclude in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(PatternGen, n))
                  from paths in Gen.Choose(1, 30).SelectMany(n => Gen.ArrayOf(PathGen, n))
                  from ignoreCase in Gen.Elements(false, true)
                  select (include, exclude, paths, ignoreCase);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var comparison = t.ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var simple = SimpleGlobs.TryCreate(t.include, t.exclude, comparison);
            Assert.NotNull(simple);
            foreach (var path in t.paths.Distinct(StringComparer.Ordinal))
            {
                var expected = ReferenceMatch(t.include, t.exclude, comparison, path);
                Assert.True(expected == simple.IsMatch(path),
                    $"'{path}' with include [{string.Join(", ", t.include)}] exclude [{string.Join(", ", t.exclude)}] ({comparison}): FileSystemGlobbing says {expected}");
            }
        }));
    }

    [Fact]
    public void IsMatch_Defaults_KeepTextAndSkipHiddenAndTemporaryNames()
    {
        var simple = SimpleGlobs.TryCreate(IngestOptions.DefaultInclude, IngestOptions.DefaultExclude, StringComparison.Ordinal);

        Assert.NotNull(simple);
        Assert.True(simple.IsMatch("讲话.txt"));
        Assert.True(simple.IsMatch("sub/deep/a.txt"));
        Assert.False(simple.IsMatch(".hidden"));
        Assert.False(simple.IsMatch("sub/.cache/a.txt"));
        Assert.False(simple.IsMatch("sub/a.tmp"));
        Assert.False(simple.IsMatch("~$a.docx"));
    }

    [Theory]
    [InlineData("src/**/*.txt")]
    [InlineData("**/a*b*c")]
    [InlineData("**/*.{txt,md}/**/x")]
    [InlineData("/abs")]
    [InlineData("a\\b")]
    [InlineData("**/**/*.txt")]
    public void TryCreate_OtherShapes_LeavesThemToFileSystemGlobbing(string pattern)
    {
        Assert.Null(SimpleGlobs.TryCreate([pattern], [], StringComparison.Ordinal));
        Assert.Null(SimpleGlobs.TryCreate(["**/*"], [pattern], StringComparison.Ordinal));
    }

    [Fact]
    public void CanMatch_PathWithBackslash_IsLeftToFileSystemGlobbing()
    {
        Assert.False(SimpleGlobs.CanMatch(@"a\b.txt"));
        Assert.True(SimpleGlobs.CanMatch("a/b.txt"));
    }

    private static bool ReferenceMatch(string[] include, string[] exclude, StringComparison comparison, string path)
    {
        var matcher = new Matcher(comparison);
        matcher.AddIncludePatterns(include);
        matcher.AddExcludePatterns(exclude);
        return matcher.Match("/root", [path]).HasMatches;
    }
}
