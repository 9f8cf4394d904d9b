using Nova.Core.Text;
using Nova.Region.Ingest;

namespace Nova.Region.Tests.Ingest;

/// <summary>What an Alertmanager alert is called in an incident (docs/ingest.md).</summary>
public sealed class AlertTitleTests
{
    private static WebhookAlert Alert(Dictionary<string, string> annotations, string? alertname = "HighLatency") =>
        new("firing",
            alertname is null ? new Dictionary<string, string> { ["job"] = "api", ["instance"] = "web-1" } : new Dictionary<string, string> { ["alertname"] = alertname, ["job"] = "api" },
            annotations, DateTimeOffset.UnixEpoch, null, null, "0123456789abcdef");

    [Fact]
    public void The_summary_annotation_names_the_alert_else_title_description_alertname()
    {
        Assert.Equal("p99 above 500ms", Alert(new() { ["summary"] = "p99 above 500ms", ["title"] = "t", ["description"] = "d" }).Title());
        Assert.Equal("t", Alert(new() { ["title"] = "t", ["description"] = "d" }).Title());
        Assert.Equal("d", Alert(new() { ["description"] = "d" }).Title());
        Assert.Equal("HighLatency", Alert(new()).Title());
        Assert.Equal("job=api, instance=web-1", Alert(new(), alertname: null).Title());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    [InlineData("\u200B")]
    [InlineData("\u00A0\u3000\uFEFF")]
    public void A_blank_annotation_is_skipped(string blank)
    {
        Assert.Equal("d", Alert(new() { ["summary"] = blank, ["title"] = blank, ["description"] = "d" }).Title());
        Assert.Equal("HighLatency", Alert(new() { ["summary"] = blank }).Title());
    }

    [Fact]
    public void A_title_over_1024_characters_is_cut_to_1024_ending_in_an_ellipsis()
    {
        var exact = string.Concat(Enumerable.Repeat("🚨", 1024));
        var longer = string.Concat(Enumerable.Repeat("🚨", 5000));

        Assert.Equal(exact, Alert(new() { ["summary"] = exact }).Title());
        var cut = Alert(new() { ["summary"] = longer }).Title();
        Assert.Equal(1024, UnicodeText.ScalarCount(cut));
        Assert.Equal(string.Concat(Enumerable.Repeat("🚨", 1023)) + "…", cut);
    }

    [Fact]
    public void A_cut_title_keeps_an_emoji_sequence_whole()
    {
        // A family is five scalar values (three people, two joiners): 1100 of them are far over.
        var family = "👨\u200D👩\u200D👧";
        var cut = Alert(new() { ["summary"] = string.Concat(Enumerable.Repeat(family, 1100)) }).Title();

        // 204 families are 1020 scalar values; a 205th would pass 1023.
        Assert.Equal(string.Concat(Enumerable.Repeat(family, 204)) + "…", cut);
    }
}
