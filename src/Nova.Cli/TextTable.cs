using System.Globalization;
using System.Text;

namespace Nova.Cli;

/// <summary>
/// A plain table for the terminal and for scripts, in the manner of <c>kubectl get</c>: a header
/// row, columns left-aligned and three spaces apart, no borders, no trailing spaces. Ids and
/// names are never cut or wrapped, so a row can be read, grepped and pasted. Only the last
/// column (free text: a title, an outcome) gives way: on a terminal it is cut to the
/// terminal's width with an ellipsis; written to a pipe or a file it is printed whole.
/// </summary>
/// <remarks>
/// Cell text must already be safe to print (<see cref="Cli.Safe"/>): this class measures it,
/// it does not escape it.
/// </remarks>
public sealed class TextTable(params string[] columns)
{
    private const string Gap = "   ";

    // Narrower than this, the last column is printed whole (the terminal wraps the line)
    // rather than cut to a stub that says nothing.
    private const int MinimumLastColumn = 12;

    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public void AddRow(params string[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"A row of {cells.Length} cells for {columns.Length} columns.", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <param name="width">The terminal's width in columns, or null when the output is not a terminal.</param>
    public void Write(TextWriter output, int? width)
    {
        var widths = new int[columns.Length];
        foreach (var row in _rows.Prepend(columns))
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], DisplayWidth(row[i]));
            }
        }

        var last = columns.Length - 1;
        var before = widths.Take(last).Sum() + Gap.Length * last;
        int? lastLimit = width is { } w && w - before >= MinimumLastColumn ? w - before : null;
        var line = new StringBuilder();
        foreach (var row in _rows.Prepend(columns))
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
    /// <paramref name="text"/> cut to at most <paramref name="width"/> terminal columns, ending
    /// in "…" when it was cut.
    /// </summary>
    public static string Fit(string text, int width)
    {
        if (DisplayWidth(text) <= width)
        {
            return text;
        }

        var fitted = new StringBuilder();
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var w = DisplayWidth(rune);
            if (used + w > width - 1)
            {
                break;
            }

            fitted.Append(rune.ToString());
            used += w;
        }

        return fitted.Append('…').ToString();
    }

    /// <summary>Terminal columns <paramref name="text"/> takes: CJK and emoji take two, combining marks none.</summary>
    public static int DisplayWidth(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += DisplayWidth(rune);
        }

        return width;
    }

    private static int DisplayWidth(Rune rune)
    {
        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.Format:
                return 0;
        }

        // The East Asian Wide and Fullwidth blocks, and the emoji blocks terminals draw wide.
        return rune.Value switch
        {
            >= 0x1100 and <= 0x115F => 2,
            >= 0x2E80 and <= 0x303E => 2,
            >= 0x3041 and <= 0x33FF => 2,
            >= 0x3400 and <= 0x4DBF => 2,
            >= 0x4E00 and <= 0x9FFF => 2,
            >= 0xA000 and <= 0xA4CF => 2,
            >= 0xAC00 and <= 0xD7A3 => 2,
            >= 0xF900 and <= 0xFAFF => 2,
            >= 0xFE30 and <= 0xFE4F => 2,
            >= 0xFF00 and <= 0xFF60 => 2,
            >= 0xFFE0 and <= 0xFFE6 => 2,
            >= 0x1F300 and <= 0x1F64F => 2,
            >= 0x1F900 and <= 0x1F9FF => 2,
            >= 0x20000 and <= 0x3FFFD => 2,
            _ => 1,
        };
    }
}
