using System.Text.Json;
using Nova.Core.Ids;

namespace Nova.Core.Tests.Ids;

public sealed class HlcTimestampTests
{
    [Fact]
    public void ToString_is_fifteen_digits_of_milliseconds_a_dash_and_five_of_counter()
    {
        Assert.Equal("001733241234567-00003", new HlcTimestamp(1_733_241_234_567, 3).ToString());
    }

    [Fact]
    public void ToString_pads_the_extremes_to_the_same_width()
    {
        Assert.Equal("000000000000000-00000", default(HlcTimestamp).ToString());
        Assert.Equal("999999999999999-99999", new HlcTimestamp(HlcTimestamp.MaxWallMs, HlcTimestamp.MaxCounter).ToString());
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(1_733_241_234_567L, 3)]
    [InlineData(1_733_241_234_567L, 99_999)]
    [InlineData(999_999_999_999_999L, 0)]
    [InlineData(999_999_999_999_999L, 99_999)]
    public void Parse_of_ToString_round_trips(long wallMs, int counter)
    {
        var timestamp = new HlcTimestamp(wallMs, counter);

        Assert.Equal(timestamp, HlcTimestamp.Parse(timestamp.ToString()));
        Assert.True(HlcTimestamp.TryParse(timestamp.ToString(), out var parsed));
        Assert.Equal(timestamp, parsed);
    }

    [Fact]
    public void Ordinal_string_order_equals_timestamp_order()
    {
        HlcTimestamp[] timestamps =
        [
            new(1_733_241_234_567, 3), new(1_733_241_234_567, 10), new(1_733_241_234_568, 0), new(9, 99_999),
            new(10, 0), new(0, 0), new(999_999_999_999_999, 1), new(1_733_241_234_567, 0), new(100_000, 2),
        ];

        var byValue = timestamps.Order().ToList();
        var byText = timestamps.OrderBy(t => t.ToString(), StringComparer.Ordinal).ToList();

        Assert.Equal(byValue, byText);
    }

    [Fact]
    public void CompareTo_orders_by_wall_time_then_counter()
    {
        var a = new HlcTimestamp(100, 5);
        var b = new HlcTimestamp(100, 6);
        var c = new HlcTimestamp(101, 0);

        Assert.True(a.CompareTo(b) < 0);
        Assert.True(b.CompareTo(c) < 0);
        Assert.True(c.CompareTo(a) > 0);
        Assert.Equal(0, a.CompareTo(new HlcTimestamp(100, 5)));
    }

    [Fact]
    public void Comparison_operators_agree_with_CompareTo()
    {
        var earlier = new HlcTimestamp(100, 5);
        var later = new HlcTimestamp(100, 6);

        Assert.True(earlier < later);
        Assert.True(later > earlier);
        Assert.True(earlier <= later && earlier <= new HlcTimestamp(100, 5));
        Assert.True(later >= earlier && later >= new HlcTimestamp(100, 6));
        Assert.False(later < earlier);
    }

    [Theory]
    [InlineData(-1L, 0)]
    [InlineData(1_000_000_000_000_000L, 0)]
    [InlineData(0L, -1)]
    [InlineData(0L, 100_000)]
    public void Constructor_rejects_values_the_text_form_cannot_hold(long wallMs, int counter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HlcTimestamp(wallMs, counter));
    }

    [Fact]
    public void With_expressions_cannot_bypass_the_ranges()
    {
        var timestamp = new HlcTimestamp(1, 1);

        Assert.Equal(new HlcTimestamp(1, 2), timestamp with { Counter = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => timestamp with { Counter = HlcTimestamp.MaxCounter + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => timestamp with { WallMs = -1 });
    }

    [Fact]
    public void Json_round_trips_through_the_properties()
    {
        var timestamp = new HlcTimestamp(1_733_241_234_567, 3);

        var json = JsonSerializer.Serialize(timestamp);

        Assert.Equal("""{"WallMs":1733241234567,"Counter":3}""", json);
        Assert.Equal(timestamp, JsonSerializer.Deserialize<HlcTimestamp>(json));
        Assert.ThrowsAny<Exception>(() => JsonSerializer.Deserialize<HlcTimestamp>("""{"WallMs":-5,"Counter":0}"""));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1733241234567-3")]
    [InlineData("1733241234567-00003")]
    [InlineData("001733241234567-0003")]
    [InlineData("001733241234567-000003")]
    [InlineData("0001733241234567-00003")]
    [InlineData("001733241234567_00003")]
    [InlineData("001733241234567:00003")]
    [InlineData("00173324123456a-00003")]
    [InlineData("001733241234567-0000x")]
    [InlineData(" 01733241234567-00003")]
    [InlineData("+01733241234567-00003")]
    [InlineData("-01733241234567-00003")]
    [InlineData("001733241234567--0003")]
    [InlineData("001733241234567-00003 ")]
    [InlineData("\u0660\u0660\u0661\u0667\u0663\u0663\u0662\u0664\u0661\u0662\u0663\u0664\u0665\u0666\u0667-00003")]
    public void TryParse_rejects_anything_but_the_exact_text_form(string? text)
    {
        Assert.False(HlcTimestamp.TryParse(text, out var value));
        Assert.Equal(default, value);
    }

    [Fact]
    public void Parse_throws_a_format_exception_for_bad_text()
    {
        Assert.Throws<FormatException>(() => HlcTimestamp.Parse("yesterday"));
        Assert.Throws<FormatException>(() => HlcTimestamp.Parse(null!));
    }
}
