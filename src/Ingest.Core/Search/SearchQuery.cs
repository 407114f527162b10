using System.Text;

namespace Ingest.Search;

/// <summary>
/// A parsed search: terms that must all match as case-insensitive substrings. Terms of three or more
/// characters go to the trigram index; CJK terms of one or two characters to the CJK n-gram index (as Lucene's
/// CJK analyzer does); other short terms are checked by scanning the stored text.
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

    public IEnumerable<string> TrigramTerms => Terms.Where(t => ScalarLength(t) >= 3);

    public IEnumerable<string> CjkGramTerms => Terms.Where(t => ScalarLength(t) < 3 && t.EnumerateRunes().All(CjkGrams.IsCjk));

    public IEnumerable<string> ScanTerms => Terms.Where(t => ScalarLength(t) < 3 && !t.EnumerateRunes().All(CjkGrams.IsCjk));

    /// <summary>An FTS5 expression matching every term as a quoted string: nothing in a term is passed through as syntax.</summary>
    public static string FtsAnd(IEnumerable<string> terms) =>
        string.Join(" AND ", terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
}
