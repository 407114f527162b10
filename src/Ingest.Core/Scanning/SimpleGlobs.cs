namespace Ingest.Scanning;

/// <summary>
/// The glob shapes nearly every configuration uses, the defaults among them, matched on the relative path itself:
/// <c>**/SEG</c> (the file name), <c>**/SEG/**</c> (a folder on the way) and <c>SEG</c> (at the top), where
/// SEG is a literal with at most one <c>*</c>. FileSystemGlobbing builds a folder tree of every path it matches,
/// which costs about 2 µs per file, a fifth of a re-scan of a quiet folder. Any other shape uses FileSystemGlobbing;
/// a property test checks that both agree on these shapes.
/// </summary>
internal sealed class SimpleGlobs
{
    private readonly Rule[] _include;
    private readonly Rule[] _exclude;
    private readonly StringComparison _comparison;

    private SimpleGlobs(Rule[] include, Rule[] exclude, StringComparison comparison)
    {
        _include = include;
        _exclude = exclude;
        _comparison = comparison;
    }

    /// <summary>Null when some pattern has another shape.</summary>
    public static SimpleGlobs? TryCreate(IEnumerable<string> include, IEnumerable<string> exclude, StringComparison comparison)
    {
        var inc = Parse(include);
        var exc = Parse(exclude);
        return inc is null || exc is null ? null : new SimpleGlobs(inc, exc, comparison);
    }

    /// <summary>
    /// False for a path this class cannot answer the way FileSystemGlobbing would: one holding a backslash, which
    /// FileSystemGlobbing may take for a separator.
    /// </summary>
    public static bool CanMatch(string relativePath) => !relativePath.Contains('\\', StringComparison.Ordinal);

    /// <summary>Whether a relative path with forward slashes is included and not excluded.</summary>
    public bool IsMatch(string relativePath)
    {
        var included = false;
        foreach (var rule in _include)
        {
            if (rule.IsMatch(relativePath, _comparison, exclude: false))
            {
                included = true;
                break;
            }
        }

        if (!included)
        {
            return false;
        }

        foreach (var rule in _exclude)
        {
            if (rule.IsMatch(relativePath, _comparison, exclude: true))
            {
                return false;
            }
        }

        return true;
    }

    private static Rule[]? Parse(IEnumerable<string> patterns)
    {
        var rules = new List<Rule>();
        foreach (var pattern in patterns)
        {
            if (Rule.TryParse(pattern) is not { } rule)
            {
                return null;
            }

            rules.Add(rule);
        }

        return rules.ToArray();
    }

    private enum Scope
    {
        TopLevelName,
        AnyName,
        AnyFolder,
    }

    private sealed record Rule(Scope Scope, string Prefix, string? Suffix)
    {
        public static Rule? TryParse(string pattern)
        {
            Scope scope;
            string segment;
            if (pattern.StartsWith("**/", StringComparison.Ordinal) && pattern.EndsWith("/**", StringComparison.Ordinal) && pattern.Length > 6)
            {
                scope = Scope.AnyFolder;
                segment = pattern[3..^3];
            }
            else if (pattern.StartsWith("**/", StringComparison.Ordinal))
            {
                scope = Scope.AnyName;
                segment = pattern[3..];
            }
            else
            {
                scope = Scope.TopLevelName;
                segment = pattern;
            }

            // Only a plain segment: no separator, no second star, nothing FileSystemGlobbing treats specially.
            if (segment.Length == 0 || segment is "." or ".." || segment.AsSpan().IndexOfAny("/\\") >= 0 || segment.Contains("**", StringComparison.Ordinal))
            {
                return null;
            }

            var star = segment.IndexOf('*', StringComparison.Ordinal);
            if (star < 0)
            {
                return new Rule(scope, segment, null);
            }

            return segment.IndexOf('*', star + 1) >= 0 ? null : new Rule(scope, segment[..star], segment[(star + 1)..]);
        }

        /// <remarks>
        /// An exclude pattern also excludes a folder it matches, with everything below it (FileSystemGlobbing prunes
        /// the folder): <c>**/*.tmp</c> excludes <c>x.tmp/a.txt</c>, and <c>*.tmp</c> excludes <c>x.tmp/sub/a.txt</c>.
        /// </remarks>
        public bool IsMatch(string path, StringComparison comparison, bool exclude)
        {
            var lastSlash = path.LastIndexOf('/');
            switch (Scope)
            {
                case Scope.TopLevelName when exclude:
                    var firstSlash = path.IndexOf('/', StringComparison.Ordinal);
                    return Segment(firstSlash < 0 ? path : path.AsSpan(0, firstSlash), comparison);
                case Scope.TopLevelName:
                    return lastSlash < 0 && Segment(path, comparison);
                case Scope.AnyName when exclude:
                    return AnySegment(path, comparison);
                case Scope.AnyName:
                    return Segment(path.AsSpan(lastSlash + 1), comparison);
                default:
                    return lastSlash >= 0 && AnySegment(path.AsSpan(0, lastSlash), comparison);
            }
        }

        private bool AnySegment(ReadOnlySpan<char> path, StringComparison comparison)
        {
            foreach (var range in path.Split('/'))
            {
                if (Segment(path[range], comparison))
                {
                    return true;
                }
            }

            return false;
        }

        private bool Segment(ReadOnlySpan<char> name, StringComparison comparison) =>
            Suffix is null
                ? name.Equals(Prefix, comparison)
                : name.Length >= Prefix.Length + Suffix.Length && name.StartsWith(Prefix, comparison) && name.EndsWith(Suffix, comparison);
    }
}
