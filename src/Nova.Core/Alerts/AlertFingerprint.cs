using System.Buffers;
using System.Globalization;
using System.Text;

namespace Nova.Core.Alerts;

/// <summary>
/// Alertmanager's alert identity: FNV-1a 64 over the label set, exactly as
/// <c>prometheus/common/model.LabelSet.Fingerprint</c> computes it, so a fingerprint Nova
/// computes equals the <c>fingerprint</c> field Alertmanager sends for the same labels.
/// </summary>
public static class AlertFingerprint
{
    private const ulong OffsetBasis = 0xcbf29ce484222325;
    private const ulong Prime = 0x100000001b3;

    // Go's model.SeparatorByte: 0xFF never occurs in valid UTF-8, so name/value
    // boundaries cannot be forged by moving bytes between a name and its value.
    private const byte Separator = 0xFF;

    /// <summary>
    /// Computes the fingerprint of <paramref name="labels"/> as 16 lowercase hex digits.
    /// </summary>
    /// <remarks>
    /// If a name occurs more than once the last value wins, as when Go's encoding/json
    /// decodes an object with a repeated key into Alertmanager's map-based label set.
    /// </remarks>
    /// <exception cref="ArgumentException">A label name or value is null.</exception>
    public static string Compute(IEnumerable<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);

        // Names and values are encoded once into one pooled buffer that the entries point
        // into: two rentals per call instead of a byte[] (or string) per label.
        var entries = ArrayPool<Entry>.Shared.Rent(labels.TryGetNonEnumeratedCount(out var hint) ? Math.Max(hint, 1) : 16);
        byte[]? buffer = null;
        try
        {
            var count = 0;
            var byteCount = 0;
            foreach (var (name, value) in labels)
            {
                if (name is null || value is null)
                {
                    throw new ArgumentException("Label names and values must not be null.", nameof(labels));
                }

                if (count == entries.Length)
                {
                    var larger = ArrayPool<Entry>.Shared.Rent(count * 2);
                    entries.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<Entry>.Shared.Return(entries, clearArray: true);
                    entries = larger;
                }

                var nameLength = Encoding.UTF8.GetByteCount(name);
                var valueLength = Encoding.UTF8.GetByteCount(value);
                entries[count] = new Entry(name, value, byteCount, nameLength, valueLength, count);
                byteCount += nameLength + valueLength;
                count++;
            }

            buffer = ArrayPool<byte>.Shared.Rent(Math.Max(byteCount, 1));
            var span = entries.AsSpan(0, count);
            foreach (ref readonly var entry in span)
            {
                // Lone surrogates become U+FFFD, which is also what Go holds after decoding
                // such a string from JSON.
                Encoding.UTF8.GetBytes(entry.Name, buffer.AsSpan(entry.Start, entry.NameLength));
                Encoding.UTF8.GetBytes(entry.Value, buffer.AsSpan(entry.Start + entry.NameLength, entry.ValueLength));
            }

            // Go sorts names with sort.Strings, i.e. by UTF-8 bytes. That is code point order,
            // which differs from .NET's ordinal (UTF-16) order once names mix astral
            // characters with U+E000..U+FFFF, so compare the encoded bytes themselves.
            // The original index breaks ties so that the last duplicate sorts last.
            var bytes = buffer;
            span.Sort((a, b) =>
            {
                var byName = a.NameBytes(bytes).SequenceCompareTo(b.NameBytes(bytes));
                return byName != 0 ? byName : a.Index.CompareTo(b.Index);
            });

            var hash = OffsetBasis;
            for (var i = 0; i < span.Length; i++)
            {
                var entry = span[i];
                if (i + 1 < span.Length && entry.NameBytes(bytes).SequenceEqual(span[i + 1].NameBytes(bytes)))
                {
                    continue; // Superseded by a later value for the same name.
                }

                hash = Add(hash, entry.NameBytes(bytes));
                hash = Add(hash, Separator);
                hash = Add(hash, entry.ValueBytes(bytes));
                hash = Add(hash, Separator);
            }

            return hash.ToString("x16", CultureInfo.InvariantCulture);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            // Entries hold string references; clear them so the pool does not keep them alive.
            ArrayPool<Entry>.Shared.Return(entries, clearArray: true);
        }
    }

    private static ulong Add(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash = Add(hash, b);
        }

        return hash;
    }

    private static ulong Add(ulong hash, byte b) => unchecked((hash ^ b) * Prime);

    private readonly record struct Entry(string Name, string Value, int Start, int NameLength, int ValueLength, int Index)
    {
        public ReadOnlySpan<byte> NameBytes(byte[] buffer) => buffer.AsSpan(Start, NameLength);

        public ReadOnlySpan<byte> ValueBytes(byte[] buffer) => buffer.AsSpan(Start + NameLength, ValueLength);
    }
}
