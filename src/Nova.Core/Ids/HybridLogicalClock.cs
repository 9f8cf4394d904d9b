namespace Nova.Core.Ids;

/// <summary>
/// A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): readings
/// stay close to physical time yet never go backwards, and every reading is greater than
/// every remote reading this clock has observed, so causally related events across
/// regions order correctly even when their clocks disagree.
/// </summary>
/// <remarks>
/// The counter is bounded by the text form (<see cref="HlcTimestamp.MaxCounter"/>). Should
/// it run out (about 100,000 events while the physical clock stands still or lags), the
/// clock borrows the next millisecond rather than fail; the wall time then runs ahead of
/// physical time by that millisecond until the clock catches up. The same happens in
/// <see cref="Observe"/> for a remote reading ahead of the local clock: callers that do
/// not trust a peer's clock should bound its skew before observing it.
/// </remarks>
public sealed class HybridLogicalClock(TimeProvider time)
{
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));
    private readonly Lock _gate = new();
    private HlcTimestamp _last;

    /// <summary>A reading for a local or send event, greater than every earlier one.</summary>
    public HlcTimestamp Now()
    {
        var physical = PhysicalMs();
        lock (_gate)
        {
            _last = physical > _last.WallMs
                ? new HlcTimestamp(physical, 0)
                : Next(_last.WallMs, _last.Counter);
            return _last;
        }
    }

    /// <summary>
    /// Merges a reading received from another node and returns a reading for the receive
    /// event: greater than both <paramref name="remote"/> and every earlier local reading.
    /// </summary>
    public HlcTimestamp Observe(HlcTimestamp remote)
    {
        var physical = PhysicalMs();
        lock (_gate)
        {
            var wall = Math.Max(physical, Math.Max(_last.WallMs, remote.WallMs));
            var local = wall == _last.WallMs;
            var fromRemote = wall == remote.WallMs;

            // The counter continues from whichever readings share the new wall time; if the
            // physical clock alone is ahead, it restarts at zero.
            _last = (local, fromRemote) switch
            {
                (true, true) => Next(wall, Math.Max(_last.Counter, remote.Counter)),
                (true, false) => Next(wall, _last.Counter),
                (false, true) => Next(wall, remote.Counter),
                (false, false) => new HlcTimestamp(wall, 0),
            };
            return _last;
        }
    }

    private long PhysicalMs() =>
        Math.Clamp(_time.GetUtcNow().ToUnixTimeMilliseconds(), 0, HlcTimestamp.MaxWallMs);

    private static HlcTimestamp Next(long wall, int counter)
    {
        if (counter < HlcTimestamp.MaxCounter)
        {
            return new HlcTimestamp(wall, counter + 1);
        }

        if (wall == HlcTimestamp.MaxWallMs)
        {
            throw new InvalidOperationException("Hybrid logical clock exhausted.");
        }

        return new HlcTimestamp(wall + 1, 0);
    }
}
