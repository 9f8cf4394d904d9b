using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Nova.Core.Ids;

/// <summary>
/// A hybrid logical clock reading: Unix milliseconds plus a counter that orders events
/// within (or stuck at) one millisecond. Compared by wall time, then counter.
/// </summary>
/// <remarks>
/// The text form is fixed-width, <c>001733241234567-00003</c> (15 digits of milliseconds,
/// '-', 5 digits of counter), so ordinal string order equals timestamp order and the text
/// can be stored and indexed as a plain string column. The ranges below are what that
/// width holds; the constructor refuses anything else so the text form cannot break order.
/// </remarks>
public readonly record struct HlcTimestamp(long WallMs, int Counter) : IComparable<HlcTimestamp>
{
    /// <summary>Largest wall time the text form holds (15 digits; about year 33658).</summary>
    public const long MaxWallMs = 999_999_999_999_999;

    /// <summary>Largest counter the text form holds (5 digits).</summary>
    public const int MaxCounter = 99_999;

    private const int WallDigits = 15;
    private const int CounterDigits = 5;
    private const int TextLength = WallDigits + 1 + CounterDigits;

    // Validated in init as well as at construction so `with` expressions and serializers
    // (System.Text.Json sets init properties on a default struct) cannot bypass the ranges.
    private readonly long _wallMs = CheckWall(WallMs);
    private readonly int _counter = CheckCounter(Counter);

    /// <summary>Unix milliseconds, 0..<see cref="MaxWallMs"/>.</summary>
    public long WallMs { get => _wallMs; init => _wallMs = CheckWall(value); }

    /// <summary>Logical counter, 0..<see cref="MaxCounter"/>.</summary>
    public int Counter { get => _counter; init => _counter = CheckCounter(value); }

    public static bool operator <(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) < 0;

    public static bool operator >(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) > 0;

    public static bool operator <=(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) <= 0;

    public static bool operator >=(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) >= 0;

    public int CompareTo(HlcTimestamp other)
    {
        var byWall = WallMs.CompareTo(other.WallMs);
        return byWall != 0 ? byWall : Counter.CompareTo(other.Counter);
    }

    /// <summary>The fixed-width text form, e.g. <c>001733241234567-00003</c>.</summary>
    public override string ToString() =>
        string.Create(TextLength, this, static (chars, t) =>
        {
            t.WallMs.TryFormat(chars[..WallDigits], out _, "D15", CultureInfo.InvariantCulture);
            chars[WallDigits] = '-';
            t.Counter.TryFormat(chars[(WallDigits + 1)..], out _, "D5", CultureInfo.InvariantCulture);
        });

    /// <summary>Parses the exact form <see cref="ToString"/> writes.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not in that form.</exception>
    public static HlcTimestamp Parse(string text) =>
        TryParse(text, out var value)
            ? value
            : throw new FormatException($"Not an HLC timestamp (expected {WallDigits} digits, '-', {CounterDigits} digits).");

    /// <summary>
    /// Parses the exact form <see cref="ToString"/> writes and nothing looser (no signs,
    /// spaces or short fields), so that a parsed text round-trips to itself.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out HlcTimestamp value)
    {
        value = default;
        if (text is null || text.Length != TextLength || text[WallDigits] != '-')
        {
            return false;
        }

        long wall = 0;
        for (var i = 0; i < WallDigits; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            wall = (wall * 10) + (text[i] - '0');
        }

        var counter = 0;
        for (var i = WallDigits + 1; i < TextLength; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            counter = (counter * 10) + (text[i] - '0');
        }

        value = new HlcTimestamp(wall, counter);
        return true;
    }

    private static long CheckWall(long wallMs) => wallMs is >= 0 and <= MaxWallMs
        ? wallMs
        : throw new ArgumentOutOfRangeException(nameof(WallMs), wallMs, "Wall time must be 0..999999999999999 ms.");

    private static int CheckCounter(int counter) => counter is >= 0 and <= MaxCounter
        ? counter
        : throw new ArgumentOutOfRangeException(nameof(Counter), counter, "Counter must be 0..99999.");
}
