using Nova.Cli;

namespace Nova.Integration.Tests;

/// <summary>
/// The CLI's tables: aligned columns with nothing after the last character of a line; ids never
/// cut; the last (free-text) column cut with an ellipsis to a terminal's width, printed whole to
/// a pipe.
/// </summary>
public sealed class TextTableTests
{
    private const string Title = "Payment gateway latency above SLO for checkout in eu-west-1: p99 over 2 s for 15 minutes";

    private static TextTable Incidents()
    {
        var table = new TextTable("ID", "STATUS", "TITLE");
        table.AddRow("01M905SSATB1PM0289RQQH92NF", "triggered", Title);
        table.AddRow("01M905SSATB1PM0289RQQH92NG", "acknowledged", "Disk full");
        return table;
    }

    private static string[] Lines(TextTable table, int? width)
    {
        var output = new StringWriter { NewLine = "\n" };
        table.Write(output, width);
        return output.ToString().TrimEnd('\n').Split('\n');
    }

    [Fact]
    public void Columns_line_up_three_spaces_apart_and_no_line_ends_in_a_space()
    {
        var lines = Lines(Incidents(), width: null);

        Assert.Equal(
        [
            "ID                           STATUS         TITLE",
            "01M905SSATB1PM0289RQQH92NF   triggered      " + Title,
            "01M905SSATB1PM0289RQQH92NG   acknowledged   Disk full",
        ], lines);
    }

    [Fact]
    public void On_a_terminal_the_last_column_is_cut_to_the_width_with_an_ellipsis()
    {
        var lines = Lines(Incidents(), width: 80);

        Assert.All(lines, l => Assert.True(TextTable.DisplayWidth(l) <= 80, $"{TextTable.DisplayWidth(l)} columns: {l}"));
        Assert.Equal("01M905SSATB1PM0289RQQH92NF   triggered      " + Title[..35] + "…", lines[1]);
        Assert.Equal("01M905SSATB1PM0289RQQH92NG   acknowledged   Disk full", lines[2]);
    }

    [Fact]
    public void A_terminal_too_narrow_for_the_other_columns_gets_every_cell_whole_rather_than_a_stub()
    {
        var lines = Lines(Incidents(), width: 50);

        Assert.EndsWith(Title, lines[1], StringComparison.Ordinal);
        Assert.StartsWith("01M905SSATB1PM0289RQQH92NF   ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Wide_characters_count_two_columns_and_combining_marks_none()
    {
        Assert.Equal(4, TextTable.DisplayWidth("障害"));
        Assert.Equal(2, TextTable.DisplayWidth("🔥"));
        Assert.Equal(4, TextTable.DisplayWidth("cafe\u0301"));

        var table = new TextTable("SERVICE", "TITLE");
        table.AddRow("決済", "ok");
        table.AddRow("payments", "ok");
        var lines = Lines(table, width: null);

        // "決済" is four columns wide, so it is padded like "paym" would be.
        Assert.Equal("決済       ok", lines[1]);
        Assert.Equal("payments   ok", lines[2]);
    }

    [Fact]
    public void A_cut_never_splits_a_wide_character_or_a_surrogate_pair()
    {
        Assert.Equal("障…", TextTable.Fit("障害発生", 4));
        Assert.Equal("ab…", TextTable.Fit("ab🔥🔥", 4));
        Assert.Equal("ab🔥", TextTable.Fit("ab🔥", 4));
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_refused()
    {
        var table = new TextTable("A", "B");

        Assert.Throws<ArgumentException>(() => table.AddRow("only one"));
    }
}
