using Nova.Cli;

namespace Nova.Integration.Tests;

/// <summary>
/// The CLI's tables: aligned columns with nothing after the last character of a line; nothing
/// cut, except the free-text last column of a table that allows it, cut with an ellipsis to a
/// terminal's width and printed whole to a pipe.
/// </summary>
public sealed class TextTableTests
{
    private const string Title = "Payment gateway latency above SLO for checkout in eu-west-1: p99 over 2 s for 15 minutes";

    private static TextTable Incidents(string title = Title)
    {
        var table = new TextTable(["ID", "STATUS", "TITLE"], cutLast: true);
        table.AddRow("01M905SSATB1PM0289RQQH92NF", "triggered", title);
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

        // 44 columns before the title leave it 36: 35 characters and the ellipsis.
        Assert.Equal("01M905SSATB1PM0289RQQH92NF   triggered      " + Title[..35] + "…", lines[1]);
        Assert.Equal("01M905SSATB1PM0289RQQH92NG   acknowledged   Disk full", lines[2]);
    }

    [Fact]
    public void A_table_that_does_not_allow_it_cuts_nothing_on_a_terminal()
    {
        var table = new TextTable(["SLUG", "OWNERS"]);
        table.AddRow("acme", "eu-west-1: SRE EU; eu-central-1: SRE Central; us-east-1: SRE US East");

        Assert.Equal("acme   eu-west-1: SRE EU; eu-central-1: SRE Central; us-east-1: SRE US East", Lines(table, width: 40)[1]);
    }

    [Fact]
    public void On_a_terminal_too_narrow_for_the_other_columns_ids_stay_whole_and_the_last_column_keeps_20_columns()
    {
        var lines = Lines(Incidents(), width: 50);

        // The row wraps once on the terminal instead of running as long as the title.
        Assert.Equal("01M905SSATB1PM0289RQQH92NF   triggered      " + Title[..19] + "…", lines[1]);
    }

    [Fact]
    public void Wide_characters_and_emoji_count_two_columns_and_combining_marks_none()
    {
        Assert.Equal(4, TextTable.DisplayWidth("障害"));
        Assert.All(["🔥", "🚨", "🚀", "✅", "❌", "⏰", "🟥", "🫠", "🇩🇪", "👍🏽", "👨‍👩‍👧", "❤️"], e => Assert.Equal(2, TextTable.DisplayWidth(e)));
        Assert.Equal(4, TextTable.DisplayWidth("cafe\u0301"));

        var table = new TextTable(["SERVICE", "TITLE"]);
        table.AddRow("決済 🚨", "ok");
        table.AddRow("payments", "ok");
        var lines = Lines(table, width: null);

        // "決済 🚨" is seven columns wide, so it is padded like "payment" would be.
        Assert.Equal(["SERVICE    TITLE", "決済 🚨    ok", "payments   ok"], lines);
    }

    [Fact]
    public void An_emoji_title_is_cut_by_columns_not_characters()
    {
        var lines = Lines(Incidents(string.Concat(Enumerable.Repeat("🚨", 30))), width: 64);

        // 20 columns for the title: nine sirens (18 columns) and the ellipsis.
        Assert.Equal("01M905SSATB1PM0289RQQH92NF   triggered      " + string.Concat(Enumerable.Repeat("🚨", 9)) + "…", lines[1]);
    }

    [Fact]
    public void A_cut_never_splits_what_a_reader_sees_as_one_character()
    {
        Assert.Equal("障…", TextTable.Fit("障害発生", 4));
        Assert.Equal("ab…", TextTable.Fit("ab🔥🔥", 4));
        Assert.Equal("ab🔥", TextTable.Fit("ab🔥", 4));
        Assert.Equal("abc…", TextTable.Fit("abc🇩🇪🇫🇷xyz", 5));
        Assert.Equal("ab👨‍👩‍👧…", TextTable.Fit("ab👨‍👩‍👧xyz", 5));
        Assert.Equal("ab…", TextTable.Fit("ab👍🏽xyz", 4));
        Assert.Equal("cafe\u0301…", TextTable.Fit("cafe\u0301 noir", 5));
    }

    [Fact]
    public void Cells_are_made_safe_to_print()
    {
        var table = new TextTable(["NAME", "TITLE"]);
        table.AddRow("evil\u001b[31m", "line\nbreak \u202Egnp.exe");

        Assert.Equal(@"evil\u001b[31m   line\nbreak \u202egnp.exe", Lines(table, width: null)[1]);
    }

    [Theory]
    [InlineData("zero\u200Bwidth", @"zero\u200bwidth")]
    [InlineData("\uFEFFbom", @"\ufeffbom")]
    [InlineData("line\u2028sep\u2029para", @"line\u2028sep\u2029para")]
    [InlineData("tag\U000E0001", @"tag\U000e0001")]
    [InlineData("ok\U000E0068\U000E0069", @"ok\U000e0068\U000e0069")]
    [InlineData("\U0001F3F4\U000E0067\U000E007Fx\U000E0067", "\U0001F3F4\U000E0067\U000E007Fx" + @"\U000e0067")]
    [InlineData("می\u200Cخواهم", "می\u200Cخواهم")]
    [InlineData("beam\U0001D173", @"beam\U0001d173")]
    [InlineData("c1\u009B31m", @"c1\u009b31m")]
    [InlineData("👨\u200D👩\u200D👧 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "👨\u200D👩\u200D👧 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F")]
    public void Invisible_characters_are_shown_as_escapes_and_emoji_sequences_are_kept(string text, string shown)
    {
        Assert.Equal(shown, global::Nova.Cli.Cli.Safe(text));
    }

    [Fact]
    public void A_table_without_columns_or_a_row_with_the_wrong_number_of_cells_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new TextTable([]));
        Assert.Throws<ArgumentException>(() => new TextTable(["A", "B"]).AddRow("only one"));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextTable.Fit("abc", 0));
    }
}
