using System.Globalization;

namespace Nova.Core.Text;

/// <summary>
/// Timestamps as monitoring tools really send them. The grammar is RFC 3339 widened by
/// what the wild produces: PagerDuty senders write <c>+0000</c> and <c>-07</c> offsets and
/// may leave out seconds; Alertmanager writes nine fractional digits. A hand-written
/// parser keeps that grammar explicit, where DateTimeOffset.TryParse would also accept
/// culture-dependent forms and silently assume a local offset.
/// </summary>
public static class WireTime
{
    // More digits than this are below DateTime's 100 ns tick.
    private const int TickDigits = 7;

    /// <summary>
    /// Parses <c>YYYY-MM-DD(T|t| )hh:mm[:ss[.fraction]](Z|z|±hh[[:]mm])</c>.
    /// </summary>
    /// <param name="text">The timestamp as received; surrounding whitespace is not accepted.</param>
    /// <param name="value">The instant, always with a zero offset (the sender's offset may
    /// lie outside what DateTimeOffset can carry, and Nova only needs the instant).</param>
    /// <returns>false for anything else, including a date-time without an offset (its
    /// instant is unknowable) and out-of-range fields; never throws.</returns>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        var s = text.AsSpan();

        // "YYYY-MM-DDThh:mm" is the shortest prefix; an offset must follow it.
        if (s.Length < 17
            || !TryDigits(s, 0, 4, out var year) || s[4] != '-'
            || !TryDigits(s, 5, 2, out var month) || s[7] != '-'
            || !TryDigits(s, 8, 2, out var day)
            // RFC 3339 §5.6 lets applications use a space for readability.
            || s[10] is not ('T' or 't' or ' ')
            || !TryDigits(s, 11, 2, out var hour) || s[13] != ':'
            || !TryDigits(s, 14, 2, out var minute))
        {
            return false;
        }

        var pos = 16;
        var second = 0;
        long fractionTicks = 0;
        if (s[pos] == ':')
        {
            if (!TryDigits(s, pos + 1, 2, out second))
            {
                return false;
            }

            pos += 3;
            if (pos < s.Length && s[pos] == '.')
            {
                pos++;
                var digits = 0;
                while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                {
                    // Beyond the tick, digits are truncated rather than rounded so that
                    // .999999999 can never carry into the next second (or past MaxValue).
                    if (digits < TickDigits)
                    {
                        fractionTicks = (fractionTicks * 10) + (s[pos] - '0');
                    }

                    digits++;
                    pos++;
                }

                if (digits == 0)
                {
                    return false;
                }

                for (var i = digits; i < TickDigits; i++)
                {
                    fractionTicks *= 10;
                }
            }
        }

        if (!TryOffset(s[pos..], out var offsetMinutes))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        if (second == 60)
        {
            // A leap second (RFC 3339 allows :60). DateTime has none, so it becomes the last
            // tick of :59, which keeps it after every earlier instant and before the next minute.
            second = 59;
            fractionTicks = TimeSpan.TicksPerSecond - 1;
        }

        var localTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        var utcTicks = localTicks - (offsetMinutes * TimeSpan.TicksPerMinute);

        // An offset can push an in-range local time outside year 1..9999.
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    /// <summary>
    /// True for Go's zero time <c>0001-01-01T00:00:00Z</c> (and <c>default</c>), which
    /// Alertmanager sends as a firing alert's <c>endsAt</c> to mean "no end", not year 1.
    /// </summary>
    public static bool IsZero(DateTimeOffset value) => value.UtcTicks == 0;

    /// <summary>
    /// Writes RFC 3339 in UTC with <c>Z</c> and at most seven fractional digits, trailing
    /// zeros (and a bare point) trimmed, e.g. <c>2026-12-03T16:16:02.6836843Z</c>. The zero
    /// time comes out as <c>0001-01-01T00:00:00Z</c>, the same text Alertmanager writes.
    /// </summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static bool TryOffset(ReadOnlySpan<char> s, out int minutes)
    {
        minutes = 0;
        if (s.Length == 1 && s[0] is ('Z' or 'z'))
        {
            return true;
        }

        if (s.Length < 3 || s[0] is not ('+' or '-') || !TryDigits(s, 1, 2, out var hours))
        {
            return false;
        }

        var mins = 0;
        var ok = s.Length switch
        {
            3 => true,                                               // -07
            5 => TryDigits(s, 3, 2, out mins),                       // +0000
            6 => s[3] == ':' && TryDigits(s, 4, 2, out mins),        // +08:00
            _ => false,
        };

        if (!ok || hours > 23 || mins > 59)
        {
            return false;
        }

        minutes = (s[0] == '-' ? -1 : 1) * ((hours * 60) + mins);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }
}
