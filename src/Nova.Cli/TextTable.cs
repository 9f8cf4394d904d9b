using System.Globalization;
using System.Text;
using Wcwidth;

namespace Nova.Cli;

/// <summary>
/// A plain table for the terminal and for scripts, in the manner of <c>kubectl get</c>: a header
/// row, columns left-aligned and three spaces apart, no borders, no trailing spaces. Cells are
/// made safe to print (<see cref="Cli.Safe"/>). Nothing is cut, so a row can be read, grepped
/// and pasted — except, in a table made with <c>cutLast</c>, its last column (free text from
/// senders: an incident title, an audit outcome): on a terminal that one is cut to the
/// terminal's width with an ellipsis (to no fewer than 20 columns when the others leave less;
/// the row then wraps once); written to a pipe or a file it is printed whole.
/// </summary>
internal sealed class TextTable
{
    private const string Gap = "   ";
    private const int MinimumLastColumn = 20;

    private readonly string[] _columns;
    private readonly bool _cutLast;
    private readonly List<string[]> _rows = [];

    public TextTable(string[] columns, bool cutLast = false)
    {
        if (columns.Length == 0)
        {
            throw new ArgumentException("A table needs at least one column.", nameof(columns));
        }

        _columns = columns;
        _cutLast = cutLast;
    }

    public int Count => _rows.Count;

    public void AddRow(params string?[] cells)
    {
        if (cells.Length != _columns.Length)
        {
            throw new ArgumentException($"A row of {cells.Length} cells for {_columns.Length} columns.", nameof(cells));
        }

        _rows.Add(cells.Select(Cli.Safe).ToArray());
    }

    /// <param name="width">The terminal's width in columns, or null when the output is not a terminal.</param>
    public void Write(TextWriter output, int? width)
    {
        var widths = new int[_columns.Length];
        foreach (var row in _rows.Prepend(_columns))
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], DisplayWidth(row[i]));
            }
        }

        var last = _columns.Length - 1;
        var before = widths.Take(last).Sum() + Gap.Length * last;
        int? lastLimit = _cutLast && width is { } w ? Math.Max(w - before, MinimumLastColumn) : null;
        var line = new StringBuilder();
        foreach (var row in _rows.Prepend(_columns))
        {
            line.Clear();
            for (var i = 0; i < last; i++)
            {
                line.Append(row[i]).Append(' ', widths[i] - DisplayWidth(row[i])).Append(Gap);
            }

            line.Append(lastLimit is { } limit ? Fit(row[last], limit) : row[last]);
            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="width"/> terminal columns (at
    /// least 1), between whole characters as a reader sees them (a flag, an emoji with its skin
    /// tone, a letter with its accents), ending in "…" when it was cut.
    /// </summary>
    public static string Fit(string text, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (DisplayWidth(text) <= width)
        {
            return text;
        }

        var fitted = new StringBuilder();
        var used = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var w = ElementWidth(element);
            if (used + w > width - 1)
            {
                break;
            }

            fitted.Append(element);
            used += w;
        }

        return fitted.Append('…').ToString();
    }

    /// <summary>Terminal columns <paramref name="text"/> takes: East Asian wide characters and emoji take two, combining marks none.</summary>
    public static int DisplayWidth(string text)
    {
        var width = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            width += ElementWidth(elements.GetTextElement());
        }

        return width;
    }

    /// <summary>
    /// One user-perceived character is drawn as wide as its first code point; a flag (two
    /// regional indicators) and a symbol asking for emoji presentation (U+FE0F) take two.
    /// </summary>
    private static int ElementWidth(string element)
    {
        var first = Rune.GetRuneAt(element, 0);
        if (first.Value is >= 0x1F1E6 and <= 0x1F1FF || element.Contains('\uFE0F', StringComparison.Ordinal))
        {
            return 2;
        }

        // Control characters (-1) are escaped by Cli.Safe before they reach a table.
        return Math.Max(0, UnicodeCalculator.GetWidth(first));
    }
}
