using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Nova.Core.Ids;

/// <summary>
/// Makes event ids (see <see cref="EventIds"/>) that sort by creation time: ids from one
/// generator are strictly increasing in ordinal string order, so storage can page and
/// replicate by id without a separate sequence.
/// </summary>
/// <remarks>
/// Monotonic ULID: within one millisecond, or when the clock steps backwards, the previous
/// random part is incremented instead of drawn afresh, and the timestamp is held at the
/// last one used. Ids made after a backward step therefore carry a timestamp slightly
/// ahead of the clock until it catches up; order wins over timestamp accuracy.
/// </remarks>
public sealed class EventIdGenerator(TimeProvider time)
{
    private static readonly UInt128 MaxRandom = (UInt128.One << 80) - 1;

    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));
    private readonly RandomFill _fill = RandomNumberGenerator.Fill;
    private readonly Lock _gate = new();
    private long _lastMs = -1;
    private UInt128 _lastRandom;

    // Lets tests start the random part near its top to exercise the overflow path.
    internal EventIdGenerator(TimeProvider time, RandomFill fill)
        : this(time) => _fill = fill;

    internal delegate void RandomFill(Span<byte> bytes);

    /// <summary>The next id, greater than every id this generator returned before.</summary>
    public string Next()
    {
        var now = Math.Clamp(_time.GetUtcNow().ToUnixTimeMilliseconds(), 0, EventIds.MaxTimestampMs);

        lock (_gate)
        {
            if (now > _lastMs)
            {
                _lastMs = now;
                _lastRandom = NewRandom();
            }
            else if (_lastRandom < MaxRandom)
            {
                _lastRandom++;
            }
            else
            {
                // 2^80 ids in one millisecond cannot really happen, but a random start near
                // the top can exhaust the space; borrowing the next millisecond keeps order
                // without throwing.
                if (_lastMs == EventIds.MaxTimestampMs)
                {
                    throw new InvalidOperationException("Event id space exhausted.");
                }

                _lastMs++;
                _lastRandom = NewRandom();
            }

            return EventIds.Encode(_lastMs, _lastRandom);
        }
    }

    private UInt128 NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        _fill(bytes[..10]);
        return BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }
}
