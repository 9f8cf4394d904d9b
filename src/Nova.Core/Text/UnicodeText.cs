using System.Globalization;
using System.Text;

namespace Nova.Core.Text;

/// <summary>
/// Length limits in Nova's formats (PagerDuty's 1024-character summary, for one) are
/// counted in Unicode scalar values, so a sender's emoji counts as one character even
/// though it is two UTF-16 chars. Counting string.Length would reject bodies that
/// PagerDuty accepts.
/// </summary>
/// <remarks>
/// Scalars, not grapheme clusters: a flag or a ZWJ family is several scalars, and a limit
/// may fall inside one. Grapheme boundaries change with the Unicode version; a scalar
/// count does not, so every Nova node agrees on whether a body is too long. Only where a
/// text is shortened for people to read (<see cref="Shorten"/>) is the cut moved back to a
/// boundary between whole characters.
/// </remarks>
public static class UnicodeText
{
    /// <summary>
    /// The number of Unicode scalar values in <paramref name="value"/>. A well-formed
    /// surrogate pair counts as one; a lone surrogate (invalid, but possible in a .NET
    /// string or a JSON <c>\uD83D</c> escape) also counts as one, as it would once
    /// replaced with U+FFFD.
    /// </summary>
    public static int ScalarCount(string value)
    {
        ArgumentNullException.ThrowIfNull(value);

        var count = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (IsPairAt(value, i))
            {
                i++;
            }

            count++;
        }

        return count;
    }

    /// <summary>
    /// The longest prefix of <paramref name="value"/> with at most
    /// <paramref name="maxScalars"/> scalar values. A surrogate pair is kept or dropped
    /// whole, never split. Returns <paramref name="value"/> itself when it already fits.
    /// </summary>
    public static string Truncate(string value, int maxScalars)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(maxScalars);

        // Every scalar is at least one char, so a short string fits without counting.
        if (value.Length <= maxScalars)
        {
            return value;
        }

        var count = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (count == maxScalars)
            {
                return value[..i];
            }

            if (IsPairAt(value, i))
            {
                i++;
            }

            count++;
        }

        return value;
    }

    /// <summary>
    /// True when <paramref name="value"/> has nothing to read: it is null, empty, or only
    /// white space and invisible characters (controls, zero-width spaces, byte order marks).
    /// </summary>
    public static bool IsBlank(string? value) =>
        value is null || !value.EnumerateRunes().Any(r =>
            !Rune.IsWhiteSpace(r) && !Rune.IsControl(r) && Rune.GetUnicodeCategory(r) != UnicodeCategory.Format);

    /// <summary>
    /// <paramref name="value"/> itself when it has at most <paramref name="maxScalars"/>
    /// scalar values; else its start ending in "…", that many scalars in all, cut between
    /// whole characters as a reader sees them (an emoji sequence, a letter and its accents) —
    /// or inside the first one, when that alone is too long.
    /// </summary>
    public static string Shorten(string value, int maxScalars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxScalars, 1);
        if (ScalarCount(value) <= maxScalars)
        {
            return value;
        }

        var kept = 0;
        var elements = StringInfo.GetTextElementEnumerator(value);
        while (elements.MoveNext())
        {
            var next = ScalarCount(elements.GetTextElement());
            if (kept + next > maxScalars - 1)
            {
                break;
            }

            kept += next;
        }

        return Truncate(value, kept == 0 ? maxScalars - 1 : kept) + "…";
    }

    private static bool IsPairAt(string value, int i) =>
        char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
}
