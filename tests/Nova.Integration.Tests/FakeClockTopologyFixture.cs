using Microsoft.Extensions.Time.Testing;
using Nova.Region.Config;

namespace Nova.Integration.Tests;

/// <summary>
/// The topology on a <see cref="FakeTimeProvider"/>: time moves only when a test calls
/// <see cref="Advance"/>, so staleness rules can be tested in minutes of fake time and
/// milliseconds of real time. The staleness sweep runs every <see cref="SweepInterval"/> of
/// fake time.
/// </summary>
public sealed class FakeClockTopologyFixture() : TopologyFixture(Clock(), SweepInterval)
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    public FakeTimeProvider Time => (FakeTimeProvider)Topology.Time;

    /// <summary>Moves fake time on; timers due by then (sweeps, syncs) fire.</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);

    /// <summary>
    /// The regions' change-feed loops sleep on the fake clock, so instead of waiting for
    /// them this pulls the feed into every region at once.
    /// </summary>
    public override async Task WaitForSyncAsync(CancellationToken ct, TimeSpan? timeout = null)
    {
        foreach (var region in Topology.Info.Regions.Keys)
        {
            var sync = (ConfigSync)Topology.RegionServices(region).GetService(typeof(ConfigSync))!;
            await sync.SyncOnceAsync(ct);
        }
    }

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
}
