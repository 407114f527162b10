using System.Globalization;
using System.Text;

namespace Ingest.Worker.Output;

/// <summary>A plain, column-aligned text table for people; scripts use --json.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string?[] cells) => _rows.Add(cells.Select(c => c ?? "-").ToArray());

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        Line(headers);
        foreach (var row in _rows)
        {
            Line(row);
        }

        return sb.ToString();

        void Line(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                sb.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
            }

            sb.Append('\n');
        }
    }

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Cut(string? text, int max) => text is null ? "-" : text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
