namespace Nova.Core.Ids;

/// <summary>
/// Reading ids made by <see cref="EventIdGenerator"/>: ULID layout, 26 characters of
/// Crockford base32, a 48-bit Unix millisecond timestamp followed by 80 random bits.
/// </summary>
public static class EventIds
{
    internal const int Length = 26;
    internal const int TimestampLength = 10;
    internal const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    // Ids carry a DateTimeOffset; a 48-bit timestamp could reach year 10889, beyond what
    // DateTimeOffset holds, so such ids are not valid (the generator never makes them).
    internal static readonly long MaxTimestampMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>
    /// True for a canonical id: exactly 26 characters of the uppercase alphabet, with a
    /// timestamp DateTimeOffset can hold. Crockford's lenient decoding (lowercase, I/L/O)
    /// is deliberately not accepted: ids are keys compared ordinally, so only one
    /// spelling of each may exist.
    /// </summary>
    public static bool IsValid(string id)
    {
        if (id is null || id.Length != Length)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (ValueOf(c) < 0)
            {
                return false;
            }
        }

        return DecodeTimestamp(id) <= MaxTimestampMs;
    }

    /// <summary>The creation time embedded in <paramref name="id"/>, to the millisecond.</summary>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not valid.</exception>
    public static DateTimeOffset TimestampOf(string id)
    {
        if (!IsValid(id))
        {
            throw new ArgumentException("Not a valid event id.", nameof(id));
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(DecodeTimestamp(id));
    }

    /// <summary>Writes the 128-bit id as 26 characters, most significant first.</summary>
    internal static string Encode(long timestampMs, UInt128 random) =>
        string.Create(Length, ((UInt128)(ulong)timestampMs << 80) | random, static (chars, value) =>
        {
            // 26 × 5 = 130 bits: the first character holds only the top 3 bits.
            for (var i = chars.Length - 1; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });

    private static long DecodeTimestamp(string id)
    {
        long ms = 0;
        for (var i = 0; i < TimestampLength; i++)
        {
            ms = (ms << 5) | (long)ValueOf(id[i]);
        }

        return ms;
    }

    private static int ValueOf(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'Z' and not ('I' or 'L' or 'O' or 'U') => Alphabet.IndexOf(c, StringComparison.Ordinal),
        _ => -1,
    };
}
