using System.Text;

namespace Ingest.Search;

/// <summary>
/// A parsed search: terms that must all match as case-insensitive substrings. The indexes only narrow the
/// candidates: CJK runs through their unigrams and bigrams (as Lucene's CJK analyzer does), other runs of three
/// or more characters through trigrams; every candidate is then checked against its stored text, so the
/// answer is exact.
/// </summary>
internal sealed class SearchQuery
{
    private SearchQuery(IReadOnlyList<string> terms) => Terms = terms;

    public IReadOnlyList<string> Terms { get; }

    /// <summary>Splits on spaces; <c>"…"</c> keeps a phrase with spaces together. Throws <see cref="FormatException"/> on an empty query.</summary>
    public static SearchQuery Parse(string query)
    {
        var terms = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in query.Normalize(NormalizationForm.FormC))
        {
            if (c == '"')
            {
                Flush();
                quoted = !quoted;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                Flush();
            }
            else
            {
                current.Append(c);
            }
        }

        Flush();
        if (terms.Count == 0)
        {
            throw new FormatException("The search query has no terms.");
        }

        return new SearchQuery(terms.Distinct(StringComparer.OrdinalIgnoreCase).ToList());

        void Flush()
        {
            if (current.Length > 0)
            {
                var term = quoted ? current.ToString() : current.ToString().Trim();
                if (term.Length > 0)
                {
                    terms.Add(term);
                }

                current.Clear();
            }
        }
    }

    public static int ScalarLength(string term) => term.EnumerateRunes().Count();

    /// <summary>Runs of non-CJK characters (3 or more) for the trigram index, which holds the text without its CJK runs.</summary>
    public IEnumerable<string> TrigramPhrases => Terms.SelectMany(t => Runs(t, cjk: false)).Where(r => ScalarLength(r) >= 3).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Unigrams (a lone CJK character) and bigrams of the CJK runs, for the CJK n-gram index.</summary>
    public IEnumerable<string> CjkGramTerms => Terms.SelectMany(t => Runs(t, cjk: true)).SelectMany(Grams).Distinct(StringComparer.Ordinal);

    /// <summary>The maximal runs of CJK (or of non-CJK) characters of a term.</summary>
    internal static IEnumerable<string> Runs(string term, bool cjk)
    {
        var sb = new StringBuilder();
        foreach (var rune in term.EnumerateRunes())
        {
            if (CjkGrams.IsCjk(rune) == cjk)
            {
                sb.Append(rune.ToString());
            }
            else if (sb.Length > 0)
            {
                yield return sb.ToString();
                sb.Clear();
            }
        }

        if (sb.Length > 0)
        {
            yield return sb.ToString();
        }
    }

    private static IEnumerable<string> Grams(string cjkRun)
    {
        var runes = cjkRun.EnumerateRunes().Select(r => r.ToString()).ToArray();
        if (runes.Length == 1)
        {
            yield return runes[0];
        }

        for (var i = 0; i + 1 < runes.Length; i++)
        {
            yield return runes[i] + runes[i + 1];
        }
    }

    /// <summary>An FTS5 expression matching every term as a quoted string: nothing in a term is passed through as syntax.</summary>
    public static string FtsAnd(IEnumerable<string> terms) =>
        string.Join(" AND ", terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
}
