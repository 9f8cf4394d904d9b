using Nova.Core.Text;

namespace Nova.Core.Tests.Text;

public sealed class UnicodeTextTests
{
    private const string Smile = "🙂"; // U+1F642, a surrogate pair in UTF-16.

    [Theory]
    [InlineData("", 0)]
    [InlineData("x", 1)]
    [InlineData("hello", 5)]
    [InlineData("é", 1)]
    [InlineData("e\u0301", 2)]
    [InlineData("日本語", 3)]
    [InlineData("🙂", 1)]
    [InlineData("a🙂b", 3)]
    [InlineData("🙂🙂🙂", 3)]
    [InlineData("👨‍👩‍👧", 5)]
    [InlineData("🇪🇺", 2)]
    public void ScalarCount_counts_a_surrogate_pair_as_one(string value, int expected)
    {
        Assert.Equal(expected, UnicodeText.ScalarCount(value));
    }

    [Fact]
    public void ScalarCount_counts_a_lone_surrogate_as_one()
    {
        // Not a theory: xunit round-trips theory data through UTF-8, which would replace
        // lone surrogates with U+FFFD before the test saw them.
        (string Value, int Expected)[] cases =
        [
            ("\uD83D", 1), ("\uDE42", 1), ("a\uD83D", 2), ("\uD83Da", 2), ("\uDE42\uD83D", 2), ("\uD83D\uD83D\uDE42", 2),
        ];

        Assert.All(cases, c => Assert.Equal(c.Expected, UnicodeText.ScalarCount(c.Value)));
    }

    [Fact]
    public void ScalarCount_of_the_1024_emoji_fixture_summary_is_exactly_the_limit()
    {
        var summary = Summary("pagerduty/summary-1024-emoji.json");

        Assert.Equal(2048, summary.Length);
        Assert.Equal(1024, UnicodeText.ScalarCount(summary));
    }

    [Fact]
    public void ScalarCount_of_the_too_long_fixture_summary_is_over_the_limit()
    {
        Assert.Equal(1025, UnicodeText.ScalarCount(Summary("pagerduty/invalid-summary-too-long.json")));
    }

    [Fact]
    public void Truncate_leaves_the_1024_emoji_fixture_summary_whole_at_1024()
    {
        var summary = Summary("pagerduty/summary-1024-emoji.json");

        Assert.Same(summary, UnicodeText.Truncate(summary, 1024));
    }

    [Fact]
    public void Truncate_of_the_1024_emoji_fixture_summary_drops_whole_emoji()
    {
        var summary = Summary("pagerduty/summary-1024-emoji.json");

        var truncated = UnicodeText.Truncate(summary, 1023);

        Assert.Equal(2046, truncated.Length);
        Assert.Equal(1023, UnicodeText.ScalarCount(truncated));
        Assert.StartsWith(truncated, summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncate_cuts_the_too_long_fixture_summary_to_the_limit()
    {
        var truncated = UnicodeText.Truncate(Summary("pagerduty/invalid-summary-too-long.json"), 1024);

        Assert.Equal(1024, truncated.Length);
    }

    [Theory]
    [InlineData("a🙂b", 0, "")]
    [InlineData("a🙂b", 1, "a")]
    [InlineData("a🙂b", 2, "a🙂")]
    [InlineData("a🙂b", 3, "a🙂b")]
    [InlineData("🙂🙂", 1, "🙂")]
    [InlineData("hello", 3, "hel")]
    [InlineData("", 0, "")]
    [InlineData("", 5, "")]
    public void Truncate_keeps_at_most_the_given_number_of_scalars(string value, int max, string expected)
    {
        Assert.Equal(expected, UnicodeText.Truncate(value, max));
    }

    [Fact]
    public void Truncate_returns_the_same_string_when_it_already_fits()
    {
        const string twoEmoji = Smile + Smile; // Length 4, two scalars.

        Assert.Same(twoEmoji, UnicodeText.Truncate(twoEmoji, 2));
        Assert.Same(twoEmoji, UnicodeText.Truncate(twoEmoji, 3));
        Assert.Same(twoEmoji, UnicodeText.Truncate(twoEmoji, int.MaxValue));
    }

    [Fact]
    public void Truncate_never_splits_a_surrogate_pair_at_any_limit()
    {
        var value = "ab" + Smile + "c\uD83D" + Smile + Smile + "\uDE42d" + Smile;
        var total = UnicodeText.ScalarCount(value);

        for (var max = 0; max <= total + 1; max++)
        {
            var truncated = UnicodeText.Truncate(value, max);

            Assert.StartsWith(truncated, value, StringComparison.Ordinal);
            Assert.Equal(Math.Min(max, total), UnicodeText.ScalarCount(truncated));
            // A cut between the halves of a pair would leave a high surrogate last while
            // the source continues with its low half.
            var cutInsidePair = truncated.Length > 0 && truncated.Length < value.Length
                && char.IsHighSurrogate(truncated[^1]) && char.IsLowSurrogate(value[truncated.Length]);
            Assert.False(cutInsidePair, $"split a pair at max {max}");
        }
    }

    [Fact]
    public void Truncate_treats_a_lone_surrogate_as_one_scalar()
    {
        Assert.Equal("a\uD83D", UnicodeText.Truncate("a\uD83Db", 2));
        Assert.Equal("\uDE42", UnicodeText.Truncate("\uDE42\uDE42", 1));
    }

    [Fact]
    public void Truncate_rejects_a_negative_limit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UnicodeText.Truncate("abc", -1));
    }

    [Fact]
    public void Null_strings_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => UnicodeText.ScalarCount(null!));
        Assert.Throws<ArgumentNullException>(() => UnicodeText.Truncate(null!, 1));
    }

    private static string Summary(string file)
    {
        using var body = Fixtures.Json(file);
        return body.RootElement.GetProperty("payload").GetProperty("summary").GetString()!;
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData(" \t\n", true)]
    [InlineData("\u200B\uFEFF\u00A0\u3000", true)]
    [InlineData("\u0007", true)]
    [InlineData("x", false)]
    [InlineData("\u200B🔥", false)]
    [InlineData("障", false)]
    public void IsBlank_is_true_when_there_is_nothing_to_read(string? value, bool blank)
    {
        Assert.Equal(blank, UnicodeText.IsBlank(value));
    }

    [Fact]
    public void Shorten_keeps_what_fits_and_cuts_the_rest_between_whole_characters_with_an_ellipsis()
    {
        var family = "👨\u200D👩\u200D👧"; // five scalars, one character to a reader

        Assert.Equal("abc", UnicodeText.Shorten("abc", 3));
        Assert.Equal("ab…", UnicodeText.Shorten("abcd", 3));
        Assert.Equal("ab…", UnicodeText.Shorten("ab" + family, 6));
        Assert.Equal("ab" + family + "…", UnicodeText.Shorten("ab" + family + "cd", 8));
        Assert.Equal("cafe\u0301…", UnicodeText.Shorten("cafe\u0301 noir", 6));
    }

    [Fact]
    public void Shorten_cuts_inside_a_first_character_that_alone_is_too_long()
    {
        var heavy = "e" + new string('\u0301', 2000);

        var shortened = UnicodeText.Shorten(heavy, 1024);

        Assert.Equal(1024, UnicodeText.ScalarCount(shortened));
        Assert.EndsWith("…", shortened, StringComparison.Ordinal);
    }
}
