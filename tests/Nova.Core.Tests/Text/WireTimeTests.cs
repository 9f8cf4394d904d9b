using Nova.Core.Text;

namespace Nova.Core.Tests.Text;

public sealed class WireTimeTests
{
    [Theory]
    // Alertmanager: nine fractional digits, truncated to the 100 ns tick.
    [InlineData("2026-12-03T16:16:02.683684311Z", "2026-12-03T16:16:02.6836843Z")]
    [InlineData("2026-12-03T16:16:09Z", "2026-12-03T16:16:09Z")]
    [InlineData("2026-11-30T08:02:31.5Z", "2026-11-30T08:02:31.5Z")]
    [InlineData("2026-11-30T09:14:05.12345+01:00", "2026-11-30T08:14:05.12345Z")]
    [InlineData("2023-03-25T14:39:51.68943305+08:00", "2023-03-25T06:39:51.689433Z")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z")]
    // PagerDuty senders: offset without a colon, hours-only offset without seconds.
    [InlineData("2015-07-17T08:42:58.315+0000", "2015-07-17T08:42:58.315Z")]
    [InlineData("2011-05-06T03:30-07", "2011-05-06T10:30:00Z")]
    [InlineData("2011-05-06T03:30:15-0730", "2011-05-06T11:00:15Z")]
    [InlineData("2011-05-06T03:30Z", "2011-05-06T03:30:00Z")]
    [InlineData("2011-05-06T03:30+05:30", "2011-05-05T22:00:00Z")]
    // RFC 3339 case and separator latitude.
    [InlineData("2026-12-03t16:16:02z", "2026-12-03T16:16:02Z")]
    [InlineData("2026-12-03 16:16:02Z", "2026-12-03T16:16:02Z")]
    [InlineData("2026-12-03T16:16:02-00:00", "2026-12-03T16:16:02Z")]
    // Fractions of any length.
    [InlineData("2026-12-03T16:16:02.0Z", "2026-12-03T16:16:02Z")]
    [InlineData("2026-12-03T16:16:02.1Z", "2026-12-03T16:16:02.1Z")]
    [InlineData("2026-12-03T16:16:02.1234567Z", "2026-12-03T16:16:02.1234567Z")]
    [InlineData("2026-12-03T16:16:02.12345678901234567890Z", "2026-12-03T16:16:02.1234567Z")]
    // Offsets up to ±23:59, beyond what DateTimeOffset itself can carry.
    [InlineData("2026-01-01T00:00:00+23:59", "2025-12-31T00:01:00Z")]
    [InlineData("2026-01-01T00:00:00-23:59", "2026-01-01T23:59:00Z")]
    [InlineData("2026-01-01T00:00:00+14:00", "2025-12-31T10:00:00Z")]
    // Calendar edges.
    [InlineData("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z")]
    [InlineData("2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z")]
    [InlineData("2026-12-31T23:59:59+01:00", "2026-12-31T22:59:59Z")]
    [InlineData("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z")]
    public void TryParse_accepts_timestamps_as_senders_write_them(string text, string expectedUtc)
    {
        Assert.True(WireTime.TryParse(text, out var value));

        Assert.Equal(expectedUtc, WireTime.Format(value));
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Fact]
    public void TryParse_truncates_nine_fractional_digits_instead_of_rounding()
    {
        Assert.True(WireTime.TryParse("2026-12-03T16:16:02.683684399Z", out var value));

        var expected = new DateTimeOffset(2026, 12, 3, 16, 16, 2, TimeSpan.Zero).AddTicks(6_836_843);
        Assert.Equal(expected, value);
    }

    [Fact]
    public void TryParse_reads_the_last_representable_instant_without_overflowing()
    {
        Assert.True(WireTime.TryParse("9999-12-31T23:59:59.999999999Z", out var value));

        Assert.Equal(DateTimeOffset.MaxValue, value);
    }

    [Fact]
    public void TryParse_keeps_a_leap_second_within_its_minute()
    {
        Assert.True(WireTime.TryParse("2016-12-31T23:59:60Z", out var leap));
        Assert.True(WireTime.TryParse("2016-12-31T23:59:59.9Z", out var before));
        Assert.True(WireTime.TryParse("2017-01-01T00:00:00Z", out var after));

        Assert.True(before < leap);
        Assert.True(leap < after);
    }

    [Fact]
    public void TryParse_gives_the_same_instant_for_every_spelling_of_it()
    {
        string[] spellings =
        [
            "2015-07-17T08:42:58.315Z", "2015-07-17T08:42:58.315+0000", "2015-07-17T08:42:58.315+00:00",
            "2015-07-17T10:42:58.315+02", "2015-07-17T01:42:58.315-07:00", "2015-07-17t08:42:58.315000000z",
        ];

        var instants = spellings.Select(s =>
        {
            Assert.True(WireTime.TryParse(s, out var value), s);
            return value.UtcTicks;
        });

        Assert.Single(instants.Distinct());
    }

    [Fact]
    public void TryParse_reads_the_pagerduty_fixture_timestamps()
    {
        foreach (var (file, expected) in new[]
        {
            ("pagerduty/trigger.json", "2015-07-17T08:42:58.315Z"),
            ("pagerduty/trigger-without-dedup-key.json", "2011-05-06T10:30:00Z"),
        })
        {
            using var body = Fixtures.Json(file);
            var text = body.RootElement.GetProperty("payload").GetProperty("timestamp").GetString();

            Assert.True(WireTime.TryParse(text, out var value), file);
            Assert.Equal(expected, WireTime.Format(value));
        }
    }

    [Fact]
    public void TryParse_reads_every_alertmanager_fixture_timestamp()
    {
        var count = 0;
        foreach (var file in Fixtures.JsonFiles("alertmanager"))
        {
            using var body = Fixtures.Json(file);
            foreach (var alert in body.RootElement.GetProperty("alerts").EnumerateArray())
            {
                foreach (var field in new[] { "startsAt", "endsAt" })
                {
                    var text = alert.GetProperty(field).GetString();
                    Assert.True(WireTime.TryParse(text, out _), $"{file} {field} {text}");
                    count++;
                }
            }
        }

        Assert.True(count >= 10);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("garbage")]
    [InlineData("1700000000")]
    [InlineData("2026-12-03")]
    [InlineData("2026-12-03T16:16")]
    // No offset: the instant is unknowable.
    [InlineData("2026-12-03T16:16:02")]
    [InlineData("2026-12-03T16:16:02.683684311")]
    // Out-of-range fields.
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2026-00-03T16:16:02Z")]
    [InlineData("2026-13-03T16:16:02Z")]
    [InlineData("2026-12-00T16:16:02Z")]
    [InlineData("2026-12-32T16:16:02Z")]
    [InlineData("2026-04-31T16:16:02Z")]
    [InlineData("2026-02-29T16:16:02Z")]
    [InlineData("1900-02-29T16:16:02Z")]
    [InlineData("2026-12-03T24:00:00Z")]
    [InlineData("2026-12-03T25:16:02Z")]
    [InlineData("2026-12-03T16:60:02Z")]
    [InlineData("2026-12-03T16:16:61Z")]
    [InlineData("2026-12-03T16:16:02+24:00")]
    [InlineData("2026-12-03T16:16:02-24")]
    [InlineData("2026-12-03T16:16:02+23:60")]
    [InlineData("2026-12-03T16:16:02+9900")]
    // An in-range local time whose instant falls outside year 1..9999.
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:30:00-01:00")]
    // Malformed shapes.
    [InlineData("2026-12-03T16:16:02.Z")]
    [InlineData("2026-12-03T16:16.5Z")]
    [InlineData("2026-12-03T16:16:2Z")]
    [InlineData("2026-12-3T16:16:02Z")]
    [InlineData("26-12-03T16:16:02Z")]
    [InlineData("+2026-12-03T16:16:02Z")]
    [InlineData("2026/12/03T16:16:02Z")]
    [InlineData("2026-12-03X16:16:02Z")]
    [InlineData("2026-12-03T16-16-02Z")]
    [InlineData("2026-12-03T16:16:02+8:00")]
    [InlineData("2026-12-03T16:16:02+08:0")]
    [InlineData("2026-12-03T16:16:02+080")]
    [InlineData("2026-12-03T16:16:02+08:00:00")]
    [InlineData("2026-12-03T16:16:02+08-00")]
    [InlineData("2026-12-03T16:16:02+")]
    [InlineData("2026-12-03T16:16:02ZZ")]
    [InlineData("2026-12-03T16:16:02 Z")]
    [InlineData("2026-12-03T16:16:02UTC")]
    [InlineData("2026-12-03T16:16:02GMT+1")]
    [InlineData(" 2026-12-03T16:16:02Z")]
    [InlineData("2026-12-03T16:16:02Z ")]
    [InlineData("2026-12-03T16:16:02Z\n")]
    [InlineData("2026-12-03T16:16:02\u2212 07:00")]
    [InlineData("\u0662\u0660\u0662\u0666-12-03T16:16:02Z")]
    [InlineData("２０２６-12-03T16:16:02Z")]
    [InlineData("Thu, 03 Dec 2026 16:16:02 GMT")]
    [InlineData("12/03/2026 16:16:02 +00:00")]
    public void TryParse_rejects_anything_else_without_throwing(string? text)
    {
        Assert.False(WireTime.TryParse(text, out var value));
        Assert.Equal(default, value);
    }

    [Fact]
    public void IsZero_is_true_for_the_go_zero_time_alertmanager_sends_as_no_end()
    {
        Assert.True(WireTime.TryParse("0001-01-01T00:00:00Z", out var endsAt));

        Assert.True(WireTime.IsZero(endsAt));
    }

    [Fact]
    public void IsZero_is_true_for_default_and_min_value()
    {
        Assert.True(WireTime.IsZero(default));
        Assert.True(WireTime.IsZero(DateTimeOffset.MinValue));
    }

    [Fact]
    public void IsZero_is_false_for_any_later_instant()
    {
        Assert.False(WireTime.IsZero(DateTimeOffset.MinValue.AddTicks(1)));
        Assert.False(WireTime.IsZero(new DateTimeOffset(2026, 12, 3, 16, 16, 2, TimeSpan.Zero)));
        Assert.True(WireTime.TryParse("0001-01-01T00:00:00.0000001Z", out var oneTick));
        Assert.False(WireTime.IsZero(oneTick));
    }

    [Fact]
    public void IsZero_compares_the_instant_not_the_local_fields()
    {
        // 01:00 at +01:00 on 0001-01-01 is the zero instant.
        var zeroInstant = new DateTimeOffset(1, 1, 1, 1, 0, 0, TimeSpan.FromHours(1));
        var zeroLocalFields = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.FromHours(-1));

        Assert.True(WireTime.IsZero(zeroInstant));
        Assert.False(WireTime.IsZero(zeroLocalFields));
    }

    [Fact]
    public void Format_writes_utc_with_z_whatever_the_offset()
    {
        var value = new DateTimeOffset(2026, 11, 30, 9, 14, 5, TimeSpan.FromHours(1));

        Assert.Equal("2026-11-30T08:14:05Z", WireTime.Format(value));
    }

    [Fact]
    public void Format_writes_seven_fractional_digits_at_most_and_trims_trailing_zeros()
    {
        var seconds = new DateTimeOffset(2026, 12, 3, 16, 16, 2, TimeSpan.Zero);

        Assert.Equal("2026-12-03T16:16:02.6836843Z", WireTime.Format(seconds.AddTicks(6_836_843)));
        Assert.Equal("2026-12-03T16:16:02.68Z", WireTime.Format(seconds.AddTicks(6_800_000)));
        Assert.Equal("2026-12-03T16:16:02.0000001Z", WireTime.Format(seconds.AddTicks(1)));
        Assert.Equal("2026-12-03T16:16:02Z", WireTime.Format(seconds));
    }

    [Fact]
    public void Format_writes_the_zero_time_as_alertmanager_does()
    {
        Assert.Equal("0001-01-01T00:00:00Z", WireTime.Format(default));
    }

    [Fact]
    public void Format_writes_the_last_representable_instant()
    {
        Assert.Equal("9999-12-31T23:59:59.9999999Z", WireTime.Format(DateTimeOffset.MaxValue));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(638_686_737_626_836_843L)]
    [InlineData(638_686_737_620_000_000L)]
    [InlineData(3_155_378_975_999_999_999L)]
    public void Format_output_parses_back_to_the_same_instant(long utcTicks)
    {
        var value = new DateTimeOffset(utcTicks, TimeSpan.Zero);

        Assert.True(WireTime.TryParse(WireTime.Format(value), out var parsed));
        Assert.Equal(value, parsed);
    }
}
